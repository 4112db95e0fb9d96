import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { openDatabase } from '../../src/db/database.ts';
import { retryTransaction } from '../../src/db/retry-transaction.ts';
import { createTestDatabase } from '../support/test-database.ts';

describe('retryTransaction', () => {
  it('runs a transaction PostgreSQL aborted to break a deadlock again, so both sides commit', async () => {
    const app = await createTestDatabase();
    await app.close();
    // The owner role: the test makes a table of its own, which the app role may not.
    const database = openDatabase(app.ownerUrl);
    const { db } = database;
    try {
      await sql`create table lockers (id int primary key, n int not null)`.execute(db);
      await sql`insert into lockers values (1, 0), (2, 0)`.execute(db);
      // Each side locks one row, waits until the other holds its row, then wants the other's: a deadlock.
      let held = 0;
      const bothHold = async () => {
        held += 1;
        while (held < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      };
      const attempts = { a: 0, b: 0 };
      const side = (name: 'a' | 'b', first: number, second: number) =>
        retryTransaction(db, async (trx) => {
          attempts[name] += 1;
          await sql`update lockers set n = n + 1 where id = ${first}`.execute(trx);
          if (attempts[name] === 1) await bothHold();
          await sql`update lockers set n = n + 1 where id = ${second}`.execute(trx);
        });
      await Promise.all([side('a', 1, 2), side('b', 2, 1)]);
      const rows = await sql<{ id: number; n: number }>`select id, n from lockers order by id`.execute(db);
      expect(rows.rows).toEqual([
        { id: 1, n: 2 },
        { id: 2, n: 2 },
      ]);
      expect(attempts.a + attempts.b).toBe(3);
    } finally {
      await database.close();
    }
  });
});
