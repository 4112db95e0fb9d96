import type { Logger } from '../config/logger.ts';
import { HEALTH_PING_QUEUE, type JobQueue } from '../db/job-queue.ts';

export interface Workers {
  stop(): Promise<void>;
}

/** Registers this process's job handlers on the queue. */
export async function startWorkers(queue: JobQueue, logger: Logger): Promise<Workers> {
  const workerIds: string[] = [];
  workerIds.push(
    // Completing the ping is the whole answer: the sender measures the round trip.
    await queue.work(HEALTH_PING_QUEUE, { pollingIntervalSeconds: 1, batchSize: 10 }, () =>
      Promise.resolve(),
    ),
  );
  logger.info({ queues: [HEALTH_PING_QUEUE] }, 'workers started');
  return {
    async stop() {
      await Promise.all(workerIds.map((id) => queue.offWork(HEALTH_PING_QUEUE, { id })));
    },
  };
}
