import { type Kysely, sql } from 'kysely';

/**
 * A running mailbox is worked by exactly one worker process, the holder of its lease. The holder
 * renews `heartbeat_at` every few seconds; a lease not renewed for a while is taken over by another
 * worker, which bumps `epoch`. Every write of the engine checks worker and epoch in its own
 * transaction, so a worker that lost the lease never records an outcome after it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mailbox_leases (
      run_mailbox_id uuid primary key references run_mailboxes(id) on delete cascade,
      worker_id text not null,
      epoch bigint not null default 1,
      heartbeat_at timestamptz not null default now(),
      acquired_at timestamptz not null default now()
    );
    create index mailbox_leases_worker_idx on mailbox_leases (worker_id);
    create index run_mailboxes_active_idx on run_mailboxes (id) where status in ('queued', 'running');
  `.execute(db);
}
