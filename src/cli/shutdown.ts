import type { Logger } from '../config/logger.ts';

/**
 * Runs `stop` once on the first SIGINT or SIGTERM, then exits. A second signal exits at once, for
 * an admin who does not want to wait for running jobs to reach a checkpoint.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A Ctrl-C in a terminal reaches the embedded PostgreSQL too (same process group): it closes
    // our connections while we drain. During shutdown that is expected, not a crash.
    process.on('uncaughtException', (error: Error & { code?: string }) => {
      if (error.code === '57P01' || /Connection terminated/i.test(error.message)) {
        logger.debug({ error: error.message }, 'database connection closed during shutdown');
        return;
      }
      logger.error({ err: error }, 'unexpected error during shutdown');
      process.exit(1);
    });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
