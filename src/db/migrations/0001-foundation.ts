import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table workgroups (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      project_sharing boolean not null default false,
      created_at timestamptz not null default now()
    );

    create table agents (
      id uuid primary key default gen_random_uuid(),
      workgroup_id uuid not null references workgroups(id),
      email text not null,
      name text not null,
      role text not null check (role in ('administrator', 'manager', 'agent', 'inactive')),
      password_hash text,
      created_at timestamptz not null default now(),
      last_sign_in_at timestamptz
    );
    create unique index agents_email_key on agents (lower(email));
    create index agents_workgroup_idx on agents (workgroup_id);

    create table sessions (
      id_hash text primary key,
      agent_id uuid not null references agents(id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index sessions_agent_idx on sessions (agent_id);

    create table api_tokens (
      id uuid primary key default gen_random_uuid(),
      agent_id uuid not null references agents(id) on delete cascade,
      name text not null,
      token_hash text not null unique,
      prefix text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_tokens_agent_idx on api_tokens (agent_id);

    create table setup_tokens (
      token_hash text primary key,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );

    create table login_attempts (
      id bigint generated always as identity primary key,
      email text not null,
      ip text not null,
      succeeded boolean not null,
      at timestamptz not null default now()
    );
    create index login_attempts_email_idx on login_attempts (lower(email), at);

    create table audit_log (
      id bigint generated always as identity primary key,
      workgroup_id uuid not null references workgroups(id),
      agent_id uuid references agents(id),
      action text not null,
      target text,
      details jsonb not null default '{}',
      at timestamptz not null default now()
    );
    create index audit_log_workgroup_idx on audit_log (workgroup_id, at);

    -- The audit log is append-only: history cannot be rewritten, even by Ferry itself.
    create function audit_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit log is append-only';
    end $$;
    create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_log_is_append_only();
  `.execute(db);
}
