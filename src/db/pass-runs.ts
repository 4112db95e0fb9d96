import { sql } from 'kysely';

import {
  ITEM_TYPES,
  type ItemCounts,
  type ItemType,
  type MailboxReport,
  type MailboxStatus,
  type PassOptions,
  UNFINISHED_STATUSES,
} from '../domain/migration.ts';
import type { MigrationStore } from '../domain/migration-store.ts';
import type { Db } from './database.ts';
import { fillMailboxSlots } from './mailbox-slots.ts';
import { retryTransaction } from './retry-transaction.ts';

export async function createPassRun(
  db: Db,
  run: {
    name: string;
    options: PassOptions;
    endpointsSealed: string;
    /** Mailboxes of this run in flight at once (the seed guide recommends 5 for Zimbra). */
    maxConcurrent?: number;
    /** `sizeHint` (bytes, when known) makes larger mailboxes start first. */
    mailboxes: readonly { source: string; destination: string; sizeHint?: number }[];
  },
): Promise<{ runId: string; mailboxIds: string[] }> {
  return retryTransaction(db, async (trx) => {
    const { id: runId } = await trx
      .insertInto('pass_runs')
      .values({
        name: run.name,
        pass: run.options.pass,
        options: JSON.stringify(run.options),
        endpoints_sealed: run.endpointsSealed,
        max_concurrent: run.maxConcurrent ?? 5,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const mailboxIds: string[] = [];
    for (const mailbox of run.mailboxes) {
      const { id } = await trx
        .insertInto('run_mailboxes')
        .values({
          run_id: runId,
          source: mailbox.source,
          destination: mailbox.destination,
          size_hint: mailbox.sizeHint ?? 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      mailboxIds.push(id);
    }
    return { runId, mailboxIds };
  });
}

/** Starts the run: as many mailboxes as it may have in flight; each one finishing starts the next. */
export async function launchPassRun(db: Db, runId: string): Promise<void> {
  await retryTransaction(db, (trx) => fillMailboxSlots(trx, runId));
}

/**
 * Stops these mailboxes: waiting ones never start, running ones stop at their next page (items
 * already migrated stay, and a later pass continues from there). Frees their slots for the others.
 */
export async function stopRunMailboxes(
  db: Db,
  runMailboxIds: readonly string[],
  stoppedBy: string,
): Promise<number> {
  if (runMailboxIds.length === 0) return 0;
  return retryTransaction(db, async (trx) => {
    const stopped = await trx
      .updateTable('run_mailboxes')
      .set({ status: 'stopped', error: `STOPPED: stopped by ${stoppedBy}.`, finished_at: new Date() })
      .where('id', 'in', runMailboxIds)
      .where('status', 'in', UNFINISHED_STATUSES)
      .returning('run_id')
      .execute();
    for (const runId of new Set(stopped.map((r) => r.run_id))) await fillMailboxSlots(trx, runId);
    return stopped.length;
  });
}

export async function mailboxStatuses(db: Db, runId: string): Promise<Map<string, MailboxStatus>> {
  const rows = await db
    .selectFrom('run_mailboxes')
    .select(['id', 'status'])
    .where('run_id', '=', runId)
    .execute();
  return new Map(rows.map((r) => [r.id, r.status as MailboxStatus]));
}

/** Items done so far in the run (for progress bars): outcomes recorded and bytes moved. */
export async function runProgress(
  db: Db,
  runId: string,
): Promise<{ items: number; bytes: number; planned: number }> {
  const done = await db
    .selectFrom('run_items')
    .innerJoin('run_mailboxes', 'run_mailboxes.id', 'run_items.run_mailbox_id')
    .select([sql<string>`count(*)`.as('items'), sql<string>`coalesce(sum(bytes), 0)`.as('bytes')])
    .where('run_mailboxes.run_id', '=', runId)
    .executeTakeFirstOrThrow();
  const planned = await db
    .selectFrom('run_folders')
    .innerJoin('run_mailboxes', 'run_mailboxes.id', 'run_folders.run_mailbox_id')
    .select(sql<string>`coalesce(sum(source_count), 0)`.as('count'))
    .where('run_mailboxes.run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return { items: Number(done.items), bytes: Number(done.bytes), planned: Number(planned.count) };
}

const zero: ItemCounts = { migrated: 0, skipped: 0, failed: 0, bytes: 0 };

/** The report of each mailbox of a run: counts by type, per-folder reconciliation and failures. */
export async function passReport(db: Db, runId: string, store: MigrationStore): Promise<MailboxReport[]> {
  const mailboxes = await db
    .selectFrom('run_mailboxes')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('source')
    .execute();
  const reports: MailboxReport[] = [];
  for (const mailbox of mailboxes) {
    const byType = await db
      .selectFrom('run_items')
      .select([
        'item_type',
        'outcome',
        sql<string>`count(*)`.as('count'),
        sql<string>`coalesce(sum(bytes), 0)`.as('bytes'),
      ])
      .where('run_mailbox_id', '=', mailbox.id)
      .groupBy(['item_type', 'outcome'])
      .execute();
    const items = Object.fromEntries(ITEM_TYPES.map((t) => [t, { ...zero }])) as Record<
      ItemType,
      { migrated: number; skipped: number; failed: number; bytes: number }
    >;
    for (const row of byType) {
      const counts = items[row.item_type as ItemType];
      counts[row.outcome as 'migrated' | 'skipped' | 'failed'] += Number(row.count);
      if (row.outcome === 'migrated') counts.bytes += Number(row.bytes);
    }
    const folders = await db
      .selectFrom('run_folders')
      .leftJoin('run_items', (join) =>
        join
          .onRef('run_items.run_mailbox_id', '=', 'run_folders.run_mailbox_id')
          .onRef('run_items.source_folder_id', '=', 'run_folders.source_folder_id'),
      )
      .select([
        'run_folders.path',
        'run_folders.source_count',
        sql<string>`count(*) filter (where outcome = 'migrated')`.as('migrated'),
        sql<string>`count(*) filter (where outcome = 'skipped')`.as('skipped'),
        sql<string>`count(*) filter (where outcome = 'failed')`.as('failed'),
      ])
      .where('run_folders.run_mailbox_id', '=', mailbox.id)
      .groupBy(['run_folders.path', 'run_folders.source_count'])
      .orderBy('run_folders.path')
      .execute();
    const started = mailbox.started_at?.getTime();
    const finished = mailbox.finished_at?.getTime();
    reports.push({
      source: mailbox.source,
      destination: mailbox.destination,
      status: mailbox.status as MailboxStatus,
      error: mailbox.error ?? undefined,
      items,
      folders: folders.map((f) => ({
        path: f.path,
        source: f.source_count,
        migrated: Number(f.migrated),
        skipped: Number(f.skipped),
        failed: Number(f.failed),
      })),
      errors: await store.listFailures(mailbox.id),
      durationMs: started === undefined ? 0 : (finished ?? Date.now()) - started,
      throttledMs: Number(mailbox.throttled_ms),
    });
  }
  return reports;
}

/**
 * Marks mailboxes of earlier runs that never finished (the process was stopped) as failed, so no
 * worker takes them up again and races a new run on the same items.
 */
export async function interruptUnfinishedRuns(db: Db): Promise<number> {
  const result = await db
    .updateTable('run_mailboxes')
    .set({
      status: 'failed',
      error: 'INTERRUPTED: the pass was stopped before this mailbox finished; run it again to continue.',
      finished_at: new Date(),
    })
    .where('status', 'in', UNFINISHED_STATUSES)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
