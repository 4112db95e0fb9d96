import { sql } from 'kysely';

import { UNFINISHED_STATUSES } from '../domain/migration.ts';
import type { Db } from './database.ts';

/** One pass of one project mailbox, as the metrics see it. */
export interface RunMailboxRow {
  readonly runMailboxId: string;
  readonly projectId: string;
  readonly status: string;
  readonly finishedAt: Date | null;
  readonly throttledMs: number;
}

/** What one run mailbox recorded: items by outcome, bytes migrated, failures by code. */
export interface RunMailboxTotals {
  readonly items: Record<'migrated' | 'skipped' | 'failed', number>;
  readonly bytes: number;
  readonly failuresByCode: Readonly<Record<string, number>>;
}

/**
 * Every pass of every mailbox of the workgroup's projects: one row per run mailbox, through
 * `projects.workgroup_id`, `project_mailboxes (project_id, …)` and the primary keys.
 */
export async function workgroupRunMailboxes(db: Db, workgroupId: string): Promise<RunMailboxRow[]> {
  const rows = await db
    .selectFrom('projects as p')
    .innerJoin('project_mailboxes as pm', 'pm.project_id', 'p.id')
    .innerJoin('project_run_mailboxes as prm', 'prm.project_mailbox_id', 'pm.id')
    .innerJoin('run_mailboxes as rm', 'rm.id', 'prm.run_mailbox_id')
    .select(['rm.id', 'p.id as project_id', 'rm.status', 'rm.finished_at', 'rm.throttled_ms'])
    .where('p.workgroup_id', '=', workgroupId)
    .execute();
  return rows.map((r) => ({
    runMailboxId: r.id,
    projectId: r.project_id,
    status: r.status,
    finishedAt: r.finished_at,
    throttledMs: Number(r.throttled_ms),
  }));
}

/** Item outcomes of these run mailboxes, read by the `run_items` primary key's first column. */
export async function runMailboxTotals(
  db: Db,
  runMailboxIds: readonly string[],
): Promise<Map<string, RunMailboxTotals>> {
  const totals = new Map<string, RunMailboxTotals>();
  if (runMailboxIds.length === 0) return totals;
  const rows = await db
    .selectFrom('run_items')
    .select([
      'run_mailbox_id',
      'outcome',
      'code',
      sql<string>`count(*)`.as('n'),
      sql<string>`coalesce(sum(bytes), 0)`.as('bytes'),
    ])
    .where('run_mailbox_id', 'in', runMailboxIds)
    .groupBy(['run_mailbox_id', 'outcome', 'code'])
    .execute();
  for (const id of runMailboxIds)
    totals.set(id, { items: { migrated: 0, skipped: 0, failed: 0 }, bytes: 0, failuresByCode: {} });
  for (const row of rows) {
    const entry = totals.get(row.run_mailbox_id)!;
    const outcome = row.outcome as keyof RunMailboxTotals['items'];
    const n = Number(row.n);
    const mutable = entry as { bytes: number; failuresByCode: Record<string, number> };
    entry.items[outcome] += n;
    if (outcome === 'migrated') mutable.bytes += Number(row.bytes);
    if (outcome === 'failed') {
      const code = row.code ?? 'UNKNOWN';
      mutable.failuresByCode[code] = (mutable.failuresByCode[code] ?? 0) + n;
    }
  }
  return totals;
}

/**
 * Mailboxes of each project by the status of their last pass (`not_started` without one), and
 * passes with a mailbox still waiting, queued or running.
 */
export async function workgroupMailboxStatuses(
  db: Db,
  workgroupId: string,
): Promise<{
  byStatus: { projectId: string; status: string; count: number }[];
  runningPasses: { projectId: string; count: number }[];
}> {
  const byStatus = await db
    .selectFrom('projects as p')
    .innerJoin('project_mailboxes as pm', 'pm.project_id', 'p.id')
    .leftJoin('run_mailboxes as rm', 'rm.id', 'pm.last_run_mailbox_id')
    .select([
      'p.id as project_id',
      sql<string>`coalesce(rm.status, 'not_started')`.as('status'),
      sql<string>`count(*)`.as('n'),
    ])
    .where('p.workgroup_id', '=', workgroupId)
    .groupBy(['p.id', sql`coalesce(rm.status, 'not_started')`])
    .execute();
  const running = await db
    .selectFrom('projects as p')
    .innerJoin('project_passes as pp', 'pp.project_id', 'p.id')
    .select(['p.id as project_id', sql<string>`count(*)`.as('n')])
    .where('p.workgroup_id', '=', workgroupId)
    .where('pp.launched_at', 'is not', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('run_mailboxes as rm')
          .select('rm.id')
          .whereRef('rm.run_id', '=', 'pp.run_id')
          .where('rm.status', 'in', UNFINISHED_STATUSES),
      ),
    )
    .groupBy('p.id')
    .execute();
  return {
    byStatus: byStatus.map((r) => ({ projectId: r.project_id, status: r.status, count: Number(r.n) })),
    runningPasses: running.map((r) => ({ projectId: r.project_id, count: Number(r.n) })),
  };
}
