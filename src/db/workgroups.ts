import type { Db } from './database.ts';

export interface Workgroup {
  readonly id: string;
  readonly name: string;
  readonly projectSharing: boolean;
}

export async function createWorkgroup(db: Db, name: string): Promise<Workgroup> {
  const row = await db.insertInto('workgroups').values({ name }).returningAll().executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, projectSharing: row.project_sharing };
}

export async function getWorkgroup(db: Db, id: string): Promise<Workgroup> {
  const row = await db.selectFrom('workgroups').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, projectSharing: row.project_sharing };
}
