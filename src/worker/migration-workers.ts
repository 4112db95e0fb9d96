import type { JobWithMetadata } from 'pg-boss';

import type { Logger } from '../config/logger.ts';
import type { Db } from '../db/database.ts';
import type { JobQueue } from '../db/job-queue.ts';
import { createMigrationStore, ensureMigrationQueues } from '../db/migration-store.ts';
import { type FolderPageJob, MIGRATION_QUEUES, type StartMailboxJob } from '../domain/migration-store.ts';
import type { SecretSealer } from '../domain/ports.ts';
import { ByteBudget } from '../engine/byte-budget.ts';
import { migrateFolderPage, startMailbox } from '../engine/mailbox-jobs.ts';
import type { BudgetLimits } from '../graph/mailbox-budget.ts';
import type { Outbound } from '../net/outbound-http.ts';
import { createEngineDepsCache } from './engine-deps.ts';

/** 4× a 150 MB message (Exchange's largest) fits: such a message runs alone, smaller ones side by side. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 768 * 1024 * 1024;

/** Page jobs this process runs at once (each page runs up to 4 item creates). */
export const DEFAULT_PAGE_CONCURRENCY = 8;

export async function startMigrationWorkers(options: {
  queue: JobQueue;
  db: Db;
  sealer: SecretSealer;
  logger: Logger;
  limits: BudgetLimits;
  /** Every connection to Zimbra and Microsoft 365 goes through it. */
  outbound: Outbound;
  pageConcurrency?: number;
  /** Message bytes the process may hold at once (see ByteBudget). */
  memoryBudgetBytes?: number;
}): Promise<{ stop(): Promise<void> }> {
  const { queue, logger } = options;
  await ensureMigrationQueues(queue);
  const store = createMigrationStore(options.db, queue);
  const memory = new ByteBudget(options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES);
  const depsFor = createEngineDepsCache(
    options.db,
    options.sealer,
    store,
    options.limits,
    memory,
    logger,
    options.outbound,
  );

  // A mailbox never changes run: remember it, so each page job reads its mailbox row once, not twice.
  const runIds = new Map<string, string>();
  const runIdOf = async (runMailboxId: string) => {
    let runId = runIds.get(runMailboxId);
    if (runId === undefined) {
      runId = (await store.getRunMailbox(runMailboxId)).runId;
      runIds.set(runMailboxId, runId);
    }
    return runId;
  };
  const isLastAttempt = (job: JobWithMetadata<unknown>) => job.retryCount >= job.retryLimit;
  const ids = [
    await queue.work<StartMailboxJob>(
      MIGRATION_QUEUES.startMailbox,
      {
        includeMetadata: true,
        pollingIntervalSeconds: 0.5,
        notifyPollingIntervalSeconds: 0.5,
        localConcurrency: 2,
      },
      async (jobs) => {
        const job = jobs[0] as JobWithMetadata<StartMailboxJob> | undefined;
        if (job === undefined) return;
        const deps = await depsFor(await runIdOf(job.data.runMailboxId));
        await startMailbox(deps, job.data, { lastAttempt: isLastAttempt(job) });
      },
    ),
    await queue.work<FolderPageJob>(
      MIGRATION_QUEUES.folderPage,
      {
        includeMetadata: true,
        pollingIntervalSeconds: 0.5,
        notifyPollingIntervalSeconds: 0.5,
        localConcurrency: options.pageConcurrency ?? DEFAULT_PAGE_CONCURRENCY,
      },
      async (jobs) => {
        const job = jobs[0] as JobWithMetadata<FolderPageJob> | undefined;
        if (job === undefined) return;
        const deps = await depsFor(await runIdOf(job.data.runMailboxId));
        await migrateFolderPage(deps, job.data, { lastAttempt: isLastAttempt(job) });
      },
    ),
  ];
  logger.info({ queues: Object.values(MIGRATION_QUEUES) }, 'migration workers started');
  return {
    async stop() {
      const [startId = '', pageId = ''] = ids;
      await queue.offWork(MIGRATION_QUEUES.startMailbox, { id: startId, wait: true });
      await queue.offWork(MIGRATION_QUEUES.folderPage, { id: pageId, wait: true });
    },
  };
}
