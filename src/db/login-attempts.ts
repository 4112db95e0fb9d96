import { sql } from 'kysely';

import type { Db } from './database.ts';

/** Failures older than this are forgotten, so a delay never outlives a day of silence. */
const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;

export async function recordLoginAttempt(
  db: Db,
  attempt: { email: string; ip: string; succeeded: boolean },
): Promise<void> {
  await db.insertInto('login_attempts').values(attempt).execute();
}

/**
 * Failed sign-ins for this email (whether or not an agent has it) since its last success, within
 * the last day, and when the latest of them happened.
 */
export async function recentFailures(
  db: Db,
  email: string,
  now = new Date(),
): Promise<{ count: number; last: Date | null }> {
  const since = new Date(now.getTime() - FAILURE_MEMORY_MS);
  const { count, last } = await db
    .selectFrom('login_attempts')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.max('at').as('last')])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('at', '>', since)
    .where('succeeded', '=', false)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('login_attempts as later')
            .select('later.id')
            .where(sql`lower(later.email)`, '=', email.toLowerCase())
            .where('later.succeeded', '=', true)
            .whereRef('later.at', '>', 'login_attempts.at'),
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return { count: Number(count), last: last === null ? null : new Date(last) };
}
