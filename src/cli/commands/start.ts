import { Command } from 'commander';

import { createLogger } from '../../config/logger.ts';
import { startJobQueue } from '../../db/job-queue.ts';
import { ensureMigrationQueues } from '../../db/migration-store.ts';
import { startServer } from '../../api/start-server.ts';
import { MICROSOFT_LIMITS } from '../../graph/mailbox-budget.ts';
import { startMigrationWorkers } from '../../worker/migration-workers.ts';
import { startWorkers } from '../../worker/start-workers.ts';
import { ensureWebBuilt } from '../ensure-web-built.ts';
import { loadConfigOrExit } from '../load-config.ts';
import { outboundFor } from '../outbound.ts';
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
    // Stop steps, added as each part starts. A signal during startup waits for startup to settle,
    // then stops whatever did start, newest first.
    const stopSteps: (() => Promise<void>)[] = [];
    let startup: Promise<void> = Promise.resolve();
    onShutdownSignal(logger, async () => {
      await startup.catch(() => undefined);
      for (const step of stopSteps.reverse()) await step();
    });
    startup = (async () => {
      const outbound = outboundFor(config);
      stopSteps.push(() => outbound.close());
      const runtime = await openRuntime(config, logger);
      stopSteps.push(() => runtime.close());
      const queue = await startJobQueue({
        url: runtime.url,
        supervise: true,
        onError: (error) => logger.error({ err: error }, 'job queue error'),
      });
      stopSteps.push(() => queue.stop({ graceful: true, timeout: 10_000 }));
      await ensureMigrationQueues(queue);
      if (ROLES[role].workers) {
        const health = await startWorkers(queue, logger);
        stopSteps.push(() => health.stop());
        const migration = await startMigrationWorkers({
          queue,
          db: runtime.database.db,
          sealer: runtime.sealer,
          logger,
          limits: MICROSOFT_LIMITS,
          outbound,
        });
        stopSteps.push(() => migration.stop());
      }
      if (ROLES[role].server) {
        const server = await startServer({
          config,
          db: runtime.database.db,
          queue,
          logger,
          version: VERSION,
          webDir: await ensureWebBuilt(logger),
          sealer: runtime.sealer,
          mailer: runtime.mailer,
          outbound,
          announce: (line) => process.stdout.write(`${line}\n`),
        });
        stopSteps.push(() => server.close());
      }
    })();
    await startup;
  });
}
