import { Command } from 'commander';

import { createLogger } from '../../config/logger.ts';
import { startJobQueue } from '../../db/job-queue.ts';
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
      // Each role loads only its own modules: a worker never loads the API server, nor a server the engine.
      if (ROLES[role].workers) {
        const { startWorkers } = await import('../../worker/start-workers.ts');
        const { startMigrationWorkers } = await import('../../worker/migration-workers.ts');
        const { MICROSOFT_LIMITS } = await import('../../graph/mailbox-budget.ts');
        const health = await startWorkers(queue, logger);
        stopSteps.push(() => health.stop());
        const migration = await startMigrationWorkers({
          db: runtime.database.db,
          sealer: runtime.sealer,
          logger,
          limits: MICROSOFT_LIMITS,
          outbound,
          maxMailboxes: config.workerMailboxes,
        });
        stopSteps.push(() => migration.stop());
      }
      if (ROLES[role].server) {
        const { startServer } = await import('../../api/start-server.ts');
        const { ensureWebBuilt } = await import('../ensure-web-built.ts');
        const { createMailer } = await import('../../mailer/create-mailer.ts');
        const server = await startServer({
          config,
          db: runtime.database.db,
          queue,
          logger,
          version: VERSION,
          webDir: await ensureWebBuilt(logger),
          sealer: runtime.sealer,
          mailer: await createMailer({
            smtpUrl: config.smtpUrl,
            dataDir: config.dataDir,
            from: config.mailFrom,
          }),
          outbound,
          announce: (line) => process.stdout.write(`${line}\n`),
        });
        stopSteps.push(() => server.close());
      }
    })();
    await startup;
  });
}
