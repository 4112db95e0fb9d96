import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';
import type { TestProject } from 'vitest/node';

import { migrateToLatest, openDatabase } from '../../src/db/database.ts';
import { EMBEDDED_APP_ROLE } from '../../src/db/database-roles.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test cluster's maintenance database as the owner role; test files clone the template from it. */
    postgresAdminUrl: string;
    /** The same database as the app role (no superuser, owns nothing), which Ferry's processes use. */
    postgresAppUrl: string;
  }
}

export const TEMPLATE_DATABASE = 'ferry_template';

/**
 * One real PostgreSQL for the whole integration run. The schema is migrated once into a template
 * database, with the app role's grants; each test file then gets its own copy (CREATE DATABASE …
 * TEMPLATE), which is cheap and fully isolated.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-test-pg-'));
  const cluster = await startEmbeddedPostgres({ dataDir, databaseName: 'postgres' });
  const teardown = async () => {
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const admin = new pg.Client({ connectionString: cluster.ownerUrl });
    await admin.connect();
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
    await admin.end();
    const template = openDatabase(withDatabase(cluster.ownerUrl, TEMPLATE_DATABASE));
    await migrateToLatest(template.db, { appRole: EMBEDDED_APP_ROLE });
    await template.close();
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide('postgresAdminUrl', cluster.ownerUrl);
  project.provide('postgresAppUrl', cluster.url);
  return teardown;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
