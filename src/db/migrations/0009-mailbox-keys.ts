import { type Kysely, sql } from 'kysely';

import { mailboxKey } from '../../domain/mailbox-address.ts';

/**
 * A mailbox's source and destination are compared by `mailboxKey` (domain/mailbox-address.ts),
 * computed in JavaScript and stored, instead of PostgreSQL's lower(): the two folded non-ASCII
 * letters differently, so a check found no duplicate and the unique index then refused the row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table project_mailboxes add column source_key text;
    alter table project_mailboxes add column destination_key text;
  `.execute(db);
  const { rows } = await sql<{ id: string; project_id: string; source: string; destination: string }>`
    select id, project_id, source, destination from project_mailboxes order by created_at, id
  `.execute(db);
  const taken = new Set<string>();
  for (const row of rows) {
    let key = mailboxKey(row.source);
    // Two rows the old index told apart but the key does not (e.g. "ς" and "σ") both stay reachable.
    if (taken.has(`${row.project_id} ${key}`)) key = `${key}#${row.id}`;
    taken.add(`${row.project_id} ${key}`);
    await sql`
      update project_mailboxes set source_key = ${key}, destination_key = ${mailboxKey(row.destination)}
      where id = ${row.id}
    `.execute(db);
  }
  await sql`
    alter table project_mailboxes alter column source_key set not null;
    alter table project_mailboxes alter column destination_key set not null;
    drop index project_mailboxes_source_key;
    drop index project_mailboxes_destination_idx;
    create unique index project_mailboxes_source_key on project_mailboxes (project_id, source_key);
    create index project_mailboxes_destination_idx on project_mailboxes (project_id, destination_key);
  `.execute(db);
}
