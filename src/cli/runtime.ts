import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../db/database.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import type { Mailer, SecretSealer } from '../domain/ports.ts';
import { createMailer } from '../mailer/create-mailer.ts';
import { loadKeyRing } from '../secrets/master-key.ts';
import { createSecretBox } from '../secrets/secret-box.ts';

/**
 * What every Ferry process needs: the database (the configured one, or the embedded one in the
 * data dir), the credential sealer and the mailer.
 */
export interface Runtime {
  readonly url: string;
  readonly database: DatabaseHandle;
  readonly sealer: SecretSealer;
  readonly mailer: Mailer;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const sealer = createSecretBox(await loadKeyRing(config.masterKey, config.dataDir));
  const mailer = await createMailer({
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    from: config.mailFrom,
  });
  let stopEmbedded: (() => Promise<void>) | undefined;
  let url = config.databaseUrl;
  if (url === undefined) {
    const started = performance.now();
    const pgLog = logger.child({ component: 'postgres' });
    const embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      onLog: (line) => pgLog.debug(line),
    });
    logger.info({ ms: Math.round(performance.now() - started) }, 'embedded PostgreSQL started');
    url = embedded.url;
    stopEmbedded = () => embedded.stop();
  }
  const database = openDatabase(url, {
    // Only the message: pg's error carries the whole client object, which is noise in a log line.
    onError: (error) => logger.warn({ error: error.message }, 'database connection lost'),
  });
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (error) {
    await database.close();
    await stopEmbedded?.();
    throw error;
  }
  return {
    url,
    database,
    sealer,
    mailer,
    async close() {
      await database.close();
      if (stopEmbedded !== undefined) {
        await stopEmbedded();
        logger.info('embedded PostgreSQL stopped');
      }
    },
  };
}
