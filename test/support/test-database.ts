import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { inject } from 'vitest';

import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { TEMPLATE_DATABASE, withDatabase } from './global-setup.ts';

export interface TestDatabase extends DatabaseHandle {
  readonly url: string;
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

/** A fresh, migrated database copied from the template, private to the caller. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `ferry_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name} template ${TEMPLATE_DATABASE}`);
  const url = withDatabase(inject('postgresAdminUrl'), name);
  const handle = openDatabase(url);
  return { ...handle, url, name };
}

/** An empty database (no migrations applied), for tests of migration itself. */
export async function createEmptyDatabase(): Promise<{ url: string; name: string }> {
  const name = `ferry_empty_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  return { url: withDatabase(inject('postgresAdminUrl'), name), name };
}
