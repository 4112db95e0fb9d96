import { type Kysely, sql } from 'kysely';

/**
 * Contacts, calendars and tasks move through the same folder pages as mail; a pass runs at most
 * `max_concurrent` mailboxes at once (largest first) and can be stopped per mailbox.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table pass_runs add column max_concurrent integer not null default 5
      check (max_concurrent between 1 and 1000);

    alter table run_mailboxes drop constraint run_mailboxes_status_check;
    alter table run_mailboxes alter column status set default 'waiting';
    alter table run_mailboxes add constraint run_mailboxes_status_check
      check (status in ('waiting', 'queued', 'running', 'completed', 'completed_with_errors', 'failed', 'stopped'));
    create index run_mailboxes_waiting_idx on run_mailboxes (run_id, size_hint desc) where status = 'waiting';

    alter table run_folders add column item_type text not null default 'mail'
      check (item_type in ('mail', 'contacts', 'calendar', 'tasks'));

    -- The source item's revision when it was migrated: a later Full pass updates items whose revision changed.
    alter table item_map add column source_revision text;
  `.execute(db);
}
