import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { measureQueueRoundTrip, startJobQueue, type JobQueue } from '../../src/db/job-queue.ts';
import { startWorkers } from '../../src/worker/start-workers.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let queue: JobQueue;

beforeAll(async () => {
  database = await createTestDatabase();
  queue = await startJobQueue({ url: database.url, supervise: false, onError: (e) => console.error(e) });
});

afterAll(async () => {
  await queue.stop({ graceful: false, close: true });
  await database.close();
});

describe('job queue round trip', () => {
  it('reports no worker when nobody completes the ping', async () => {
    expect((await measureQueueRoundTrip(queue, 300)).status).toBe('no_worker');
  });

  it('is measured with a real job completed by a worker', async () => {
    const workers = await startWorkers(queue, pino({ level: 'silent' }));
    try {
      const result = await measureQueueRoundTrip(queue, 10_000);
      expect(result.status).toBe('ok');
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    } finally {
      await workers.stop();
    }
  });
});
