import { Counter, Gauge, Registry } from 'prom-client';

import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../db/job-queue.ts';
import {
  runMailboxTotals,
  type RunMailboxRow,
  type RunMailboxTotals,
  workgroupMailboxStatuses,
  workgroupRunMailboxes,
} from '../../db/metrics-queries.ts';
import { UNFINISHED_STATUSES } from '../../domain/migration.ts';

interface ProjectSums {
  migrated: number;
  skipped: number;
  failed: number;
  bytes: number;
  throttledMs: number;
  failuresByCode: Map<string, number>;
}

/**
 * How long after a mailbox's pass finished an outcome may still be recorded: a page in flight when
 * the mailbox was stopped ends within its job's expiry (15 minutes). After that its totals are final.
 */
const SETTLE_MS = 15 * 60 * 1000;

/** Failure codes are Ferry's own constants; anything else is folded so a label never carries free text. */
const CODE_LABEL = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Prometheus metrics of one workgroup, derived from the database at scrape time: every worker
 * process writes to the same PostgreSQL, so one scrape of any API process shows the cluster.
 *
 * Cost of a scrape: one indexed join listing the workgroup's run mailboxes, two grouped queries
 * over project mailboxes and passes, pg-boss's cached queue counts, and a grouped read of
 * `run_items` for the run mailboxes that are still moving. A run mailbox finished longer ago than
 * {@link SETTLE_MS} can gain no item, so its totals are read once and kept in memory; the `run_items` read therefore grows with the mailboxes in flight, not
 * with the history.
 */
export class WorkgroupMetrics {
  readonly #db: Db;
  readonly #queue: JobQueue | undefined;
  /** Totals of settled run mailboxes, per workgroup, keyed by run mailbox id. */
  readonly #settled = new Map<string, Map<string, RunMailboxTotals>>();

  constructor(db: Db, queue: JobQueue | undefined) {
    this.#db = db;
    this.#queue = queue;
  }

  /** The Prometheus text exposition of the workgroup's projects and the shared job queue. */
  async scrape(workgroupId: string, now = new Date()): Promise<{ contentType: string; body: string }> {
    const registry = new Registry();
    await this.#collectItems(registry, workgroupId, now);
    await this.#collectMailboxes(registry, workgroupId);
    await this.#collectQueue(registry);
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  async #collectItems(registry: Registry, workgroupId: string, now: Date): Promise<void> {
    const rows = await workgroupRunMailboxes(this.#db, workgroupId);
    const totals = await this.#totals(workgroupId, rows, now);
    const items = new Counter({
      name: 'ferry_items_total',
      help: 'Items recorded by passes, by project and outcome (migrated, skipped, failed)',
      labelNames: ['project', 'outcome'],
      registers: [registry],
    });
    const bytes = new Counter({
      name: 'ferry_migrated_bytes_total',
      help: 'Bytes of items migrated, by project',
      labelNames: ['project'],
      registers: [registry],
    });
    const failures = new Counter({
      name: 'ferry_item_failures_total',
      help: 'Failed items by project and failure code',
      labelNames: ['project', 'code'],
      registers: [registry],
    });
    const throttled = new Counter({
      name: 'ferry_throttled_seconds_total',
      help: 'Time mailboxes waited on source or destination throttling, by project',
      labelNames: ['project'],
      registers: [registry],
    });
    // Summed per project first: one labelled increment per series, not one per mailbox pass.
    const sums = new Map<string, ProjectSums>();
    for (const row of rows) {
      let sum = sums.get(row.projectId);
      if (sum === undefined) {
        sum = { migrated: 0, skipped: 0, failed: 0, bytes: 0, throttledMs: 0, failuresByCode: new Map() };
        sums.set(row.projectId, sum);
      }
      sum.throttledMs += row.throttledMs;
      const total = totals.get(row.runMailboxId);
      if (total === undefined) continue;
      sum.migrated += total.items.migrated;
      sum.skipped += total.items.skipped;
      sum.failed += total.items.failed;
      sum.bytes += total.bytes;
      for (const [code, n] of Object.entries(total.failuresByCode)) {
        const label = CODE_LABEL.test(code) ? code : 'OTHER';
        sum.failuresByCode.set(label, (sum.failuresByCode.get(label) ?? 0) + n);
      }
    }
    for (const [project, sum] of sums) {
      for (const outcome of ['migrated', 'skipped', 'failed'] as const)
        items.inc({ project, outcome }, sum[outcome]);
      bytes.inc({ project }, sum.bytes);
      throttled.inc({ project }, sum.throttledMs / 1000);
      for (const [code, n] of sum.failuresByCode) failures.inc({ project, code }, n);
    }
  }

  /** Totals of every run mailbox: settled ones from memory, the rest read now. */
  async #totals(
    workgroupId: string,
    rows: readonly RunMailboxRow[],
    now: Date,
  ): Promise<Map<string, RunMailboxTotals>> {
    const known = this.#settled.get(workgroupId) ?? new Map<string, RunMailboxTotals>();
    const settledBefore = now.getTime() - SETTLE_MS;
    const isSettled = (row: RunMailboxRow) =>
      !UNFINISHED_STATUSES.includes(row.status as (typeof UNFINISHED_STATUSES)[number]) &&
      row.finishedAt !== null &&
      row.finishedAt.getTime() < settledBefore;
    const fresh = await runMailboxTotals(
      this.#db,
      rows.filter((r) => !(isSettled(r) && known.has(r.runMailboxId))).map((r) => r.runMailboxId),
    );
    const settled = new Map<string, RunMailboxTotals>();
    for (const row of rows) {
      const total = fresh.get(row.runMailboxId) ?? known.get(row.runMailboxId);
      if (total !== undefined && isSettled(row)) settled.set(row.runMailboxId, total);
    }
    // Replaced, not merged: run mailboxes of deleted projects leave the cache with them.
    this.#settled.set(workgroupId, settled);
    return new Map([...fresh, ...settled]);
  }

  async #collectMailboxes(registry: Registry, workgroupId: string): Promise<void> {
    const { byStatus, runningPasses } = await workgroupMailboxStatuses(this.#db, workgroupId);
    const mailboxes = new Gauge({
      name: 'ferry_mailboxes',
      help: 'Mailboxes by project and the status of their last pass (not_started without one)',
      labelNames: ['project', 'status'],
      registers: [registry],
    });
    for (const row of byStatus) mailboxes.set({ project: row.projectId, status: row.status }, row.count);
    const passes = new Gauge({
      name: 'ferry_passes_running',
      help: 'Launched passes with a mailbox still waiting, queued or running, by project',
      labelNames: ['project'],
      registers: [registry],
    });
    for (const row of runningPasses) passes.set({ project: row.projectId }, row.count);
  }

  async #collectQueue(registry: Registry): Promise<void> {
    if (this.#queue === undefined) return;
    const jobs = new Gauge({
      name: 'ferry_queue_jobs',
      help: 'Jobs on the shared job queue (all workgroups) by queue and state, as of pg-boss’s last count',
      labelNames: ['queue', 'state'],
      registers: [registry],
    });
    for (const queue of await this.#queue.getQueues()) {
      if (queue.name.startsWith('__')) continue;
      jobs.set({ queue: queue.name, state: 'ready' }, queue.readyCount);
      jobs.set({ queue: queue.name, state: 'deferred' }, queue.deferredCount);
      jobs.set({ queue: queue.name, state: 'active' }, queue.activeCount);
    }
  }
}
