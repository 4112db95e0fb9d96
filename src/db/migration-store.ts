import { sql } from 'kysely';
import { fromKysely } from 'pg-boss';

import type { ItemFailure, ItemType, MailboxStatus, PassOptions } from '../domain/migration.ts';
import {
  type FolderPageJob,
  MIGRATION_QUEUES,
  type MigrationStore,
  type RunFolder,
} from '../domain/migration-store.ts';
import type { Db } from './database.ts';
import { ensureQueue, type JobQueue } from './job-queue.ts';
import { fillMailboxSlots } from './mailbox-slots.ts';
import { retryTransaction } from './retry-transaction.ts';
import { saveSettingsScript } from './settings-scripts.ts';

/** A page job runs at most this long before pg-boss hands it to another worker (crash recovery). */
export const PAGE_JOB_EXPIRY_SECONDS = 15 * 60;

/** The engine's queues exist before anything sends to them (a server without workers starts passes too). */
export async function ensureMigrationQueues(queue: JobQueue): Promise<void> {
  await ensureQueue(queue, MIGRATION_QUEUES.startMailbox, { expireInSeconds: 10 * 60, retryLimit: 5 });
  await ensureQueue(queue, MIGRATION_QUEUES.folderPage, {
    expireInSeconds: PAGE_JOB_EXPIRY_SECONDS,
    retryLimit: 5,
  });
}

export function createMigrationStore(db: Db, queue: JobQueue): MigrationStore {
  const sendPage = (trx: Db, job: FolderPageJob) =>
    queue.send(
      MIGRATION_QUEUES.folderPage,
      { ...job },
      {
        db: fromKysely(trx),
        expireInSeconds: PAGE_JOB_EXPIRY_SECONDS,
        retryLimit: 5,
        retryDelay: 5,
        retryBackoff: true,
      },
    );

  /** Finishes the mailbox when every folder is done; its status says whether items failed. */
  const finishIfDone = async (trx: Db, runMailboxId: string) => {
    const open = await trx
      .selectFrom('run_folders')
      .select('source_folder_id')
      .where('run_mailbox_id', '=', runMailboxId)
      .where('done', '=', false)
      .executeTakeFirst();
    if (open !== undefined) return;
    const failed = await trx
      .selectFrom('run_items')
      .select('source_item_id')
      .where('run_mailbox_id', '=', runMailboxId)
      .where('outcome', '=', 'failed')
      .executeTakeFirst();
    const finished = await trx
      .updateTable('run_mailboxes')
      .set({ status: failed === undefined ? 'completed' : 'completed_with_errors', finished_at: new Date() })
      .where('id', '=', runMailboxId)
      .where('status', '=', 'running')
      .returning('run_id')
      .executeTakeFirst();
    if (finished !== undefined) await fillMailboxSlots(trx, queue, finished.run_id);
  };

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

    async beginMailbox(id) {
      const result = await db
        .updateTable('run_mailboxes')
        .set({ status: 'running', started_at: sql<Date>`coalesce(started_at, now())` })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async planFolders(id, folders) {
      await retryTransaction(db, async (trx) => {
        for (const folder of folders) {
          const inserted = await trx
            .insertInto('run_folders')
            .values({
              run_mailbox_id: id,
              source_folder_id: folder.sourceFolderId,
              path: folder.path,
              destination_folder_id: folder.destinationFolderId ?? null,
              source_count: folder.sourceCount,
              item_type: folder.itemType,
            })
            .onConflict((oc) => oc.columns(['run_mailbox_id', 'source_folder_id']).doNothing())
            .returning('source_folder_id')
            .executeTakeFirst();
          // A re-run of the start job (after a crash) must not enqueue a folder twice.
          if (inserted !== undefined)
            await sendPage(trx, { runMailboxId: id, sourceFolderId: folder.sourceFolderId });
        }
        await finishIfDone(trx, id);
      });
    },

    async getFolder(runMailboxId, sourceFolderId) {
      const row = await db
        .selectFrom('run_folders')
        .selectAll()
        .where('run_mailbox_id', '=', runMailboxId)
        .where('source_folder_id', '=', sourceFolderId)
        .executeTakeFirstOrThrow();
      return toRunFolder(row);
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

    async markInFlight(source, destination, item) {
      await db
        .insertInto('item_map')
        .values({
          source_mailbox: source.toLowerCase(),
          destination_mailbox: destination.toLowerCase(),
          source_item_id: item.sourceItemId,
          item_type: item.type,
          content_hash: item.contentHash,
          stamp: item.stamp,
          destination_folder_id: item.destinationFolderId,
          status: 'in_flight',
        })
        .onConflict((oc) =>
          oc.columns(['source_mailbox', 'destination_mailbox', 'source_item_id']).doUpdateSet({
            content_hash: item.contentHash,
            stamp: item.stamp,
            destination_folder_id: item.destinationFolderId,
            status: 'in_flight',
            updated_at: new Date(),
          }),
        )
        .execute();
    },

    async markMigrated(source, destination, sourceItemId, destinationItemId, version) {
      await db
        .updateTable('item_map')
        .set({
          status: 'migrated',
          destination_item_id: destinationItemId,
          updated_at: new Date(),
          ...(version === undefined
            ? {}
            : { source_revision: version.revision, content_hash: version.contentHash }),
        })
        .where('source_mailbox', '=', source.toLowerCase())
        .where('destination_mailbox', '=', destination.toLowerCase())
        .where('source_item_id', '=', sourceItemId)
        .execute();
    },

    async recordOutcome(runMailboxId, outcome) {
      const values = {
        item_type: outcome.type,
        source_folder_id: outcome.sourceFolderId,
        outcome: outcome.outcome,
        bytes: outcome.bytes,
        code: outcome.code ?? null,
        message: outcome.message ?? null,
        subject: outcome.subject ?? null,
      };
      await db
        .insertInto('run_items')
        .values({ run_mailbox_id: runMailboxId, source_item_id: outcome.sourceItemId, ...values })
        .onConflict((oc) => oc.columns(['run_mailbox_id', 'source_item_id']).doUpdateSet(values))
        .execute();
    },

    async completePage(runMailboxId, sourceFolderId, next, throttledMs) {
      await retryTransaction(db, async (trx) => {
        await trx
          .updateTable('run_folders')
          .set({ cursor: next ?? null, done: next === undefined })
          .where('run_mailbox_id', '=', runMailboxId)
          .where('source_folder_id', '=', sourceFolderId)
          .execute();
        await trx
          .updateTable('run_mailboxes')
          .set({ throttled_ms: sql<number>`throttled_ms + ${Math.round(throttledMs)}` })
          .where('id', '=', runMailboxId)
          .execute();
        if (next !== undefined) await sendPage(trx, { runMailboxId, sourceFolderId });
        else await finishIfDone(trx, runMailboxId);
      });
    },

    async failMailbox(id, error) {
      await retryTransaction(db, async (trx) => {
        const failed = await trx
          .updateTable('run_mailboxes')
          .set({ status: 'failed', error, finished_at: new Date() })
          .where('id', '=', id)
          .where('status', 'in', ['queued', 'running'])
          .returning('run_id')
          .executeTakeFirst();
        if (failed !== undefined) await fillMailboxSlots(trx, queue, failed.run_id);
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
