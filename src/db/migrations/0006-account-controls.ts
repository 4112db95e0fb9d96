import { type Kysely, sql } from 'kysely';

/** API tokens expire; Administrators send one-time password reset links. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Tokens made before expiry existed get the default lifetime from today, so no CLI breaks at once.
    alter table api_tokens add column expires_at timestamptz;
    update api_tokens set expires_at = now() + interval '90 days';
    alter table api_tokens alter column expires_at set not null;

    create table password_resets (
      id uuid primary key default gen_random_uuid(),
      agent_id uuid not null references agents(id) on delete cascade,
      token_hash text not null unique,
      requested_by uuid not null references agents(id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz,
      revoked_at timestamptz
    );
    create index password_resets_agent_idx on password_resets (agent_id);
  `.execute(db);
}
