import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { migrateToLatest, openDatabase } from '../../src/db/database.ts';
import { MIGRATIONS } from '../../src/db/migrations/index.ts';
import { createEmptyDatabase, createTestDatabase } from '../support/test-database.ts';

describe('migrations', () => {
  it('are applied exactly once when several processes start at the same moment', async () => {
    const { url } = await createEmptyDatabase();
    const handles = Array.from({ length: 4 }, () => openDatabase(url));
    try {
      const applied = await Promise.all(handles.map((h) => migrateToLatest(h.db)));
      expect(applied.flat()).toEqual(Object.keys(MIGRATIONS));
      expect(applied.filter((a) => a.length > 0)).toHaveLength(1);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });

  it('keep the audit log append-only even for the owner role', async () => {
    const app = await createTestDatabase();
    await app.close();
    const database = openDatabase(app.ownerUrl);
    try {
      const { id } = await database.db
        .insertInto('workgroups')
        .values({ name: 'w' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await database.db
        .insertInto('audit_log')
        .values({ workgroup_id: id, agent_id: null, action: 'x', details: '{}' })
        .execute();
      await expect(sql`update audit_log set action = 'y'`.execute(database.db)).rejects.toThrow(
        /append-only/,
      );
      await expect(sql`delete from audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
    } finally {
      await database.close();
    }
  });
});
