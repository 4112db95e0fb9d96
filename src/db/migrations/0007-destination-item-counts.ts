import { type Kysely, sql } from 'kysely';

/**
 * How many items one source item became in Microsoft 365: 1 for a message, contact or task; for a
 * calendar item its series, each changed occurrence (its own item in Exchange) and any singles.
 * Statistics count these, so they agree with what the tenant shows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table run_items add column destination_items integer not null default 1
      check (destination_items >= 0);
  `.execute(db);
}
