import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { claimMailboxes } from '../../src/db/mailbox-leases.ts';
import { createMigrationStore } from '../../src/db/migration-store.ts';
import { createPassRun, launchPassRun, mailboxStatuses, stopRunMailboxes } from '../../src/db/pass-runs.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, type PassOptions } from '../../src/domain/migration.ts';
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

async function statusBySource(runId: string, ids: Map<string, string>): Promise<Record<string, string>> {
  const statuses = await mailboxStatuses(database.db, runId);
  return Object.fromEntries([...ids].map(([source, id]) => [source, statuses.get(id) ?? 'missing']));
}

describe('pass scheduling', () => {
  it('keeps at most the maximum in flight, starts the largest first, and fills slots as mailboxes finish or stop', async () => {
    const sizes = { small: 10, huge: 5_000, medium: 300, large: 1_000, tiny: 1 };
    const { runId, mailboxIds } = await createPassRun(database.db, {
      name: 'scheduling',
      options,
      endpointsSealed: 'unused',
      maxConcurrent: 2,
      mailboxes: Object.entries(sizes).map(([source, sizeHint]) => ({
        source: `${source}@example.com`,
        destination: `${source}@contoso.com`,
        sizeHint,
      })),
    });
    const ids = new Map(Object.keys(sizes).map((source, i) => [source, mailboxIds[i]!]));
    expect(Object.values(await statusBySource(runId, ids))).toEqual(Array(5).fill('waiting'));

    await launchPassRun(database.db, runId);
    expect(await statusBySource(runId, ids)).toEqual({
      small: 'waiting',
      huge: 'queued',
      medium: 'waiting',
      large: 'queued',
      tiny: 'waiting',
    });
    // Launching again (a retried request) starts nothing more.
    await launchPassRun(database.db, runId);
    expect(Object.values(await statusBySource(runId, ids)).filter((s) => s === 'queued')).toHaveLength(2);

    const store = createMigrationStore(database.db);
    // A worker leases queued mailboxes: here, the two that may run.
    const leases = new Map(
      (await claimMailboxes(database.db, 'test-worker', 10, 15, [])).map((l) => [l.runMailboxId, l]),
    );
    expect([...leases.keys()].sort()).toEqual([ids.get('huge'), ids.get('large')].sort());
    const lease = (source: string) => leases.get(ids.get(source)!)!;
    expect(await store.beginMailbox(lease('huge'))).toBe(true);
    await store.planFolders(lease('huge'), []);
    expect(await statusBySource(runId, ids)).toMatchObject({ huge: 'completed', medium: 'queued' });

    await store.failMailbox(lease('large'), 'AUTH_FAILED: bad password');
    expect(await statusBySource(runId, ids)).toMatchObject({ large: 'failed', small: 'queued' });

    expect(await stopRunMailboxes(database.db, [ids.get('medium')!, ids.get('huge')!], 'ada')).toBe(1);
    expect(await statusBySource(runId, ids)).toEqual({
      small: 'queued',
      huge: 'completed',
      medium: 'stopped',
      large: 'failed',
      tiny: 'queued',
    });
    // Finished and stopped mailboxes are never leased again; the queued ones are.
    const next = await claimMailboxes(database.db, 'other-worker', 10, 15, []);
    expect(next.map((l) => l.runMailboxId).sort()).toEqual([ids.get('small'), ids.get('tiny')].sort());
  });
});
