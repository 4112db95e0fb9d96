import { sql } from 'kysely';

import { failedItemsSummary } from '../domain/failure-summary.ts';
import type { ItemFailure, ItemType, MailboxStatus, PassOptions } from '../domain/migration.ts';
import type { ItemResult, MailboxLease, MigrationStore, RunFolder } from '../domain/migration-store.ts';
import type { Db } from './database.ts';
import { holdLease } from './mailbox-leases.ts';
import { fillMailboxSlots } from './mailbox-slots.ts';
import { retryTransaction } from './retry-transaction.ts';
import { saveSettingsScript } from './settings-scripts.ts';

export function createMigrationStore(db: Db): MigrationStore {
  /** Finishes the mailbox when every folder is done; its status says whether items failed. */
  const finishIfDone = async (trx: Db, runMailboxId: string) => {
    const open = await trx
      .selectFrom('run_folders')
      .select('source_folder_id')
      .where('run_mailbox_id', '=', runMailboxId)
      .where('done', '=', false)
      .executeTakeFirst();
    if (open !== undefined) return;
    const failures = await trx
      .selectFrom('run_items')
      .select(['code', sql<string>`count(*)`.as('n')])
      .where('run_mailbox_id', '=', runMailboxId)
      .where('outcome', '=', 'failed')
      .groupBy('code')
      .execute();
    const finished = await trx
      .updateTable('run_mailboxes')
      .set(
        failures.length === 0
          ? { status: 'completed', finished_at: new Date() }
          : {
              status: 'completed_with_errors',
              // The dashboard's red error: a mailbox that completed with errors says why, like a failed one.
              error: failedItemsSummary(failures.map((f) => ({ code: f.code, count: Number(f.n) }))),
              finished_at: new Date(),
            },
      )
      .where('id', '=', runMailboxId)
      .where('status', '=', 'running')
      .returning('run_id')
      .executeTakeFirst();
    if (finished !== undefined) await fillMailboxSlots(trx, finished.run_id);
  };

  const statusOf = async (trx: Db, runMailboxId: string) =>
    (
      await trx
        .selectFrom('run_mailboxes')
        .select('status')
        .where('id', '=', runMailboxId)
        .executeTakeFirstOrThrow()
    ).status as MailboxStatus;

  return {
    async getRunMailbox(id) {
      const row = await db
        .selectFrom('run_mailboxes')
        .innerJoin('pass_runs', 'pass_runs.id', 'run_mailboxes.run_id')
        .select(['run_mailboxes.id', 'run_id', 'source', 'destination', 'status', 'options'])
        .where('run_mailboxes.id', '=', id)
        .executeTakeFirstOrThrow();
      return {
        id: row.id,
        runId: row.run_id,
        source: row.source,
        destination: row.destination,
        status: row.status as MailboxStatus,
        options: row.options as unknown as PassOptions,
      };
    },

    async beginMailbox(lease) {
      return retryTransaction(db, async (trx) => {
        await holdLease(trx, lease);
        const result = await trx
          .updateTable('run_mailboxes')
          .set({ status: 'running', started_at: sql<Date>`coalesce(started_at, now())` })
          .where('id', '=', lease.runMailboxId)
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },

    async foldersPlanned(runMailboxId) {
      const row = await db
        .selectFrom('run_folders')
        .select('source_folder_id')
        .where('run_mailbox_id', '=', runMailboxId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async planFolders(lease, folders) {
      await retryTransaction(db, async (trx) => {
        await holdLease(trx, lease);
        if (folders.length > 0) {
          // A second planning (the first holder died after planning) keeps the first one's checkpoints.
          await trx
            .insertInto('run_folders')
            .values(
              folders.map((folder) => ({
                run_mailbox_id: lease.runMailboxId,
                source_folder_id: folder.sourceFolderId,
                path: folder.path,
                destination_folder_id: folder.destinationFolderId ?? null,
                source_count: folder.sourceCount,
                item_type: folder.itemType,
              })),
            )
            .onConflict((oc) => oc.columns(['run_mailbox_id', 'source_folder_id']).doNothing())
            .execute();
        }
        await finishIfDone(trx, lease.runMailboxId);
      });
    },

    async openFolders(runMailboxId) {
      const rows = await db
        .selectFrom('run_folders')
        .selectAll()
        .where('run_mailbox_id', '=', runMailboxId)
        .where('done', '=', false)
        .orderBy('path')
        .execute();
      return rows.map(toRunFolder);
    },

    async findMappedItems(source, destination, sourceItemIds) {
      if (sourceItemIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('item_map')
        .selectAll()
        .where('source_mailbox', '=', source.toLowerCase())
        .where('destination_mailbox', '=', destination.toLowerCase())
        .where('source_item_id', 'in', [...sourceItemIds])
        .execute();
      return new Map(
        rows.map((r) => [
          r.source_item_id,
          {
            status: r.status as 'in_flight' | 'migrated',
            stamp: r.stamp,
            contentHash: r.content_hash,
            destinationFolderId: r.destination_folder_id,
            destinationItemId: r.destination_item_id ?? undefined,
            revision: r.source_revision ?? undefined,
          },
        ]),
      );
    },

    async markInFlight(lease, pair, items) {
      if (items.length === 0) return;
      await retryTransaction(db, async (trx) => {
        await holdLease(trx, lease);
        await trx
          .insertInto('item_map')
          .values(
            uniqueBy(items, (item) => item.sourceItemId).map((item) => ({
              source_mailbox: pair.source.toLowerCase(),
              destination_mailbox: pair.destination.toLowerCase(),
              source_item_id: item.sourceItemId,
              item_type: item.type,
              // Known once the item is converted; recorded with the outcome.
              content_hash: '',
              stamp: item.stamp,
              destination_folder_id: item.destinationFolderId,
              status: 'in_flight',
            })),
          )
          .onConflict((oc) =>
            oc.columns(['source_mailbox', 'destination_mailbox', 'source_item_id']).doUpdateSet({
              stamp: sql`excluded.stamp`,
              destination_folder_id: sql`excluded.destination_folder_id`,
              status: 'in_flight',
              updated_at: sql`now()`,
            }),
          )
          .execute();
      });
    },

    async recordResults(lease, pair, items) {
      if (items.length === 0) return;
      await retryTransaction(db, async (trx) => {
        await holdLease(trx, lease);
        await writeResults(trx, lease, pair, items);
      });
    },

    async completePage(lease, pair, page) {
      return retryTransaction(db, async (trx) => {
        await holdLease(trx, lease);
        await writeResults(trx, lease, pair, page.items);
        await trx
          .updateTable('run_folders')
          .set({ cursor: page.next ?? null, done: page.next === undefined })
          .where('run_mailbox_id', '=', lease.runMailboxId)
          .where('source_folder_id', '=', page.sourceFolderId)
          .execute();
        const throttledMs = Math.round(page.throttledMs);
        if (throttledMs > 0) {
          await trx
            .updateTable('run_mailboxes')
            .set({ throttled_ms: sql<number>`throttled_ms + ${throttledMs}` })
            .where('id', '=', lease.runMailboxId)
            .execute();
        }
        if (page.next === undefined) await finishIfDone(trx, lease.runMailboxId);
        return (await statusOf(trx, lease.runMailboxId)) === 'running';
      });
    },

    async failMailbox(lease, error) {
      await retryTransaction(db, async (trx) => {
        await holdLease(trx, lease);
        const failed = await trx
          .updateTable('run_mailboxes')
          .set({ status: 'failed', error, finished_at: new Date() })
          .where('id', '=', lease.runMailboxId)
          .where('status', 'in', ['queued', 'running'])
          .returning('run_id')
          .executeTakeFirst();
        if (failed !== undefined) await fillMailboxSlots(trx, failed.run_id);
      });
    },

    async previouslyFailedItems(source, destination, beforeRunId) {
      const latest = await db
        .selectFrom('run_mailboxes')
        .innerJoin('pass_runs', 'pass_runs.id', 'run_mailboxes.run_id')
        .select('run_mailboxes.id')
        .where(sql`lower(source)`, '=', source.toLowerCase())
        .where(sql`lower(destination)`, '=', destination.toLowerCase())
        .where('run_mailboxes.run_id', '!=', beforeRunId)
        .where('pass_runs.pass', '!=', 'verify')
        .orderBy('pass_runs.created_at', 'desc')
        .executeTakeFirst();
      if (latest === undefined) return new Set();
      const rows = await db
        .selectFrom('run_items')
        .select('source_item_id')
        .where('run_mailbox_id', '=', latest.id)
        .where('outcome', '=', 'failed')
        .execute();
      return new Set(rows.map((r) => r.source_item_id));
    },

    saveSettingsScript: (script) => saveSettingsScript(db, script),

    async listFailures(runMailboxId) {
      const rows = await db
        .selectFrom('run_items')
        .leftJoin('run_folders', (join) =>
          join
            .onRef('run_folders.run_mailbox_id', '=', 'run_items.run_mailbox_id')
            .onRef('run_folders.source_folder_id', '=', 'run_items.source_folder_id'),
        )
        .select(['source_item_id', 'run_items.item_type', 'path', 'bytes', 'code', 'message', 'subject'])
        .where('run_items.run_mailbox_id', '=', runMailboxId)
        .where('outcome', '=', 'failed')
        .execute();
      return rows.map((r): ItemFailure => ({
        type: r.item_type as ItemType,
        folder: r.path ?? '',
        sourceId: r.source_item_id,
        sizeBytes: Number(r.bytes),
        code: r.code ?? 'UNKNOWN',
        message: r.message ?? '',
        subject: r.subject ?? undefined,
      }));
    },
  };
}

function toRunFolder(row: {
  source_folder_id: string;
  item_type: string;
  path: string;
  destination_folder_id: string | null;
  source_count: number;
  cursor: string | null;
  done: boolean;
}): RunFolder {
  return {
    sourceFolderId: row.source_folder_id,
    itemType: row.item_type as ItemType,
    path: row.path,
    destinationFolderId: row.destination_folder_id ?? undefined,
    sourceCount: row.source_count,
    cursor: row.cursor ?? undefined,
    done: row.done,
  };
}

/** One row per key, the last one winning: a multi-row upsert must not touch a row twice. */
function uniqueBy<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...new Map(rows.map((row) => [key(row), row])).values()];
}

/** The item map records and outcomes of items, one statement each (inside the caller's transaction). */
async function writeResults(
  trx: Db,
  lease: MailboxLease,
  pair: { readonly source: string; readonly destination: string },
  items: readonly ItemResult[],
): Promise<void> {
  const migrated = items.flatMap((r) => (r.migrated === undefined ? [] : [r.migrated]));
  if (migrated.length > 0) {
    await trx
      .insertInto('item_map')
      .values(
        uniqueBy(migrated, (item) => item.sourceItemId).map((item) => ({
          source_mailbox: pair.source.toLowerCase(),
          destination_mailbox: pair.destination.toLowerCase(),
          source_item_id: item.sourceItemId,
          item_type: item.type,
          content_hash: item.contentHash,
          stamp: item.stamp,
          destination_folder_id: item.destinationFolderId,
          destination_item_id: item.destinationItemId,
          source_revision: item.revision ?? null,
          status: 'migrated',
        })),
      )
      .onConflict((oc) =>
        oc.columns(['source_mailbox', 'destination_mailbox', 'source_item_id']).doUpdateSet({
          content_hash: sql`excluded.content_hash`,
          stamp: sql`excluded.stamp`,
          destination_folder_id: sql`excluded.destination_folder_id`,
          destination_item_id: sql`excluded.destination_item_id`,
          source_revision: sql`coalesce(excluded.source_revision, item_map.source_revision)`,
          status: 'migrated',
          updated_at: sql`now()`,
        }),
      )
      .execute();
  }
  const outcomes = items.flatMap((r) => (r.outcome === undefined ? [] : [r.outcome]));
  if (outcomes.length > 0) {
    // A re-run of the page (after a takeover) counts each item once.
    await trx
      .insertInto('run_items')
      .values(
        uniqueBy(outcomes, (outcome) => outcome.sourceItemId).map((outcome) => ({
          run_mailbox_id: lease.runMailboxId,
          source_item_id: outcome.sourceItemId,
          item_type: outcome.type,
          source_folder_id: outcome.sourceFolderId,
          outcome: outcome.outcome,
          bytes: outcome.bytes,
          destination_items: outcome.destinationItems ?? 1,
          code: outcome.code ?? null,
          message: outcome.message ?? null,
          subject: outcome.subject ?? null,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['run_mailbox_id', 'source_item_id']).doUpdateSet({
          item_type: sql`excluded.item_type`,
          source_folder_id: sql`excluded.source_folder_id`,
          outcome: sql`excluded.outcome`,
          bytes: sql`excluded.bytes`,
          destination_items: sql`excluded.destination_items`,
          code: sql`excluded.code`,
          message: sql`excluded.message`,
          subject: sql`excluded.subject`,
        }),
      )
      .execute();
  }
}
