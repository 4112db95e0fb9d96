import { sql } from 'kysely';

import { LeaseLostError, type MailboxLease } from '../domain/migration-store.ts';
import type { MailboxStatus } from '../domain/migration.ts';
import type { Db } from './database.ts';

/**
 * Leases of running mailboxes (see migration 0008): which worker process works which mailbox.
 * Times are the database's `now()`, so the workers' clocks never matter.
 */

/**
 * Leases up to `max` mailboxes that are queued or running and have no live lease (none, or one
 * whose heartbeat is older than `staleSeconds`: its worker died). Candidates are locked with
 * SKIP LOCKED, so workers claiming at the same moment never wait for each other, and the upsert
 * takes over a lease only if it is still stale when written.
 */
export async function claimMailboxes(
  db: Db,
  workerId: string,
  max: number,
  staleSeconds: number,
  /** Mailboxes this process still winds down: never claimed again before their work ended. */
  exclude: readonly string[],
): Promise<MailboxLease[]> {
  if (max <= 0) return [];
  const stale = sql`now() - make_interval(secs => ${staleSeconds})`;
  const rows = await sql<{ run_mailbox_id: string; epoch: string }>`
    with candidates as (
      select rm.id
      from run_mailboxes rm
      left join mailbox_leases l on l.run_mailbox_id = rm.id
      where rm.status in ('queued', 'running')
        and (l.run_mailbox_id is null or l.heartbeat_at < ${stale})
        and rm.id <> all(${[...exclude]}::uuid[])
      order by rm.status = 'running' desc
      limit ${max}
      for update of rm skip locked
    )
    insert into mailbox_leases (run_mailbox_id, worker_id)
    select id, ${workerId} from candidates
    on conflict (run_mailbox_id) do update
      set worker_id = excluded.worker_id, epoch = mailbox_leases.epoch + 1,
          heartbeat_at = now(), acquired_at = now()
      where mailbox_leases.heartbeat_at < ${stale}
    returning run_mailbox_id, epoch
  `.execute(db);
  return rows.rows.map((r) => ({ runMailboxId: r.run_mailbox_id, workerId, epoch: Number(r.epoch) }));
}

/**
 * Renews this worker's leases; returns those it still holds with the mailbox's status. A lease
 * missing from the answer was taken over.
 */
export async function renewLeases(
  db: Db,
  leases: readonly MailboxLease[],
): Promise<Map<string, MailboxStatus>> {
  const workerId = leases[0]?.workerId;
  if (workerId === undefined) return new Map();
  const rows = await db
    .updateTable('mailbox_leases')
    .from('run_mailboxes')
    .set({ heartbeat_at: sql<Date>`now()` })
    .whereRef('run_mailboxes.id', '=', 'mailbox_leases.run_mailbox_id')
    .where('mailbox_leases.worker_id', '=', workerId)
    .where(
      'mailbox_leases.run_mailbox_id',
      'in',
      leases.map((l) => l.runMailboxId),
    )
    .returning(['mailbox_leases.run_mailbox_id', 'mailbox_leases.epoch', 'run_mailboxes.status'])
    .execute();
  const epochs = new Map(leases.map((l) => [l.runMailboxId, l.epoch]));
  return new Map(
    rows
      .filter((r) => epochs.get(r.run_mailbox_id) === Number(r.epoch))
      .map((r) => [r.run_mailbox_id, r.status as MailboxStatus]),
  );
}

/** Gives the lease up (its work ended, or the process stops): another worker may take the mailbox at once. */
export async function releaseLease(db: Db, lease: MailboxLease): Promise<void> {
  await db
    .deleteFrom('mailbox_leases')
    .where('run_mailbox_id', '=', lease.runMailboxId)
    .where('worker_id', '=', lease.workerId)
    .where('epoch', '=', String(lease.epoch))
    .execute();
}

/**
 * The fence of every write for a leased mailbox, first in its transaction: renews the lease and
 * locks it until commit, so a takeover waits for this transaction and then finds the lease alive.
 * Throws LeaseLostError when the caller no longer holds it.
 */
export async function holdLease(trx: Db, lease: MailboxLease): Promise<void> {
  const held = await trx
    .updateTable('mailbox_leases')
    .set({ heartbeat_at: sql<Date>`now()` })
    .where('run_mailbox_id', '=', lease.runMailboxId)
    .where('worker_id', '=', lease.workerId)
    .where('epoch', '=', String(lease.epoch))
    .executeTakeFirst();
  if (held.numUpdatedRows === 0n) throw new LeaseLostError(lease.runMailboxId);
}
