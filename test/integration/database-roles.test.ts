import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrateToLatest, openDatabase } from '../../src/db/database.ts';
import { EMBEDDED_APP_ROLE, tamperProofWarning } from '../../src/db/database-roles.ts';
import { startJobQueue } from '../../src/db/job-queue.ts';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let workgroupId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ id: workgroupId } = await database.db
    .insertInto('workgroups')
    .values({ name: 'Evidence MSP' })
    .returning('id')
    .executeTakeFirstOrThrow());
  await database.db
    .insertInto('audit_log')
    .values({ workgroup_id: workgroupId, agent_id: null, action: 'agent.created', details: '{}' })
    .execute();
  await database.db
    .insertInto('licence_log')
    .values({ workgroup_id: workgroupId, event: 'granted', quantity: 10 })
    .execute();
});

afterAll(async () => {
  await database.close();
});

describe('the app role on the append-only logs', () => {
  it('is a plain login role, not the owner', async () => {
    const { rows } = await sql<{ user: string; rolsuper: boolean; owner: string }>`
      select current_user as user, r.rolsuper, pg_get_userbyid(c.relowner) as owner
        from pg_roles r, pg_class c
       where r.rolname = current_user and c.oid = 'audit_log'::regclass`.execute(database.db);
    expect(rows).toEqual([{ user: EMBEDDED_APP_ROLE, rolsuper: false, owner: 'ferry' }]);
    expect(await tamperProofWarning(database.db)).toBeUndefined();
  });

  it('adds and reads rows', async () => {
    const audit = await database.db.selectFrom('audit_log').select('action').execute();
    const licences = await database.db.selectFrom('licence_log').select('quantity').execute();
    expect(audit).toEqual([{ action: 'agent.created' }]);
    expect(licences).toEqual([{ quantity: 10 }]);
  });

  it.each([
    ['truncate audit_log', /permission denied/],
    ['truncate licence_log', /permission denied/],
    ['alter table audit_log disable trigger all', /must be owner/],
    ['alter table licence_log disable trigger all', /must be owner/],
    ['delete from audit_log', /permission denied/],
    ['update audit_log set action = $$rewritten$$', /permission denied/],
    ['update licence_log set quantity = 1000', /permission denied/],
    ['delete from licence_log', /permission denied/],
    ['drop table audit_log', /must be owner/],
    ['drop table licence_log cascade', /must be owner/],
    ['alter table audit_log owner to ferry_app', /must be owner/],
    ['select * from audit_log for update', /permission denied/],
  ])('refuses %s', async (statement, error) => {
    await expect(sql.raw(statement).execute(database.db)).rejects.toThrow(error);
    const { rows } = await sql<{ n: number }>`
      select (select count(*) from audit_log)::int + (select count(*) from licence_log)::int as n`.execute(
      database.db,
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('keeps its rights on the ordinary tables', async () => {
    await database.db
      .updateTable('workgroups')
      .set({ name: 'Renamed' })
      .where('id', '=', workgroupId)
      .execute();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`
      .execute(database.db)
      .catch((error: Error) => ({ rows: [{ n: error.message }] }));
    expect(rows[0]?.n).toMatch(/permission denied/);
  });
});

describe('the startup check', () => {
  it('names a superuser app role in one line', async () => {
    const owner = openDatabase(database.ownerUrl);
    try {
      expect(await tamperProofWarning(owner.db)).toBe(
        `audit log is not tamper-proof: the app role "ferry" is a superuser; see README 'Database roles'`,
      );
    } finally {
      await owner.close();
    }
  });
});

describe('a single-role database', () => {
  it('hands its job queue, jobs included, to the app role and keeps its audit log', async () => {
    const { url: ownerUrl, appUrl } = await createEmptyDatabase();
    const owner = openDatabase(ownerUrl);
    try {
      // As the version before two roles left it: one role migrated, ran pg-boss and wrote history.
      await migrateToLatest(owner.db);
      const oldQueue = await startJobQueue({ url: ownerUrl, supervise: false, onError: () => undefined });
      await oldQueue.createQueue('ferry.test-upgrade');
      const jobId = await oldQueue.send('ferry.test-upgrade', { n: 1 });
      await oldQueue.stop({ graceful: false });
      const { id } = await owner.db
        .insertInto('workgroups')
        .values({ name: 'Old' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await owner.db
        .insertInto('audit_log')
        .values({ workgroup_id: id, action: 'old', details: '{}' })
        .execute();

      expect(await migrateToLatest(owner.db, { appRole: EMBEDDED_APP_ROLE })).toEqual([]);

      const { rows: foreign } = await sql<{ name: string }>`
        select c.relname as name from pg_class c
         where c.relnamespace = 'pgboss'::regnamespace and c.relkind in ('r', 'p')
           and pg_get_userbyid(c.relowner) <> ${EMBEDDED_APP_ROLE}`.execute(owner.db);
      expect(foreign).toEqual([]);
      const app = openDatabase(appUrl);
      const queue = await startJobQueue({ url: appUrl, supervise: false, onError: () => undefined });
      try {
        expect((await queue.fetch('ferry.test-upgrade'))?.map((j) => j.id)).toEqual([jobId]);
        await queue.createQueue('ferry.test-after-upgrade');
        expect(await app.db.selectFrom('audit_log').select('action').execute()).toEqual([{ action: 'old' }]);
        await expect(sql`truncate audit_log`.execute(app.db)).rejects.toThrow(/permission denied/);
      } finally {
        await queue.stop({ graceful: false });
        await app.close();
      }
    } finally {
      await owner.close();
    }
  });
});
