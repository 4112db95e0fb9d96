import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../db/database.ts';
import { currentRole, tamperProofWarning } from '../db/database-roles.ts';
import type { SecretSealer } from '../domain/ports.ts';
import { loadKeyRing } from '../secrets/master-key.ts';
import { createSecretBox } from '../secrets/secret-box.ts';

/**
 * What every Ferry process needs: the database (the configured one, or the embedded one in the
 * data dir) and the credential sealer. The process works as the app role; the owner role, when
 * there is one, only migrates and grants, then its connection is closed.
 */
export interface Runtime {
  /** The app role's URL. */
  readonly url: string;
  readonly database: DatabaseHandle;
  readonly sealer: SecretSealer;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const sealer = createSecretBox(await loadKeyRing(config.masterKey, config.dataDir));
  let stopEmbedded: (() => Promise<void>) | undefined;
  let url = config.databaseUrl;
  let ownerUrl = config.databaseOwnerUrl;
  if (url === undefined) {
    const started = performance.now();
    const pgLog = logger.child({ component: 'postgres' });
    // Loaded only here: processes on a configured DATABASE_URL never need it.
    const { startEmbeddedPostgres } = await import('../db/embedded-postgres.ts');
    const embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      onLog: (line) => pgLog.debug(line),
    });
    logger.info({ ms: Math.round(performance.now() - started) }, 'embedded PostgreSQL started');
    url = embedded.url;
    ownerUrl = embedded.ownerUrl;
    stopEmbedded = () => embedded.stop();
  }
  const database = openDatabase(url, {
    // Only the message: pg's error carries the whole client object, which is noise in a log line.
    onError: (error) => logger.warn({ error: error.message }, 'database connection lost'),
  });
  try {
    const applied = await migrate(database, ownerUrl);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const warning = await tamperProofWarning(database.db);
    if (warning !== undefined) logger.warn(warning);
  } catch (error) {
    await database.close();
    await stopEmbedded?.();
    throw error;
  }
  return {
    url,
    database,
    sealer,
    async close() {
      await database.close();
      if (stopEmbedded !== undefined) {
        await stopEmbedded();
        logger.info('embedded PostgreSQL stopped');
      }
    },
  };
}

/** Migrations and grants as the owner role; with no owner role, the one role does it all. */
async function migrate(app: DatabaseHandle, ownerUrl: string | undefined): Promise<string[]> {
  if (ownerUrl === undefined) return migrateToLatest(app.db);
  const appRole = await currentRole(app.db);
  const owner = openDatabase(ownerUrl, { maxConnections: 1 });
  try {
    return await migrateToLatest(owner.db, { appRole });
  } finally {
    await owner.close();
  }
}
