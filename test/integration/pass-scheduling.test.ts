import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startJobQueue, type JobQueue } from '../../src/db/job-queue.ts';
import { createMigrationStore, ensureMigrationQueues } from '../../src/db/migration-store.ts';
import { createPassRun, launchPassRun, mailboxStatuses, stopRunMailboxes } from '../../src/db/pass-runs.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, type PassOptions } from '../../src/domain/migration.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let queue: JobQueue;

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
  queue = await startJobQueue({ url: database.url, supervise: false, onError: (e) => console.error(e) });
  await ensureMigrationQueues(queue);
});

afterAll(async () => {
  await queue.stop({ graceful: false, close: true });
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

    await launchPassRun(database.db, queue, runId);
    expect(await statusBySource(runId, ids)).toEqual({
      small: 'waiting',
      huge: 'queued',
      medium: 'waiting',
      large: 'queued',
      tiny: 'waiting',
    });
    // Launching again (a retried request) starts nothing more.
    await launchPassRun(database.db, queue, runId);
    expect(Object.values(await statusBySource(runId, ids)).filter((s) => s === 'queued')).toHaveLength(2);

    const store = createMigrationStore(database.db, queue);
    expect(await store.beginMailbox(ids.get('huge')!)).toBe(true);
    await store.planFolders(ids.get('huge')!, []);
    expect(await statusBySource(runId, ids)).toMatchObject({ huge: 'completed', medium: 'queued' });

    await store.failMailbox(ids.get('large')!, 'AUTH_FAILED: bad password');
    expect(await statusBySource(runId, ids)).toMatchObject({ large: 'failed', small: 'queued' });

    expect(await stopRunMailboxes(database.db, queue, [ids.get('medium')!, ids.get('huge')!], 'ada')).toBe(1);
    expect(await statusBySource(runId, ids)).toEqual({
      small: 'queued',
      huge: 'completed',
      medium: 'stopped',
      large: 'failed',
      tiny: 'queued',
    });
    // A stopped mailbox's leftover start job finds it stopped and does nothing.
    expect(await store.beginMailbox(ids.get('medium')!)).toBe(false);
  });
});
