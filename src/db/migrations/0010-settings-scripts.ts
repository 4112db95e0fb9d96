import { type Kysely, sql } from 'kysely';

/**
 * What each mailbox pair needs from the Exchange Online PowerShell script (signatures,
 * forwarding) and which settings could not move, as its latest Full pass found them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table settings_scripts (
      source_mailbox text not null,
      destination_mailbox text not null,
      script jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (source_mailbox, destination_mailbox)
    );
  `.execute(db);
}
