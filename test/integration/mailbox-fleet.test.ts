import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Db } from '../../src/db/database.ts';
import type { Database } from '../../src/db/schema.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { createSecretBox } from '../../src/secrets/secret-box.ts';
import { startMigrationWorkers } from '../../src/worker/migration-workers.ts';
import { runPassToCompletion } from '../../src/worker/run-pass.ts';
import { startFleetFixture } from '../support/fleet-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';

let database: TestDatabase;
let fixture: Awaited<ReturnType<typeof startFleetFixture>>;

beforeAll(async () => {
  database = await createTestDatabase();
  // Graph answers after 20 ms, so a mailbox's requests overlap as they do against Exchange.
  fixture = await startFleetFixture({ accounts: 6, messages: 100, graphFaults: 'slow=1:20' });
}, 120_000);

afterAll(async () => {
  await fixture.close();
  await database.close();
});

/** A worker's own connection pool (as in its own process), with every statement it sends counted. */
function workerDatabase(statements: string[]): { db: Db; close(): Promise<void> } {
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 10 }) }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql);
    },
  });
  return { db, close: () => db.destroy() };
}

describe('several workers on one database', () => {
  it('lease each mailbox to exactly one worker, share the mailboxes, and write per page, not per item', async () => {
    const sealer = createSecretBox([{ id: 't', key: Buffer.alloc(32, 9) }]);
    const statements: string[] = [];
    const databases = [workerDatabase(statements), workerDatabase(statements)];
    // Three mailboxes each: the six of the pass need both workers.
    const workers = await Promise.all(
      databases.map(({ db }) =>
        startMigrationWorkers({
          db,
          sealer,
          logger: pino({ level: 'silent' }),
          limits: MICROSOFT_LIMITS,
          outbound: loopbackOutbound(),
          maxMailboxes: 3,
        }),
      ),
    );
    const holders = new Map<string, Set<string>>();
    const epochs = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const leases = await database.db.selectFrom('mailbox_leases').selectAll().execute();
        for (const lease of leases) {
          holders.set(
            lease.run_mailbox_id,
            (holders.get(lease.run_mailbox_id) ?? new Set()).add(lease.worker_id),
          );
          epochs.add(lease.epoch);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    try {
      const { runId, mailboxIds } = await fixture.createPass(database.db, sealer);
      await runPassToCompletion({ db: database.db, runId, onProgress: undefined });
      sampling = false;
      await sampler;

      const statuses = await database.db
        .selectFrom('run_mailboxes')
        .select('status')
        .where('run_id', '=', runId)
        .execute();
      expect(statuses.map((s) => s.status)).toEqual(Array(6).fill('completed'));
      for (const user of fixture.users) {
        const stamps = await fixture.stamps(user.destination);
        expect(new Set(stamps).size, user.destination).toBe(stamps.length);
        expect(stamps, user.destination).toHaveLength(user.messages);
      }

      // Each mailbox was held by one worker from start to end, and both workers held mailboxes.
      expect([...holders.keys()].sort()).toEqual([...mailboxIds].sort());
      expect([...holders.values()].every((workerIds) => workerIds.size === 1)).toBe(true);
      expect(new Set([...holders.values()].flatMap((w) => [...w]))).toEqual(
        new Set(workers.map((w) => w.workerId)),
      );
      expect([...epochs]).toEqual(['1']);
      expect(await database.db.selectFrom('mailbox_leases').selectAll().execute()).toEqual([]);

      // One worker's Graph budget per mailbox: never more than Microsoft's 4 requests at once.
      const stats = await fixture.graphStats();
      for (const user of fixture.users) {
        const mailbox = stats[user.destination];
        expect(mailbox?.requests, user.destination).toBeGreaterThan(user.messages);
        expect(mailbox?.maxConcurrency, user.destination).toBeLessThanOrEqual(4);
      }

      // Each page checkpoint writes the item map twice (in flight, then migrated) and the outcomes once.
      const count = (pattern: RegExp) => statements.filter((s) => pattern.test(s)).length;
      const pages = count(/^update "run_folders"/);
      const messages = fixture.users.reduce((sum, u) => sum + u.messages, 0);
      expect(pages).toBeLessThan(messages / 4);
      expect(count(/^insert into "item_map"/)).toBeLessThanOrEqual(2 * pages);
      expect(count(/^update "item_map"/)).toBe(0);
      expect(count(/^insert into "run_items"/)).toBeLessThanOrEqual(pages);
    } finally {
      sampling = false;
      await sampler;
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(databases.map((d) => d.close()));
    }
  }, 180_000);
});
