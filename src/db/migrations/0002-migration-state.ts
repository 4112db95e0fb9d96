import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One pass over a set of mailbox pairs (from a plan file or a project).
    create table pass_runs (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      pass text not null check (pass in ('verify', 'trial', 'prestage', 'full', 'retry')),
      options jsonb not null,
      -- The source and destination connection settings, credentials included, sealed with the master key.
      endpoints_sealed text not null,
      created_at timestamptz not null default now()
    );

    create table run_mailboxes (
      id uuid primary key default gen_random_uuid(),
      run_id uuid not null references pass_runs(id) on delete cascade,
      source text not null,
      destination text not null,
      status text not null default 'queued'
        check (status in ('queued', 'running', 'completed', 'completed_with_errors', 'failed')),
      error text,
      size_hint bigint not null default 0,
      throttled_ms bigint not null default 0,
      started_at timestamptz,
      finished_at timestamptz
    );
    create index run_mailboxes_run_idx on run_mailboxes (run_id);

    -- Progress of one folder of one mailbox in one pass: the checkpoint a page job resumes from.
    create table run_folders (
      run_mailbox_id uuid not null references run_mailboxes(id) on delete cascade,
      source_folder_id text not null,
      path text not null,
      destination_folder_id text,
      source_count integer not null default 0,
      cursor text,
      done boolean not null default false,
      primary key (run_mailbox_id, source_folder_id)
    );

    -- What happened to each item in a pass; upserted, so a job re-run after a crash counts once.
    create table run_items (
      run_mailbox_id uuid not null references run_mailboxes(id) on delete cascade,
      source_item_id text not null,
      item_type text not null,
      source_folder_id text not null,
      outcome text not null check (outcome in ('migrated', 'skipped', 'failed')),
      bytes bigint not null default 0,
      code text,
      message text,
      subject text,
      primary key (run_mailbox_id, source_item_id)
    );

    -- Which source item became which destination item, across passes: Ferry's idempotency record.
    create table item_map (
      source_mailbox text not null,
      destination_mailbox text not null,
      source_item_id text not null,
      item_type text not null,
      content_hash text not null,
      stamp text not null,
      destination_folder_id text not null,
      destination_item_id text,
      status text not null check (status in ('in_flight', 'migrated')),
      updated_at timestamptz not null default now(),
      primary key (source_mailbox, destination_mailbox, source_item_id)
    );
  `.execute(db);
}
