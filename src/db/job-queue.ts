import { PgBoss } from 'pg-boss';

import { JOB_QUEUE_SCHEMA } from './database-roles.ts';

/**
 * pg-boss on Ferry's own database. Its job expiry is Ferry's crash recovery: a job whose worker
 * died is handed to another worker once it expires, so every job must be bounded and idempotent.
 */
export type JobQueue = PgBoss;

export const HEALTH_PING_QUEUE = 'ferry.health-ping';

export interface JobQueueOptions {
  readonly url: string;
  /** Whether this process runs pg-boss maintenance (expiry, archiving, cron). Workers and servers both may. */
  readonly supervise: boolean;
  readonly onError: (error: Error) => void;
}

export async function startJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: options.url,
    schema: JOB_QUEUE_SCHEMA,
    // Ferry's migrations make the schema: the app role may not create schemas (src/db/database-roles.ts).
    createSchema: false,
    max: 5,
    useListenNotify: true,
    supervise: options.supervise,
    schedule: options.supervise,
  });
  boss.on('error', options.onError);
  await boss.start();
  await ensureQueue(boss, HEALTH_PING_QUEUE, {
    expireInSeconds: 30,
    retryLimit: 0,
    deleteAfterSeconds: 3600,
  });
  return boss;
}

export async function ensureQueue(
  boss: JobQueue,
  name: string,
  options: { expireInSeconds: number; retryLimit: number; deleteAfterSeconds?: number },
): Promise<void> {
  if ((await boss.getQueue(name)) !== null) return;
  try {
    await boss.createQueue(name, { ...options, notify: true });
  } catch (error) {
    // Another process created it between our check and our create.
    if ((await boss.getQueue(name)) === null) throw error;
  }
}

export interface QueueRoundTrip {
  readonly status: 'ok' | 'no_worker';
  readonly latencyMs: number;
}

/**
 * Sends a real job and waits until a worker has completed it: the time from send to completion
 * is the queue's round-trip latency as a migration job would see it.
 */
export async function measureQueueRoundTrip(boss: JobQueue, timeoutMs: number): Promise<QueueRoundTrip> {
  const started = performance.now();
  const id = await boss.send(HEALTH_PING_QUEUE, { sentAt: Date.now() }, { expireInSeconds: 30 });
  if (id === null) throw new Error('the job queue refused the health ping');
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const [job] = await boss.findJobs(HEALTH_PING_QUEUE, { id });
    if (job?.state === 'completed')
      return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
    if (performance.now() - started > timeoutMs) {
      await boss.cancel(HEALTH_PING_QUEUE, id).catch(() => undefined);
      return { status: 'no_worker', latencyMs: Math.round(performance.now() - started) };
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
