import type { Kysely } from 'kysely';

/** agent invitations, customers, customer users, licences. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
