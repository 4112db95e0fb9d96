import { sql } from 'kysely';
import { fromKysely } from 'pg-boss';

import { MIGRATION_QUEUES } from '../domain/migration-store.ts';
import type { Db } from './database.ts';
import type { JobQueue } from './job-queue.ts';

/** A start job plans the mailbox's folders; it is short, so a stuck one is handed over quickly. */
const START_JOB_OPTIONS = { expireInSeconds: 10 * 60, retryLimit: 5, retryDelay: 5, retryBackoff: true };

/**
 * Starts waiting mailboxes of the run while fewer than its maximum are in flight, largest first
 * (they take longest, so they must not be the last to begin). Runs inside the caller's transaction:
 * the run row is locked, so two finishing mailboxes never fill the same free slot twice.
 */
export async function fillMailboxSlots(trx: Db, queue: JobQueue, runId: string): Promise<number> {
  const run = await trx
    .selectFrom('pass_runs')
    .select('max_concurrent')
    .where('id', '=', runId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const active = await trx
    .selectFrom('run_mailboxes')
    .select(sql<string>`count(*)`.as('count'))
    .where('run_id', '=', runId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirstOrThrow();
  const free = run.max_concurrent - Number(active.count);
  if (free <= 0) return 0;
  const next = await trx
    .selectFrom('run_mailboxes')
    .select('id')
    .where('run_id', '=', runId)
    .where('status', '=', 'waiting')
    .orderBy('size_hint', 'desc')
    .orderBy('source')
    .limit(free)
    .execute();
  for (const { id } of next) {
    await trx.updateTable('run_mailboxes').set({ status: 'queued' }).where('id', '=', id).execute();
    await queue.send(
      MIGRATION_QUEUES.startMailbox,
      { runMailboxId: id },
      {
        ...START_JOB_OPTIONS,
        db: fromKysely(trx),
      },
    );
  }
  return next.length;
}
