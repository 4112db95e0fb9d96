import { type Kysely, sql } from 'kysely';

/** endpoints, mailbox projects, project mailboxes, the passes projects started. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table endpoints (
      id uuid primary key default gen_random_uuid(),
      workgroup_id uuid not null references workgroups(id),
      name text not null,
      kind text not null check (kind in ('zimbra', 'm365')),
      -- Everything but the secret: URLs, usernames, ids, cloud.
      settings jsonb not null,
      -- The Zimbra admin password or the Microsoft 365 Client Secret, sealed with the master key.
      secret_sealed text,
      -- Microsoft 365: the tenant's region detected at validation (tenant_region_scope); never typed in.
      region text,
      validation jsonb,
      validated_at timestamptz,
      created_by uuid references agents(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index endpoints_workgroup_name_idx on endpoints (workgroup_id, lower(name));

    create table projects (
      id uuid primary key default gen_random_uuid(),
      workgroup_id uuid not null references workgroups(id),
      name text not null,
      customer_id uuid not null references customers(id),
      source_endpoint_id uuid not null references endpoints(id),
      destination_endpoint_id uuid not null references endpoints(id),
      options jsonb not null default '{}',
      notify_template jsonb,
      created_by uuid references agents(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index projects_workgroup_name_idx on projects (workgroup_id, lower(name));
    create index projects_created_by_idx on projects (created_by);

    create table project_mailboxes (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references projects(id) on delete cascade,
      source text not null,
      destination text not null,
      -- Regular-user mode: the mailbox's own Zimbra password, sealed.
      source_password_sealed text,
      last_run_mailbox_id uuid references run_mailboxes(id),
      created_at timestamptz not null default now()
    );
    create unique index project_mailboxes_source_key on project_mailboxes (project_id, lower(source));
    create index project_mailboxes_destination_idx on project_mailboxes (project_id, lower(destination));
    create index project_mailboxes_last_run_idx on project_mailboxes (last_run_mailbox_id);

    -- A pass a project started: its run, who started it, when it is scheduled to begin.
    create table project_passes (
      run_id uuid primary key references pass_runs(id),
      project_id uuid not null references projects(id) on delete cascade,
      pass text not null,
      started_by uuid references agents(id),
      scheduled_at timestamptz,
      launched_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index project_passes_project_idx on project_passes (project_id, created_at);

    -- Which project mailbox each run mailbox is; licence_settled once its use is in the licence log.
    create table project_run_mailboxes (
      run_mailbox_id uuid primary key references run_mailboxes(id),
      project_mailbox_id uuid not null references project_mailboxes(id) on delete cascade,
      licence_settled boolean not null default false
    );
    create index project_run_mailboxes_mailbox_idx on project_run_mailboxes (project_mailbox_id);
  `.execute(db);
}
