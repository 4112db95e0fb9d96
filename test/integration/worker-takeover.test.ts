import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchPassRun, mailboxStatuses } from '../../src/db/pass-runs.ts';
import { UNFINISHED_STATUSES } from '../../src/domain/migration.ts';
import { parseKeyRing } from '../../src/secrets/master-key.ts';
import { createSecretBox } from '../../src/secrets/secret-box.ts';
import { type FerryProcess, spawnFerry } from '../support/ferry-process.ts';
import { startFleetFixture } from '../support/fleet-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const MASTER_KEY = `test:${Buffer.alloc(32, 3).toString('base64')}`;

let database: TestDatabase;
let fixture: Awaited<ReturnType<typeof startFleetFixture>>;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // Graph answers after 150 ms: the pass runs long enough to kill a worker in the middle of pages.
  fixture = await startFleetFixture({ accounts: 4, messages: 200, graphFaults: 'slow=1:150' });
  dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-takeover-'));
}, 120_000);

afterAll(async () => {
  await fixture.close();
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function leases() {
  return database.db.selectFrom('mailbox_leases').selectAll().execute();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a worker process killed with mailboxes in flight', () => {
  it('is replaced by another worker, which continues its mailboxes from their checkpoints: every message exactly once', async () => {
    const env = {
      DATABASE_URL: database.url,
      // The test database's app role cannot migrate: the owner role does, as in production.
      DATABASE_OWNER_URL: database.ownerUrl,
      FERRY_MASTER_KEY: MASTER_KEY,
      FERRY_DATA_DIR: dataDir,
      FERRY_WORKER_MAILBOXES: '3',
      LOG_LEVEL: 'info',
    };
    const workers: FerryProcess[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const worker = spawnFerry(['worker'], env);
        workers.push(worker);
        // Logs go to stderr.
        await until('the worker to start', () =>
          Promise.resolve(/migration workers started/.test(worker.stderr()) ? true : undefined),
        );
      }
      const sealer = createSecretBox(parseKeyRing(MASTER_KEY));
      const { runId, mailboxIds } = await fixture.createPass(database.db, sealer);
      await launchPassRun(database.db, runId);

      // Both workers lease mailboxes (3 + 1); the one with more of them dies once its items are arriving.
      const pidOf = (workerId: string) => Number(workerId.split('/')[1]);
      const held = await until('both workers to lease every mailbox', async () => {
        const rows = await leases();
        return rows.length === mailboxIds.length && new Set(rows.map((r) => r.worker_id)).size === 2
          ? rows
          : undefined;
      });
      const byWorker = Map.groupBy(held, (r) => r.worker_id);
      const [victimId, victimLeases] = [...byWorker].sort((a, b) => b[1].length - a[1].length)[0]!;
      const victim = workers.find((w) => w.child.pid === pidOf(victimId))!;
      const survivor = workers.find((w) => w !== victim)!;
      const victimMailboxes = new Set(victimLeases.map((r) => r.run_mailbox_id));
      const victimUsers = fixture.users.filter((_, i) => victimMailboxes.has(mailboxIds[i]!));
      await until('messages of the doomed worker to arrive', async () => {
        const arrived = await Promise.all(victimUsers.map((u) => fixture.stamps(u.destination)));
        return arrived.every((stamps) => stamps.length >= 20) ? true : undefined;
      });
      expect(await victim.stop('SIGKILL')).toBeNull();

      // The survivor takes the dead worker's leases over (a new epoch) and finishes the pass.
      const takenOver = new Set<string>();
      await until('the pass to finish', async () => {
        for (const lease of await leases()) {
          if (victimMailboxes.has(lease.run_mailbox_id) && lease.worker_id !== victimId) {
            expect(pidOf(lease.worker_id)).toBe(survivor.child.pid);
            expect(Number(lease.epoch)).toBeGreaterThan(1);
            takenOver.add(lease.run_mailbox_id);
          }
        }
        const statuses = await mailboxStatuses(database.db, runId);
        return [...statuses.values()].some((s) => UNFINISHED_STATUSES.includes(s)) ? undefined : statuses;
      });
      expect(takenOver).toEqual(victimMailboxes);
      // A dead worker is not the mailbox's fault: each one completed, none failed after retries.
      expect([...(await mailboxStatuses(database.db, runId)).values()]).toEqual(
        Array(mailboxIds.length).fill('completed'),
      );
      for (const user of fixture.users) {
        const stamps = await fixture.stamps(user.destination);
        expect(new Set(stamps).size, user.destination).toBe(stamps.length);
        expect(stamps, user.destination).toHaveLength(user.messages);
      }
      // The survivor's log says which mailbox it took up and how it ended, with the run's ids.
      const taken = [...victimMailboxes][0]!;
      await until('the survivor to log the mailbox it finished', () =>
        Promise.resolve(
          survivor
            .stderr()
            .split('\n')
            .some((line) => line.includes(taken) && line.includes('mailbox work ended'))
            ? true
            : undefined,
        ),
      );
      expect(await survivor.stop('SIGTERM')).toBe(0);
    } finally {
      await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    }
  }, 240_000);
});
