import type { Kysely } from 'kysely';

/** endpoints, mailbox projects, project mailboxes. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
