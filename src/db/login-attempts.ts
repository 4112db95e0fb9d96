import { sql } from 'kysely';

import type { Db } from './database.ts';

export async function recordLoginAttempt(
  db: Db,
  attempt: { email: string; ip: string; succeeded: boolean },
): Promise<void> {
  await db.insertInto('login_attempts').values(attempt).execute();
}

/** Failed sign-ins for this email since its last success, within the window. */
export async function countRecentFailures(db: Db, email: string, windowMs: number): Promise<number> {
  const since = new Date(Date.now() - windowMs);
  const { count } = await db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.countAll<string>().as('count'))
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
  return Number(count);
}
