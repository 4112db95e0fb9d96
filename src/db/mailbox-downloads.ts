import { sql } from 'kysely';

import type { Db } from './database.ts';

/** One failed item of one pass of a mailbox. */
export interface FailureRow {
  readonly sourceItemId: string;
  readonly itemType: string;
  readonly folder: string;
  readonly sizeBytes: number;
  readonly code: string;
  readonly message: string;
  readonly subject: string | null;
}

/**
 * The failed items of one run mailbox, a page at a time in item id order (keyset on the
 * `run_items` primary key), so a mailbox with 100,000 failures never sits in memory at once.
 */
export async function* runMailboxFailures(
  db: Db,
  runMailboxId: string,
  pageSize = 1000,
): AsyncGenerator<FailureRow[]> {
  // Folders are few: read once, so that a page is a plain walk of the primary key.
  const folders = new Map(
    (
      await db
        .selectFrom('run_folders')
        .select(['source_folder_id', 'path'])
        .where('run_mailbox_id', '=', runMailboxId)
        .execute()
    ).map((f) => [f.source_folder_id, f.path]),
  );
  let after: string | undefined;
  for (;;) {
    const rows = await db.transaction().execute(async (trx) => {
      // With one mailbox holding most of the table's failures the planner's estimate is far off: it
      // would gather every later item and sort it, for each page (quadratic in the failures).
      // Walking the primary key in order reads one page per page.
      await sql`set local enable_bitmapscan = off`.execute(trx);
      let query = trx
        .selectFrom('run_items')
        .select(['source_item_id', 'source_folder_id', 'item_type', 'bytes', 'code', 'message', 'subject'])
        .where('run_mailbox_id', '=', runMailboxId)
        .where('outcome', '=', 'failed')
        .orderBy('run_mailbox_id')
        .orderBy('source_item_id')
        .limit(pageSize);
      if (after !== undefined) query = query.where('source_item_id', '>', after);
      return query.execute();
    });
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      sourceItemId: r.source_item_id,
      itemType: r.item_type,
      folder: folders.get(r.source_folder_id) ?? '',
      sizeBytes: Number(r.bytes),
      code: r.code ?? 'UNKNOWN',
      message: r.message ?? '',
      subject: r.subject,
    }));
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.source_item_id;
  }
}

export interface RunMailboxCounts {
  readonly migrated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly bytes: number;
  readonly throttledMs: number;
}

/** Outcomes and throttled time of one pass of a mailbox. */
export async function runMailboxCounts(db: Db, runMailboxId: string): Promise<RunMailboxCounts> {
  const counts = await db
    .selectFrom('run_items')
    .select([
      sql<string>`count(*) filter (where outcome = 'migrated')`.as('migrated'),
      sql<string>`count(*) filter (where outcome = 'skipped')`.as('skipped'),
      sql<string>`count(*) filter (where outcome = 'failed')`.as('failed'),
      sql<string>`coalesce(sum(bytes) filter (where outcome = 'migrated'), 0)`.as('bytes'),
    ])
    .where('run_mailbox_id', '=', runMailboxId)
    .executeTakeFirstOrThrow();
  const { throttled_ms } = await db
    .selectFrom('run_mailboxes')
    .select('throttled_ms')
    .where('id', '=', runMailboxId)
    .executeTakeFirstOrThrow();
  return {
    migrated: Number(counts.migrated),
    skipped: Number(counts.skipped),
    failed: Number(counts.failed),
    bytes: Number(counts.bytes),
    throttledMs: Number(throttled_ms),
  };
}

export interface RunFolderLine {
  readonly path: string;
  readonly itemType: string;
  readonly sourceCount: number;
  readonly done: boolean;
  readonly migrated: number;
  readonly skipped: number;
  readonly failed: number;
}

/** The folders one pass planned for a mailbox, with what became of their items. */
export async function runMailboxFolders(db: Db, runMailboxId: string): Promise<RunFolderLine[]> {
  const rows = await db
    .selectFrom('run_folders as rf')
    .leftJoin('run_items as ri', (join) =>
      join
        .onRef('ri.run_mailbox_id', '=', 'rf.run_mailbox_id')
        .onRef('ri.source_folder_id', '=', 'rf.source_folder_id'),
    )
    .select([
      'rf.path',
      'rf.item_type',
      'rf.source_count',
      'rf.done',
      sql<string>`count(ri.source_item_id) filter (where ri.outcome = 'migrated')`.as('migrated'),
      sql<string>`count(ri.source_item_id) filter (where ri.outcome = 'skipped')`.as('skipped'),
      sql<string>`count(ri.source_item_id) filter (where ri.outcome = 'failed')`.as('failed'),
    ])
    .where('rf.run_mailbox_id', '=', runMailboxId)
    .groupBy(['rf.source_folder_id', 'rf.path', 'rf.item_type', 'rf.source_count', 'rf.done'])
    .orderBy('rf.path')
    .execute();
  return rows.map((r) => ({
    path: r.path,
    itemType: r.item_type,
    sourceCount: r.source_count,
    done: r.done,
    migrated: Number(r.migrated),
    skipped: Number(r.skipped),
    failed: Number(r.failed),
  }));
}
