import { sql } from 'kysely';

import type { Db } from './database.ts';

/**
 * Starts waiting mailboxes of the run while fewer than its maximum are in flight, largest first
 * (they take longest, so they must not be the last to begin). Runs inside the caller's transaction:
 * the run row is locked, so two finishing mailboxes never fill the same free slot twice. A queued
 * mailbox is leased by the next worker process with room for one more (worker/mailbox-fleet.ts).
 */
export async function fillMailboxSlots(trx: Db, runId: string): Promise<number> {
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
  if (next.length > 0) {
    await trx
      .updateTable('run_mailboxes')
      .set({ status: 'queued' })
      .where(
        'id',
        'in',
        next.map((r) => r.id),
      )
      .execute();
  }
  return next.length;
}
