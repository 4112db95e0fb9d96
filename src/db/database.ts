import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';

import { coerceError } from '../domain/errors.ts';
import { grantAppRole, JOB_QUEUE_SCHEMA } from './database-roles.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  readonly db: Db;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export function openDatabase(
  url: string,
  options: { maxConnections?: number; onError?: (e: Error) => void } = {},
): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // An idle client losing its server (database restart, shutdown) must not crash the process.
  pool.on('error', (error) => options.onError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}

/** Any 64-bit number private to Ferry: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_ID = 0x4665727279n;

/**
 * Applies pending migrations. Safe when several processes start at once: they queue on a
 * PostgreSQL advisory lock, and the later ones find nothing left to do. With an app role (two-role
 * mode, `db` connected as the owner role), the app role's grants are applied afterwards under the
 * same lock, on every start.
 */
export async function migrateToLatest(db: Db, options: { appRole?: string } = {}): Promise<string[]> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(connection);
    try {
      const migrator = new Migrator({
        db: connection,
        provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) throw coerceError(error);
      // pg-boss installs itself into this schema; it is made here so that an app role that may not
      // create schemas can still install and upgrade pg-boss.
      const { rows } = await sql<{
        missing: boolean;
      }>`select to_regnamespace(${JOB_QUEUE_SCHEMA}) is null as missing`.execute(connection);
      if (rows[0]?.missing === true)
        await sql`create schema if not exists ${sql.id(JOB_QUEUE_SCHEMA)}`.execute(connection);
      if (options.appRole !== undefined) await grantAppRole(connection, options.appRole);
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(connection);
    }
  });
}
