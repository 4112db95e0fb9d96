import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openDatabase } from '../../src/db/database.ts';
import { claimMailboxes, releaseLease, renewLeases } from '../../src/db/mailbox-leases.ts';
import { createMigrationStore } from '../../src/db/migration-store.ts';
import { createPassRun, launchPassRun } from '../../src/db/pass-runs.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, type PassOptions } from '../../src/domain/migration.ts';
import { LeaseLostError } from '../../src/domain/migration-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;

const options: PassOptions = {
  pass: 'full',
  itemTypes: ['mail'],
  receivedBeforeMs: undefined,
  receivedAfterMs: undefined,
  folderFilter: undefined,
  folderMappings: [],
  recipientMappings: [],
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  logSubjects: false,
};

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.close();
});

async function queuedRun(mailboxes: number) {
  const { runId, mailboxIds } = await createPassRun(database.db, {
    name: 'leases',
    options,
    endpointsSealed: 'unused',
    maxConcurrent: mailboxes,
    mailboxes: Array.from({ length: mailboxes }, (_, i) => ({
      source: `user${i}@example.com`,
      destination: `user${i}@contoso.com`,
    })),
  });
  await launchPassRun(database.db, runId);
  return mailboxIds;
}

/** Ages every lease past the takeover limit, as if its worker had died. */
async function ageLeases(): Promise<void> {
  await sql`update mailbox_leases set heartbeat_at = now() - interval '1 minute'`.execute(database.db);
}

describe('mailbox leases', () => {
  it('go to one worker each when workers claim at the same moment, and a live lease is never taken', async () => {
    const mailboxIds = await queuedRun(12);
    const pools = Array.from({ length: 4 }, () => openDatabase(database.url));
    try {
      const claimed = await Promise.all(
        pools.map((pool, i) => claimMailboxes(pool.db, `worker-${i}`, 5, 15, [])),
      );
      const all = claimed.flat().map((l) => l.runMailboxId);
      expect(all.sort()).toEqual([...mailboxIds].sort());
      expect(claimed.flat().every((l) => l.epoch === 1)).toBe(true);
      expect(await claimMailboxes(database.db, 'latecomer', 12, 15, [])).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it('are taken over once stale, and the old holder then writes nothing', async () => {
    const [mailboxId] = await queuedRun(1);
    const store = createMigrationStore(database.db);
    const [old] = await claimMailboxes(database.db, 'old-worker', 1, 15, []);
    expect(old?.runMailboxId).toBe(mailboxId);
    expect(await store.beginMailbox(old!)).toBe(true);
    await store.planFolders(old!, [
      { sourceFolderId: '2', itemType: 'mail', path: 'Inbox', destinationFolderId: 'inbox', sourceCount: 2 },
    ]);
    expect([...(await renewLeases(database.db, [old!])).keys()]).toEqual([mailboxId]);

    await ageLeases();
    const [next] = await claimMailboxes(database.db, 'new-worker', 1, 15, []);
    expect(next).toEqual({ runMailboxId: mailboxId, workerId: 'new-worker', epoch: 2 });
    expect((await renewLeases(database.db, [old!])).size).toBe(0);

    const pair = { source: 'user0@example.com', destination: 'user0@contoso.com' };
    const item = {
      sourceItemId: '257',
      type: 'mail' as const,
      stamp: 'zimbra:x:257',
      destinationFolderId: 'inbox',
    };
    const page = {
      sourceFolderId: '2',
      next: undefined,
      throttledMs: 0,
      items: [
        {
          migrated: { ...item, destinationItemId: 'AAMk', contentHash: 'h' },
          outcome: {
            sourceItemId: '257',
            type: 'mail' as const,
            sourceFolderId: '2',
            outcome: 'migrated' as const,
            bytes: 10,
          },
        },
      ],
    };
    await expect(store.markInFlight(old!, pair, [item])).rejects.toBeInstanceOf(LeaseLostError);
    await expect(store.completePage(old!, pair, page)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(store.failMailbox(old!, 'X: late')).rejects.toBeInstanceOf(LeaseLostError);
    await releaseLease(database.db, old!);
    expect(await database.db.selectFrom('item_map').selectAll().execute()).toEqual([]);
    expect(await database.db.selectFrom('run_items').selectAll().execute()).toEqual([]);
    expect(await store.openFolders(mailboxId!)).toHaveLength(1);

    // The new holder's page commits: one record per item, the folder done, the mailbox completed.
    await store.markInFlight(next!, pair, [item]);
    expect(await store.completePage(next!, pair, page)).toBe(false);
    expect(
      await database.db.selectFrom('item_map').select(['status', 'destination_item_id']).execute(),
    ).toEqual([{ status: 'migrated', destination_item_id: 'AAMk' }]);
    expect(await store.getRunMailbox(mailboxId!)).toMatchObject({ status: 'completed' });
    expect(
      await database.db
        .selectFrom('mailbox_leases')
        .select('worker_id')
        .where('run_mailbox_id', '=', mailboxId!)
        .execute(),
    ).toEqual([{ worker_id: 'new-worker' }]);
  });
});
