import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { inject } from 'vitest';

import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { TEMPLATE_DATABASE, withDatabase } from './global-setup.ts';

export interface TestDatabase extends DatabaseHandle {
  /** The app role's URL, which `db` uses: what Ferry's processes may do, and no more. */
  readonly url: string;
  /** The owner role's URL (a superuser), for what only migrations may do. */
  readonly ownerUrl: string;
  readonly name: string;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database copied from the template, private to the caller, opened as the app role. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `ferry_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name} template ${TEMPLATE_DATABASE}`);
  const url = withDatabase(inject('postgresAppUrl'), name);
  const handle = openDatabase(url);
  return { ...handle, url, ownerUrl: withDatabase(inject('postgresAdminUrl'), name), name };
}

/**
 * An empty database (no migrations applied), for tests of migration itself. `url` is the owner
 * role (a superuser, as a single-role installation has it), `appUrl` the app role.
 */
export async function createEmptyDatabase(): Promise<{ url: string; appUrl: string; name: string }> {
  const name = `ferry_empty_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  return {
    url: withDatabase(inject('postgresAdminUrl'), name),
    appUrl: withDatabase(inject('postgresAppUrl'), name),
    name,
  };
}
