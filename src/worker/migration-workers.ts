import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import type { Logger } from '../config/logger.ts';
import type { Db } from '../db/database.ts';
import { claimMailboxes, releaseLease, renewLeases } from '../db/mailbox-leases.ts';
import { createMigrationStore } from '../db/migration-store.ts';
import { coerceError, FerryError, TransientError } from '../domain/errors.ts';
import { LeaseLostError, type MailboxLease } from '../domain/migration-store.ts';
import type { SecretSealer } from '../domain/ports.ts';
import { ByteBudget } from '../engine/byte-budget.ts';
import { migrateMailbox } from '../engine/migrate-mailbox.ts';
import type { BudgetLimits } from '../graph/mailbox-budget.ts';
import type { Outbound } from '../net/outbound-http.ts';
import { createEngineDepsCache } from './engine-deps.ts';

/** 4× a 150 MB message (Exchange's largest) fits: such a message runs alone, smaller ones side by side. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 768 * 1024 * 1024;

/** A lease is renewed this often (one statement for all of the process's mailboxes). */
const HEARTBEAT_MS = 3_000;
/** A lease not renewed for this long belongs to a dead worker: another one takes the mailbox over. */
const LEASE_STALE_SECONDS = 15;
/**
 * A worker that could not renew a lease for this long stops the mailbox's work itself, before
 * another worker may take it over: two workers never create the same mailbox's items at once.
 */
const SELF_ABORT_MS = 10_000;
/** How often an idle worker looks for mailboxes to lease (one indexed query). */
const CLAIM_POLL_MS = 500;

export interface MigrationWorkers {
  /** This process's name in `mailbox_leases.worker_id`. */
  readonly workerId: string;
  /** Stops leasing; running mailboxes pause after their current pages and are released to other workers. */
  stop(): Promise<void>;
}

interface Held {
  readonly lease: MailboxLease;
  readonly abort: AbortController;
  /** When the last renewal that confirmed the lease was sent (performance.now()). */
  renewedAt: number;
}

/**
 * The migration side of a worker process: leases up to `maxMailboxes` queued or running
 * mailboxes (the database decides which may run: db/mailbox-slots.ts) and migrates each in this
 * process, so a mailbox's Zimbra and Graph budgets are this process's alone. Leases are renewed
 * every few seconds; a dead worker's mailboxes are taken over within seconds of going stale.
 */
export function startMigrationWorkers(options: {
  db: Db;
  sealer: SecretSealer;
  logger: Logger;
  limits: BudgetLimits;
  /** Every connection to Zimbra and Microsoft 365 goes through it. */
  outbound: Outbound;
  /** Mailboxes this process migrates at once (FERRY_WORKER_MAILBOXES). */
  maxMailboxes: number;
  /** Message bytes the process may hold at once (see ByteBudget). */
  memoryBudgetBytes?: number;
}): Promise<MigrationWorkers> {
  const { db, logger } = options;
  const workerId = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const store = createMigrationStore(db);
  const memory = new ByteBudget(options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES);
  const depsFor = createEngineDepsCache(
    db,
    options.sealer,
    store,
    options.limits,
    memory,
    logger,
    options.outbound,
  );
  const held = new Map<string, Held>();
  const running = new Set<Promise<void>>();
  let stopping = false;
  let wake = () => undefined as void;

  const lose = (entry: Held, reason: string) => {
    if (entry.abort.signal.aborted) return;
    logger.warn({ runMailboxId: entry.lease.runMailboxId, workerId, reason }, 'mailbox lease lost');
    entry.abort.abort(new LeaseLostError(entry.lease.runMailboxId));
  };

  const work = async (entry: Held) => {
    const { lease, abort } = entry;
    let release = true;
    try {
      const mailbox = await store.getRunMailbox(lease.runMailboxId);
      const deps = await depsFor(mailbox.runId).catch(async (caught: unknown) => {
        const error = coerceError(caught);
        // Endpoints that cannot be used (an unreadable certificate): the admin must fix the project.
        if (error instanceof FerryError && !(error instanceof TransientError)) {
          await store.failMailbox(lease, `${error.code}: ${error.message}`);
          return undefined;
        }
        throw error;
      });
      if (deps !== undefined) {
        const log = logger.child({
          runId: mailbox.runId,
          runMailboxId: lease.runMailboxId,
          source: mailbox.source,
          destination: mailbox.destination,
        });
        log.info({ workerId, epoch: lease.epoch }, 'mailbox work started');
        await migrateMailbox(deps, { lease, signal: abort.signal, draining: () => stopping });
        await logOutcome(log, lease.runMailboxId);
      }
    } catch (caught) {
      if (abort.signal.aborted || caught instanceof LeaseLostError) return;
      // Kept, not released: the lease goes stale, and a worker tries again once it is (a back-off).
      release = false;
      logger.error(
        { err: caught, runMailboxId: lease.runMailboxId },
        `mailbox work stopped; another attempt follows in ${LEASE_STALE_SECONDS} s`,
      );
    } finally {
      held.delete(lease.runMailboxId);
      if (release && !abort.signal.aborted) await releaseLease(db, lease).catch(() => undefined);
      wake();
    }
  };

  /** What became of the mailbox, in the worker's log: a failure or items that failed are said there too. */
  const logOutcome = async (log: Logger, runMailboxId: string) => {
    const row = await db
      .selectFrom('run_mailboxes')
      .select(['status', 'error'])
      .where('id', '=', runMailboxId)
      .executeTakeFirst();
    if (row?.status === 'failed') log.error({ status: row.status, error: row.error }, 'mailbox failed');
    else if (row?.status === 'completed_with_errors')
      log.warn({ status: row.status, error: row.error }, 'mailbox completed with errors');
    else if (row !== undefined) log.info({ status: row.status }, 'mailbox work ended');
  };

  const claim = async () => {
    const room = options.maxMailboxes - held.size;
    if (room <= 0) return;
    const sentAt = performance.now();
    const leases = await claimMailboxes(db, workerId, room, LEASE_STALE_SECONDS, [...held.keys()]);
    for (const lease of leases) {
      const entry: Held = { lease, abort: new AbortController(), renewedAt: sentAt };
      held.set(lease.runMailboxId, entry);
      const done = work(entry).finally(() => running.delete(done));
      running.add(done);
    }
    if (leases.length > 0) logger.debug({ workerId, leased: leases.length }, 'mailboxes leased');
  };

  const claiming = (async () => {
    while (!stopping) {
      await claim().catch((error: unknown) => logger.warn({ err: error }, 'leasing mailboxes failed'));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLAIM_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  let renewing = false;
  const renew = async () => {
    if (!renewing && held.size > 0) {
      renewing = true;
      const sentAt = performance.now();
      const entries = [...held.values()];
      try {
        const alive = await renewLeases(
          db,
          entries.map((e) => e.lease),
        );
        for (const entry of entries) {
          if (alive.has(entry.lease.runMailboxId)) entry.renewedAt = sentAt;
          else lose(entry, 'another worker took the mailbox over');
        }
      } catch (error) {
        logger.warn({ err: error }, 'renewing mailbox leases failed');
      } finally {
        renewing = false;
      }
    }
    for (const entry of held.values()) {
      if (performance.now() - entry.renewedAt > SELF_ABORT_MS) lose(entry, 'its lease could not be renewed');
    }
  };
  const heartbeat = setInterval(() => void renew(), HEARTBEAT_MS);

  logger.info({ workerId, maxMailboxes: options.maxMailboxes }, 'migration workers started');
  return Promise.resolve({
    workerId,
    async stop() {
      stopping = true;
      wake();
      await claiming;
      while (running.size > 0) await Promise.all(running);
      clearInterval(heartbeat);
    },
  });
}
