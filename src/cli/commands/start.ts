import { Command } from 'commander';

import { createLogger } from '../../config/logger.ts';
import { startJobQueue } from '../../db/job-queue.ts';
import { startServer } from '../../api/start-server.ts';
import { MICROSOFT_LIMITS } from '../../graph/mailbox-budget.ts';
import { startMigrationWorkers } from '../../worker/migration-workers.ts';
import { startWorkers } from '../../worker/start-workers.ts';
import { ensureWebBuilt } from '../ensure-web-built.ts';
import { loadConfigOrExit } from '../load-config.ts';
import { VERSION } from '../package-info.ts';
import { openRuntime } from '../runtime.ts';
import { onShutdownSignal } from '../shutdown.ts';

const ROLES = {
  start: {
    server: true,
    workers: true,
    description: 'Run the API server, the web console and the job workers in one process',
  },
  server: {
    server: true,
    workers: false,
    description: 'Run the API server and web console only (workers run elsewhere)',
  },
  worker: {
    server: false,
    workers: true,
    description: 'Run job workers only, for scale-out against a shared DATABASE_URL',
  },
} as const;

export function processCommand(role: keyof typeof ROLES): Command {
  return new Command(role).description(ROLES[role].description).action(async () => {
    const config = loadConfigOrExit();
    const logger = createLogger(config.logLevel);
    const runtime = await openRuntime(config, logger);
    const queue = await startJobQueue({
      url: runtime.url,
      supervise: true,
      onError: (error) => logger.error({ err: error }, 'job queue error'),
    });
    const workers = ROLES[role].workers
      ? [
          await startWorkers(queue, logger),
          await startMigrationWorkers({
            queue,
            db: runtime.database.db,
            sealer: runtime.sealer,
            logger,
            limits: MICROSOFT_LIMITS,
          }),
        ]
      : [];
    const server = ROLES[role].server
      ? await startServer({
          config,
          db: runtime.database.db,
          queue,
          logger,
          version: VERSION,
          webDir: await ensureWebBuilt(logger),
          announce: (line) => process.stdout.write(`${line}\n`),
        })
      : undefined;
    onShutdownSignal(logger, async () => {
      await server?.close();
      await Promise.all(workers.map((w) => w.stop()));
      await queue.stop({ graceful: true, timeout: 10_000 });
      await runtime.close();
    });
  });
}
