import { stat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { migrateToLatest, openDatabase } from '../../src/db/database.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { startJobQueue } from '../../src/db/job-queue.ts';
import { spawnFerry, waitForHealth, type FerryProcess } from '../support/ferry-process.ts';
import { createEmptyDatabase } from '../support/test-database.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-roles-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const WARNING = /audit log is not tamper-proof/;
/** Each test starts real Ferry processes (and PostgreSQL clusters) on a CPU other test files share. */
const PROCESS_TEST_MS = 90_000;

/** Runs a query as the owner role on a database, for looking at what a Ferry process did. */
async function asOwner<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** The roles of every other session on the database: the running Ferry's connections. */
const SESSIONS = `
  select distinct a.usename as role, r.rolsuper as superuser
    from pg_stat_activity a join pg_roles r on r.rolname = a.usename
   where a.datname = current_database() and a.backend_type = 'client backend' and a.pid <> pg_backend_pid()`;

/** Owners of the audit log and of the job queue's tables. */
const OWNERS = `
  select distinct case when c.relnamespace = 'pgboss'::regnamespace then 'pgboss' else c.relname::text end as what,
         pg_get_userbyid(c.relowner) as owner
    from pg_class c
   where c.relkind in ('r', 'p') and (c.relname in ('audit_log', 'licence_log') or c.relnamespace = 'pgboss'::regnamespace)
   order by 1`;

async function startedOn(dataDir: string): Promise<{ ferry: FerryProcess; url: string }> {
  const ferry = spawnFerry(['start'], { FERRY_DATA_DIR: dataDir, PORT: '0' });
  const [, url = ''] = await ferry.waitFor(/listening on (http:\/\/\S+)/);
  expect(await waitForHealth(url)).toMatchObject({ db: { status: 'ok' }, queue: { status: 'ok' } });
  return { ferry, url };
}

describe('ferry start on the embedded database', () => {
  it(
    'works as the app role, which is no superuser and owns neither log',
    async () => {
      const dataDir = await tempDir();
      const { ferry } = await startedOn(dataDir);
      // Attaches to the running Ferry's PostgreSQL, as `ferry admin create` would.
      const { ownerUrl } = await startEmbeddedPostgres({ dataDir });
      expect(await asOwner(ownerUrl, SESSIONS)).toEqual([{ role: 'ferry_app', superuser: false }]);
      expect(await asOwner(ownerUrl, OWNERS)).toEqual([
        { what: 'audit_log', owner: 'ferry' },
        { what: 'licence_log', owner: 'ferry' },
        { what: 'pgboss', owner: 'ferry_app' },
      ]);
      expect((await stat(path.join(dataDir, 'postgres-app.password'))).mode & 0o777).toBe(0o600);
      expect(await ferry.stop('SIGINT')).toBe(0);
      expect(ferry.stderr()).not.toMatch(WARNING);
    },
    PROCESS_TEST_MS,
  );

  it(
    'upgrades a data dir of the single-role version without losing its history or its jobs',
    async () => {
      const dataDir = await tempDir();
      // What the version before two roles left behind: one superuser migrated, ran pg-boss and wrote history.
      const old = await startEmbeddedPostgres({ dataDir });
      const owner = openDatabase(old.ownerUrl);
      await migrateToLatest(owner.db);
      const queue = await startJobQueue({ url: old.ownerUrl, supervise: false, onError: () => undefined });
      await queue.createQueue('ferry.before-upgrade');
      const jobId = await queue.send('ferry.before-upgrade', {});
      await queue.stop({ graceful: false });
      const { id } = await owner.db
        .insertInto('workgroups')
        .values({ name: 'Before the upgrade' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await owner.db
        .insertInto('audit_log')
        .values({ workgroup_id: id, action: 'old', details: '{}' })
        .execute();
      await sql`drop role ferry_app`.execute(owner.db);
      await owner.close();
      await old.stop();
      await rm(path.join(dataDir, 'postgres-app.password'));

      const { ferry } = await startedOn(dataDir);
      const { ownerUrl } = await startEmbeddedPostgres({ dataDir });
      expect(await asOwner(ownerUrl, SESSIONS)).toEqual([{ role: 'ferry_app', superuser: false }]);
      expect(await asOwner(ownerUrl, OWNERS)).toEqual([
        { what: 'audit_log', owner: 'ferry' },
        { what: 'licence_log', owner: 'ferry' },
        { what: 'pgboss', owner: 'ferry_app' },
      ]);
      expect(await asOwner(ownerUrl, 'select action from audit_log')).toEqual([{ action: 'old' }]);
      expect(
        await asOwner(ownerUrl, `select id from pgboss.job where name = 'ferry.before-upgrade'`),
      ).toEqual([{ id: jobId }]);
      expect(await ferry.stop('SIGTERM')).toBe(0);
      expect(ferry.stderr()).not.toMatch(WARNING);
    },
    PROCESS_TEST_MS,
  );
});

describe('an external DATABASE_URL', () => {
  it(
    'warns in one line when its role is a superuser (one role for everything)',
    async () => {
      const { url } = await createEmptyDatabase();
      const worker = spawnFerry(['worker'], { DATABASE_URL: url, FERRY_DATA_DIR: await tempDir() });
      await waitForStderr(worker, WARNING);
      expect(await worker.stop('SIGTERM')).toBe(0);
      const warnings = worker
        .stderr()
        .split('\n')
        .filter((line) => line.includes('"level":40'))
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(warnings).toEqual([
        `audit log is not tamper-proof: the app role "ferry" is a superuser; see README 'Database roles'`,
      ]);
    },
    PROCESS_TEST_MS,
  );

  it(
    'migrates as DATABASE_OWNER_URL and runs a server and two workers as the app role',
    async () => {
      const { url: ownerUrl, appUrl } = await createEmptyDatabase();
      const env = { DATABASE_URL: appUrl, DATABASE_OWNER_URL: ownerUrl, FERRY_DATA_DIR: await tempDir() };
      const processes = [
        spawnFerry(['server'], { ...env, PORT: '0' }),
        spawnFerry(['worker'], env),
        spawnFerry(['worker'], env),
      ];
      const [, url = ''] = await processes[0]!.waitFor(/listening on (http:\/\/\S+)/);
      expect(await waitForHealth(url)).toMatchObject({ db: { status: 'ok' }, queue: { status: 'ok' } });
      expect(await asOwner(ownerUrl, SESSIONS)).toEqual([{ role: 'ferry_app', superuser: false }]);
      expect(await asOwner(ownerUrl, OWNERS)).toEqual([
        { what: 'audit_log', owner: 'ferry' },
        { what: 'licence_log', owner: 'ferry' },
        { what: 'pgboss', owner: 'ferry_app' },
      ]);
      expect(await Promise.all(processes.map((p) => p.stop('SIGTERM')))).toEqual([0, 0, 0]);
      const stderr = processes.map((p) => p.stderr()).join('');
      expect(stderr).not.toMatch(WARNING);
      expect(stderr).not.toMatch(/"level":50/);
    },
    PROCESS_TEST_MS,
  );
});

async function waitForStderr(process: FerryProcess, pattern: RegExp): Promise<void> {
  while (!pattern.test(process.stderr())) {
    if (process.child.exitCode !== null) throw new Error(`ferry exited:\n${process.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
