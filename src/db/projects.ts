import { type Selectable, sql } from 'kysely';

import type { AdvancedOptions } from '../domain/project-options.ts';
import type { NotifyTemplate } from '../domain/notify-template.ts';
import type { Db } from './database.ts';
import { escapeLike } from './endpoints.ts';
import type { ProjectsTable } from './schema-projects.ts';

export interface ProjectRecord {
  readonly id: string;
  readonly workgroupId: string;
  readonly name: string;
  readonly customerId: string;
  readonly sourceEndpointId: string;
  readonly destinationEndpointId: string;
  /** Saved options; fields missing here take their defaults. */
  readonly options: Partial<AdvancedOptions>;
  readonly notifyTemplate: NotifyTemplate | null;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Which projects an agent sees: the workgroup's, or only those it created (Project Sharing off, Agent role). */
export interface ProjectScope {
  readonly workgroupId: string;
  readonly onlyCreatedBy: string | undefined;
}

function toProject(row: Selectable<ProjectsTable>): ProjectRecord {
  return {
    id: row.id,
    workgroupId: row.workgroup_id,
    name: row.name,
    customerId: row.customer_id,
    sourceEndpointId: row.source_endpoint_id,
    destinationEndpointId: row.destination_endpoint_id,
    options: row.options,
    notifyTemplate: row.notify_template as NotifyTemplate | null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createProject(
  db: Db,
  project: {
    workgroupId: string;
    name: string;
    customerId: string;
    sourceEndpointId: string;
    destinationEndpointId: string;
    createdBy: string;
  },
): Promise<ProjectRecord> {
  const row = await db
    .insertInto('projects')
    .values({
      workgroup_id: project.workgroupId,
      name: project.name,
      customer_id: project.customerId,
      source_endpoint_id: project.sourceEndpointId,
      destination_endpoint_id: project.destinationEndpointId,
      created_by: project.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toProject(row);
}

function scoped(db: Db, scope: ProjectScope) {
  let query = db.selectFrom('projects').where('projects.workgroup_id', '=', scope.workgroupId);
  if (scope.onlyCreatedBy !== undefined) query = query.where('projects.created_by', '=', scope.onlyCreatedBy);
  return query;
}

export async function findProject(
  db: Db,
  scope: ProjectScope,
  id: string,
): Promise<ProjectRecord | undefined> {
  const row = await scoped(db, scope).selectAll().where('id', '=', id).executeTakeFirst();
  return row && toProject(row);
}

export async function listProjects(
  db: Db,
  scope: ProjectScope,
  query: { search?: string | undefined; page: number; pageSize: number },
): Promise<{ projects: (ProjectRecord & { mailboxCount: number })[]; total: number }> {
  let base = scoped(db, scope);
  if (query.search !== undefined && query.search !== '')
    base = base.where(sql<boolean>`lower(name) like ${`%${escapeLike(query.search.toLowerCase())}%`}`);
  const { total } = await base.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('projects')
    .select((eb) =>
      eb
        .selectFrom('project_mailboxes')
        .select(sql<string>`count(*)`.as('n'))
        .whereRef('project_mailboxes.project_id', '=', 'projects.id')
        .as('mailbox_count'),
    )
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return {
    projects: rows.map((r) => ({ ...toProject(r), mailboxCount: Number(r.mailbox_count ?? 0) })),
    total: Number(total),
  };
}

export async function updateProject(
  db: Db,
  id: string,
  change: { name: string; customerId: string; sourceEndpointId: string; destinationEndpointId: string },
): Promise<ProjectRecord> {
  const row = await db
    .updateTable('projects')
    .set({
      name: change.name,
      customer_id: change.customerId,
      source_endpoint_id: change.sourceEndpointId,
      destination_endpoint_id: change.destinationEndpointId,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toProject(row);
}

export async function saveProjectOptions(db: Db, id: string, options: AdvancedOptions): Promise<void> {
  await db
    .updateTable('projects')
    .set({ options: JSON.stringify(options), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function saveNotifyTemplate(db: Db, id: string, template: NotifyTemplate): Promise<void> {
  await db
    .updateTable('projects')
    .set({ notify_template: JSON.stringify(template) })
    .where('id', '=', id)
    .execute();
}

/** Deletes a project, its mailboxes and its pass links (cascade); the pass runs and the licence log stay. */
export async function deleteProject(db: Db, id: string): Promise<void> {
  await db.deleteFrom('projects').where('id', '=', id).execute();
}
