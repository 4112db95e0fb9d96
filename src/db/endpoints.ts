import { sql } from 'kysely';

import type { EndpointKind, M365Settings, ZimbraSettings } from '../domain/endpoint-settings.ts';
import type { Db } from './database.ts';
import type { EndpointsTable } from './schema-projects.ts';

import type { Selectable } from 'kysely';

export type EndpointSettings = ZimbraSettings | M365Settings;

export interface EndpointRecord {
  readonly id: string;
  readonly workgroupId: string;
  readonly name: string;
  readonly kind: EndpointKind;
  readonly settings: EndpointSettings;
  /** Sealed secret (Zimbra admin password or Client Secret); never leaves the server. */
  readonly secretSealed: string | null;
  readonly region: string | null;
  readonly validation: Record<string, unknown> | null;
  readonly validatedAt: Date | null;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function toEndpoint(row: Selectable<EndpointsTable>): EndpointRecord {
  return {
    id: row.id,
    workgroupId: row.workgroup_id,
    name: row.name,
    kind: row.kind as EndpointKind,
    settings: row.settings as unknown as EndpointSettings,
    secretSealed: row.secret_sealed,
    region: row.region,
    validation: row.validation,
    validatedAt: row.validated_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createEndpoint(
  db: Db,
  endpoint: {
    workgroupId: string;
    name: string;
    kind: EndpointKind;
    settings: EndpointSettings;
    secretSealed: string | null;
    createdBy: string;
  },
): Promise<EndpointRecord> {
  const row = await db
    .insertInto('endpoints')
    .values({
      workgroup_id: endpoint.workgroupId,
      name: endpoint.name,
      kind: endpoint.kind,
      settings: JSON.stringify(endpoint.settings),
      secret_sealed: endpoint.secretSealed,
      created_by: endpoint.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toEndpoint(row);
}

/** The endpoint if it belongs to the workgroup; undefined otherwise (never reveals another workgroup's). */
export async function findEndpoint(
  db: Db,
  workgroupId: string,
  id: string,
): Promise<EndpointRecord | undefined> {
  const row = await db
    .selectFrom('endpoints')
    .selectAll()
    .where('id', '=', id)
    .where('workgroup_id', '=', workgroupId)
    .executeTakeFirst();
  return row && toEndpoint(row);
}

/** A page of the workgroup's endpoints; `search` matches names case-insensitively, anywhere in the name. */
export async function listEndpoints(
  db: Db,
  workgroupId: string,
  query: { search?: string | undefined; kind?: EndpointKind | undefined; page: number; pageSize: number },
): Promise<{ endpoints: EndpointRecord[]; total: number }> {
  let base = db.selectFrom('endpoints').where('workgroup_id', '=', workgroupId);
  if (query.kind !== undefined) base = base.where('kind', '=', query.kind);
  if (query.search !== undefined && query.search !== '')
    base = base.where(sql<boolean>`lower(name) like ${`%${escapeLike(query.search.toLowerCase())}%`}`);
  const { total } = await base.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return { endpoints: rows.map(toEndpoint), total: Number(total) };
}

export async function updateEndpoint(
  db: Db,
  id: string,
  change: { name: string; settings: EndpointSettings; secretSealed: string | null; clearRegion: boolean },
): Promise<EndpointRecord> {
  const row = await db
    .updateTable('endpoints')
    .set({
      name: change.name,
      settings: JSON.stringify(change.settings),
      secret_sealed: change.secretSealed,
      updated_at: new Date(),
      ...(change.clearRegion ? { region: null, validation: null, validated_at: null } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toEndpoint(row);
}

export async function recordEndpointValidation(
  db: Db,
  id: string,
  result: { region: string | null; validation: Record<string, unknown> },
): Promise<void> {
  await db
    .updateTable('endpoints')
    .set({
      // A failed check keeps the region found earlier: it is the tenant's, not the check's.
      ...(result.region === null ? {} : { region: result.region }),
      validation: JSON.stringify(result.validation),
      validated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

/** Deletes an endpoint no project uses; false when a project still uses it. */
export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  const used = await db
    .selectFrom('projects')
    .select('id')
    .where((eb) => eb.or([eb('source_endpoint_id', '=', id), eb('destination_endpoint_id', '=', id)]))
    .limit(1)
    .executeTakeFirst();
  if (used !== undefined) return false;
  await db.deleteFrom('endpoints').where('id', '=', id).execute();
  return true;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
