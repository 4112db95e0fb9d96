import { sql } from 'kysely';

import { ITEM_TYPES, type ItemType } from '../domain/migration.ts';
import type { Db } from './database.ts';

export interface TypeCounts {
  migrated: number;
  skipped: number;
  failed: number;
  bytes: number;
}

export type CountsByType = Record<ItemType, TypeCounts>;

export interface FolderReconciliation {
  readonly path: string;
  readonly itemType: string;
  readonly source: number;
  /** Items in the destination after the pass: migrated now or earlier (skipped as already there). */
  readonly atDestination: number;
  readonly failed: number;
  readonly verdict: 'complete' | 'failed-items' | 'incomplete';
}

export interface ItemError {
  readonly type: string;
  readonly folder: string;
  readonly sourceId: string;
  readonly sizeBytes: number;
  readonly code: string;
  readonly message: string;
  readonly subject: string | null;
}

export interface MailboxStatistics {
  readonly mailboxId: string;
  readonly source: string;
  readonly destination: string;
  readonly status: string;
  readonly lastPass: string | null;
  readonly lastError: string | null;
  /** Items in Microsoft 365 (a calendar item's series, changed occurrences and singles each count) and bytes moved, over every pass. */
  readonly migrated: CountsByType;
  /** The last pass's outcomes: migrated, skipped (already there or filtered), failed. */
  readonly lastPassItems: CountsByType;
  readonly durationMs: number;
  readonly throttledMs: number;
  readonly bytesPerSecond: number;
  readonly folders: FolderReconciliation[];
  readonly errors: ItemError[];
  readonly passes: number;
}

function emptyCounts(): CountsByType {
  return Object.fromEntries(
    ITEM_TYPES.map((t) => [t, { migrated: 0, skipped: 0, failed: 0, bytes: 0 }]),
  ) as CountsByType;
}

/** Statistics of some (or all) mailboxes of a project, from the passes' run tables. */
export async function mailboxStatistics(
  db: Db,
  projectId: string,
  mailboxIds?: readonly string[],
): Promise<MailboxStatistics[]> {
  let mailboxQuery = db
    .selectFrom('project_mailboxes as pm')
    .leftJoin('run_mailboxes as rm', 'rm.id', 'pm.last_run_mailbox_id')
    .leftJoin('pass_runs as pr', 'pr.id', 'rm.run_id')
    .select([
      'pm.id',
      'pm.source',
      'pm.destination',
      'pm.last_run_mailbox_id',
      'rm.status',
      'rm.error',
      'rm.started_at',
      'rm.finished_at',
      'rm.throttled_ms',
      'pr.pass',
    ])
    .where('pm.project_id', '=', projectId)
    .orderBy(sql`lower(pm.source)`);
  if (mailboxIds !== undefined) {
    if (mailboxIds.length === 0) return [];
    mailboxQuery = mailboxQuery.where('pm.id', 'in', mailboxIds);
  }
  const mailboxes = await mailboxQuery.execute();
  if (mailboxes.length === 0) return [];
  const ids = mailboxes.map((m) => m.id);
  const lastRunIds = mailboxes.flatMap((m) =>
    m.last_run_mailbox_id === null ? [] : [m.last_run_mailbox_id],
  );
  const none = ['00000000-0000-0000-0000-000000000000'];

  // Items as the tenant holds them: each source item once (its latest migration, however often it
  // was rebuilt), counted as the items it became there; bytes are what the passes moved.
  const everMigrated = await sql<{ project_mailbox_id: string; item_type: string; n: string; bytes: string }>`
    select project_mailbox_id, item_type,
      coalesce(sum(destination_items) filter (where latest = 1), 0) as n,
      coalesce(sum(bytes), 0) as bytes
    from (
      select prm.project_mailbox_id, ri.item_type, ri.bytes, ri.destination_items,
        row_number() over (
          partition by prm.project_mailbox_id, ri.source_item_id order by pr.created_at desc
        ) as latest
      from run_items ri
      join project_run_mailboxes prm on prm.run_mailbox_id = ri.run_mailbox_id
      join run_mailboxes rm on rm.id = ri.run_mailbox_id
      join pass_runs pr on pr.id = rm.run_id
      where prm.project_mailbox_id in (${sql.join(ids)}) and ri.outcome = 'migrated'
    ) migrated
    group by 1, 2
  `
    .execute(db)
    .then((result) => result.rows);
  const passCounts = await db
    .selectFrom('project_run_mailboxes')
    .select(['project_mailbox_id', sql<string>`count(*)`.as('n')])
    .where('project_mailbox_id', 'in', ids)
    .groupBy('project_mailbox_id')
    .execute();
  const lastItems = await db
    .selectFrom('run_items')
    .select([
      'run_mailbox_id',
      'item_type',
      'outcome',
      sql<string>`sum(case when outcome = 'migrated' then destination_items else 1 end)`.as('n'),
      sql<string>`coalesce(sum(bytes), 0)`.as('bytes'),
    ])
    .where('run_mailbox_id', 'in', lastRunIds.length === 0 ? none : lastRunIds)
    .groupBy(['run_mailbox_id', 'item_type', 'outcome'])
    .execute();
  // Reconciliation over every pass: the latest plan of each folder against the items now in the
  // destination (migrated in some pass, or skipped as already there) and those still failing.
  const folders = await sql<{
    project_mailbox_id: string;
    path: string;
    item_type: string;
    source_count: number;
    present: string;
    failed: string;
  }>`
    with plans as (
      select distinct on (prm.project_mailbox_id, rf.source_folder_id)
        prm.project_mailbox_id, rf.source_folder_id, rf.path, rf.item_type, rf.source_count
      from run_folders rf
      join project_run_mailboxes prm on prm.run_mailbox_id = rf.run_mailbox_id
      join run_mailboxes rm on rm.id = rf.run_mailbox_id
      join pass_runs pr on pr.id = rm.run_id
      where prm.project_mailbox_id in (${sql.join(ids)})
      order by prm.project_mailbox_id, rf.source_folder_id, pr.created_at desc
    ), items as (
      select prm.project_mailbox_id, ri.source_folder_id, ri.source_item_id,
        bool_or(ri.outcome = 'migrated' or (ri.outcome = 'skipped' and ri.code is null)) as present,
        bool_or(ri.outcome = 'failed') as failed
      from run_items ri
      join project_run_mailboxes prm on prm.run_mailbox_id = ri.run_mailbox_id
      where prm.project_mailbox_id in (${sql.join(ids)})
      group by 1, 2, 3
    )
    select p.project_mailbox_id, p.path, p.item_type, p.source_count,
      count(i.source_item_id) filter (where i.present) as present,
      count(i.source_item_id) filter (where i.failed and not i.present) as failed
    from plans p
    left join items i on i.project_mailbox_id = p.project_mailbox_id and i.source_folder_id = p.source_folder_id
    group by 1, 2, 3, 4
    order by p.path
  `.execute(db);
  const errors = await db
    .selectFrom('run_items')
    .leftJoin('run_folders', (join) =>
      join
        .onRef('run_folders.run_mailbox_id', '=', 'run_items.run_mailbox_id')
        .onRef('run_folders.source_folder_id', '=', 'run_items.source_folder_id'),
    )
    .select([
      'run_items.run_mailbox_id',
      'source_item_id',
      'run_items.item_type',
      'path',
      'bytes',
      'code',
      'message',
      'subject',
    ])
    .where('run_items.run_mailbox_id', 'in', lastRunIds.length === 0 ? none : lastRunIds)
    .where('outcome', '=', 'failed')
    .orderBy('path')
    .orderBy('source_item_id')
    .execute();

  return mailboxes.map((m) => {
    const migrated = emptyCounts();
    for (const row of everMigrated.filter((r) => r.project_mailbox_id === m.id)) {
      const counts = migrated[row.item_type as ItemType];
      counts.migrated += Number(row.n);
      counts.bytes += Number(row.bytes);
    }
    const last = emptyCounts();
    for (const row of lastItems.filter((r) => r.run_mailbox_id === m.last_run_mailbox_id)) {
      const counts = last[row.item_type as ItemType];
      counts[row.outcome as 'migrated' | 'skipped' | 'failed'] += Number(row.n);
      if (row.outcome === 'migrated') counts.bytes += Number(row.bytes);
    }
    const started = m.started_at?.getTime();
    const durationMs = started === undefined ? 0 : (m.finished_at?.getTime() ?? Date.now()) - started;
    const bytes = ITEM_TYPES.reduce((sum, t) => sum + last[t].bytes, 0);
    return {
      mailboxId: m.id,
      source: m.source,
      destination: m.destination,
      status: m.status === null ? 'not_started' : m.status === 'waiting' ? 'queued' : m.status,
      lastPass: m.pass,
      lastError: m.error,
      migrated,
      lastPassItems: last,
      durationMs,
      throttledMs: Number(m.throttled_ms ?? 0),
      bytesPerSecond: durationMs === 0 ? 0 : Math.round((bytes * 1000) / durationMs),
      folders: folders.rows
        .filter((f) => f.project_mailbox_id === m.id)
        .map((f) => {
          const atDestination = Number(f.present);
          const failed = Number(f.failed);
          return {
            path: f.path,
            itemType: f.item_type,
            source: f.source_count,
            atDestination,
            failed,
            verdict:
              failed > 0 ? 'failed-items' : atDestination >= f.source_count ? 'complete' : 'incomplete',
          } as const;
        }),
      errors: errors
        .filter((e) => e.run_mailbox_id === m.last_run_mailbox_id)
        .map((e) => ({
          type: e.item_type,
          folder: e.path ?? '',
          sourceId: e.source_item_id,
          sizeBytes: Number(e.bytes),
          code: e.code ?? 'UNKNOWN',
          message: e.message ?? '',
          subject: e.subject,
        })),
      passes: Number(passCounts.find((p) => p.project_mailbox_id === m.id)?.n ?? 0),
    };
  });
}

export interface ProjectStatistics {
  readonly mailboxes: number;
  readonly byStatus: Record<string, number>;
  readonly migrated: CountsByType;
  readonly failedItems: number;
  readonly durationMs: number;
  readonly bytesPerSecond: number;
}

export function summarise(mailboxes: readonly MailboxStatistics[]): ProjectStatistics {
  const migrated = emptyCounts();
  const byStatus: Record<string, number> = {};
  let failedItems = 0;
  let durationMs = 0;
  let lastBytes = 0;
  for (const m of mailboxes) {
    byStatus[m.status] = (byStatus[m.status] ?? 0) + 1;
    for (const t of ITEM_TYPES) {
      migrated[t].migrated += m.migrated[t].migrated;
      migrated[t].bytes += m.migrated[t].bytes;
      migrated[t].failed += m.lastPassItems[t].failed;
      migrated[t].skipped += m.lastPassItems[t].skipped;
      failedItems += m.lastPassItems[t].failed;
      lastBytes += m.lastPassItems[t].bytes;
    }
    durationMs += m.durationMs;
  }
  return {
    mailboxes: mailboxes.length,
    byStatus,
    migrated,
    failedItems,
    durationMs,
    bytesPerSecond: durationMs === 0 ? 0 : Math.round((lastBytes * 1000) / durationMs),
  };
}
