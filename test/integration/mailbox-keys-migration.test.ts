import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { describe, expect, it } from 'vitest';

import { migrateToLatest, openDatabase } from '../../src/db/database.ts';
import { MIGRATIONS } from '../../src/db/migrations/index.ts';
import { mailboxKey } from '../../src/domain/mailbox-address.ts';
import { createEmptyDatabase } from '../support/test-database.ts';

describe('migration 0009-mailbox-keys', () => {
  it('keys the mailboxes already stored, and keeps two the old index told apart both reachable', async () => {
    const { url } = await createEmptyDatabase();
    const database = openDatabase(url);
    const { db } = database;
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } });
      const { error } = await migrator.migrateTo('0005-pim-and-scheduling');
      expect(error).toBeUndefined();
      const { rows } = await sql<{ id: string }>`
        with w as (insert into workgroups (name) values ('w') returning id),
        c as (insert into customers (workgroup_id, company_name, primary_domain)
              select id, 'c', 'contoso.com' from w returning id),
        e as (insert into endpoints (workgroup_id, name, kind, settings)
              select id, 'e', 'zimbra', '{}' from w returning id)
        insert into projects (workgroup_id, name, customer_id, source_endpoint_id, destination_endpoint_id)
        select w.id, 'p', c.id, e.id, e.id from w, c, e returning id
      `.execute(db);
      const projectId = rows[0]!.id;
      // Fullwidth "ｂｅｎ" and "ben" were two rows for lower(); for mailboxKey they are one.
      for (const source of ['Ann@Zimbra.test', 'ｂｅｎ@zimbra.test', 'ben@zimbra.test'])
        await sql`
          insert into project_mailboxes (project_id, source, destination)
          values (${projectId}, ${source}, ${`X${source}`})
        `.execute(db);

      await migrateToLatest(db);

      const keyed = await db
        .selectFrom('project_mailboxes')
        .select(['id', 'source', 'source_key', 'destination_key'])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      const byKey = (source: string) => keyed.find((r) => r.source === source)!;
      expect(byKey('Ann@Zimbra.test')).toMatchObject({
        source_key: 'ann@zimbra.test',
        destination_key: 'xann@zimbra.test',
      });
      const ben = keyed.filter((r) => r.source !== 'Ann@Zimbra.test');
      expect(ben.map((r) => r.source_key.split('#')[0])).toEqual([
        mailboxKey('ben@zimbra.test'),
        mailboxKey('ben@zimbra.test'),
      ]);
      expect(ben[0]!.source_key).toBe('ben@zimbra.test');
      expect(ben[1]!.source_key).toBe(`ben@zimbra.test#${ben[1]!.id}`);
      await expect(
        sql`insert into project_mailboxes (project_id, source, destination, source_key, destination_key)
            values (${projectId}, 'ann@zimbra.test', 'a@b.c', 'ann@zimbra.test', 'a@b.c')`.execute(db),
      ).rejects.toThrow(/project_mailboxes_source_key/);
    } finally {
      await database.close();
    }
  });
});
