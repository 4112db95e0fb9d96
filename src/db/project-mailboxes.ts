import { sql } from 'kysely';

import { mailboxKey } from '../domain/mailbox-address.ts';
import { UNFINISHED_STATUSES } from '../domain/migration.ts';
import { ensureCustomerUsers } from './customers.ts';
import type { Db } from './database.ts';
import { escapeLike } from './endpoints.ts';

/** A mailbox's status as agents read it: its last pass's, or Not Started. */
export const PROJECT_MAILBOX_STATUSES = [
  'not_started',
  'queued',
  'running',
  'completed',
  'completed_with_errors',
  'failed',
  'stopped',
] as const;
export type ProjectMailboxStatus = (typeof PROJECT_MAILBOX_STATUSES)[number];

export const MAILBOX_SORTS = ['source', 'destination', 'status', 'created'] as const;
export type MailboxSort = (typeof MAILBOX_SORTS)[number];

export interface ProjectMailbox {
  readonly id: string;
  readonly projectId: string;
  readonly source: string;
  readonly destination: string;
  readonly hasSourcePassword: boolean;
  readonly status: ProjectMailboxStatus;
  readonly lastPass: string | null;
  readonly lastRunMailboxId: string | null;
  readonly lastError: string | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly scheduledAt: Date | null;
  readonly createdAt: Date;
}

export interface NewMailbox {
  readonly source: string;
  readonly destination: string;
  readonly sourcePasswordSealed?: string | null;
}

function displayStatus(runStatus: string | null): ProjectMailboxStatus {
  if (runStatus === null) return 'not_started';
  // A mailbox waiting for a free slot (or for its scheduled start) is queued, as far as agents are concerned.
  if (runStatus === 'waiting') return 'queued';
  return runStatus as ProjectMailboxStatus;
}

function runStatusesOf(status: ProjectMailboxStatus): string[] {
  return status === 'queued' ? ['waiting', 'queued'] : [status];
}

function mailboxQuery(db: Db) {
  return db
    .selectFrom('project_mailboxes as pm')
    .leftJoin('run_mailboxes as rm', 'rm.id', 'pm.last_run_mailbox_id')
    .leftJoin('project_passes as pp', 'pp.run_id', 'rm.run_id')
    .select([
      'pm.id',
      'pm.project_id',
      'pm.source',
      'pm.destination',
      'pm.source_password_sealed',
      'pm.last_run_mailbox_id',
      'pm.created_at',
      'rm.status as run_status',
      'rm.error',
      'rm.started_at',
      'rm.finished_at',
      'pp.pass',
      'pp.scheduled_at',
      'pp.launched_at',
    ]);
}

type MailboxRow = Awaited<ReturnType<ReturnType<typeof mailboxQuery>['executeTakeFirstOrThrow']>>;

function toMailbox(row: MailboxRow): ProjectMailbox {
  return {
    id: row.id,
    projectId: row.project_id,
    source: row.source,
    destination: row.destination,
    hasSourcePassword: row.source_password_sealed !== null,
    status: displayStatus(row.run_status),
    lastPass: row.pass,
    lastRunMailboxId: row.last_run_mailbox_id,
    lastError: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    scheduledAt: row.launched_at === null ? row.scheduled_at : null,
    createdAt: row.created_at,
  };
}

/**
 * Adds mailboxes to a project, all or none: a source already in the project refuses the whole
 * list with the lines concerned. The customer gains a user per new source address.
 */
export async function addMailboxes(
  db: Db,
  project: { id: string; workgroupId: string; customerId: string },
  mailboxes: readonly (NewMailbox & { line?: number })[],
): Promise<{ added: number } | { duplicates: { line: number; source: string }[] }> {
  return db.transaction().execute(async (trx) => {
    if (mailboxes.length === 0) return { added: 0 };
    const taken = await existingSources(
      trx,
      project.id,
      mailboxes.map((m) => m.source),
    );
    if (taken.size > 0) {
      return {
        duplicates: mailboxes
          .map((m, index) => ({ line: m.line ?? index + 1, source: m.source }))
          .filter((m) => taken.has(mailboxKey(m.source))),
      };
    }
    for (let i = 0; i < mailboxes.length; i += 1000) {
      await trx
        .insertInto('project_mailboxes')
        .values(
          mailboxes.slice(i, i + 1000).map((m) => ({
            project_id: project.id,
            source: m.source,
            destination: m.destination,
            source_key: mailboxKey(m.source),
            destination_key: mailboxKey(m.destination),
            source_password_sealed: m.sourcePasswordSealed ?? null,
          })),
        )
        .execute();
    }
    await ensureCustomerUsers(
      trx,
      project.workgroupId,
      project.customerId,
      mailboxes.map((m) => ({ email: m.source })),
    );
    return { added: mailboxes.length };
  });
}

export async function findMailbox(
  db: Db,
  projectId: string,
  id: string,
): Promise<ProjectMailbox | undefined> {
  const row = await mailboxQuery(db)
    .where('pm.project_id', '=', projectId)
    .where('pm.id', '=', id)
    .executeTakeFirst();
  return row && toMailbox(row);
}

export async function findMailboxBySource(
  db: Db,
  projectId: string,
  source: string,
): Promise<ProjectMailbox | undefined> {
  const row = await mailboxQuery(db)
    .where('pm.project_id', '=', projectId)
    .where('pm.source_key', '=', mailboxKey(source))
    .executeTakeFirst();
  return row && toMailbox(row);
}

export async function findMailboxes(
  db: Db,
  projectId: string,
  ids: readonly string[],
): Promise<(ProjectMailbox & { sourcePasswordSealed: string | null })[]> {
  if (ids.length === 0) return [];
  const rows = await mailboxQuery(db)
    .where('pm.project_id', '=', projectId)
    .where('pm.id', 'in', ids)
    .execute();
  return rows.map((r) => ({ ...toMailbox(r), sourcePasswordSealed: r.source_password_sealed }));
}

/** A page of a project's mailboxes, searched (source or destination, as `mailboxKey` folds case), filtered by status, sorted. */
export async function listMailboxes(
  db: Db,
  projectId: string,
  query: {
    search?: string | undefined;
    status?: ProjectMailboxStatus | undefined;
    sort: MailboxSort;
    order: 'asc' | 'desc';
    page: number;
    pageSize: number;
  },
): Promise<{ mailboxes: ProjectMailbox[]; total: number }> {
  let base = mailboxQuery(db).where('pm.project_id', '=', projectId);
  if (query.search !== undefined && query.search !== '') {
    const pattern = `%${escapeLike(mailboxKey(query.search))}%`;
    base = base.where(sql<boolean>`(pm.source_key like ${pattern} or pm.destination_key like ${pattern})`);
  }
  if (query.status === 'not_started') base = base.where('pm.last_run_mailbox_id', 'is', null);
  else if (query.status !== undefined) base = base.where('rm.status', 'in', runStatusesOf(query.status));
  const { total } = await base
    .clearSelect()
    .select(sql<string>`count(*)`.as('total'))
    .executeTakeFirstOrThrow();
  const sortColumn = {
    source: sql`pm.source_key`,
    destination: sql`pm.destination_key`,
    status: sql`coalesce(rm.status, '')`,
    created: sql`pm.created_at`,
  }[query.sort];
  const rows = await base
    .orderBy(sortColumn, query.order)
    .orderBy('pm.id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return { mailboxes: rows.map(toMailbox), total: Number(total) };
}

export async function updateMailbox(
  db: Db,
  projectId: string,
  id: string,
  change: { source: string; destination: string; sourcePasswordSealed?: string | null | undefined },
): Promise<'updated' | 'duplicate' | 'busy'> {
  return db.transaction().execute(async (trx) => {
    const current = await mailboxQuery(trx).where('pm.id', '=', id).forUpdate('pm').executeTakeFirstOrThrow();
    if (current.run_status !== null && UNFINISHED_STATUSES.includes(current.run_status as never))
      return 'busy';
    const clash = await trx
      .selectFrom('project_mailboxes')
      .select('id')
      .where('project_id', '=', projectId)
      .where('id', '!=', id)
      .where('source_key', '=', mailboxKey(change.source))
      .executeTakeFirst();
    if (clash !== undefined) return 'duplicate';
    await trx
      .updateTable('project_mailboxes')
      .set({
        source: change.source,
        destination: change.destination,
        source_key: mailboxKey(change.source),
        destination_key: mailboxKey(change.destination),
        ...(change.sourcePasswordSealed === undefined
          ? {}
          : { source_password_sealed: change.sourcePasswordSealed }),
      })
      .where('id', '=', id)
      .execute();
    return 'updated';
  });
}

/** Deletes a mailbox that is not in a pass now; its pass history stays with the runs. */
export async function deleteMailbox(db: Db, id: string): Promise<'deleted' | 'busy'> {
  return db.transaction().execute(async (trx) => {
    const current = await mailboxQuery(trx).where('pm.id', '=', id).forUpdate('pm').executeTakeFirstOrThrow();
    if (current.run_status !== null && UNFINISHED_STATUSES.includes(current.run_status as never))
      return 'busy';
    await trx.deleteFrom('project_mailboxes').where('id', '=', id).execute();
    return 'deleted';
  });
}

export async function countMailboxes(db: Db, projectId: string): Promise<number> {
  const { n } = await db
    .selectFrom('project_mailboxes')
    .select(sql<string>`count(*)`.as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Mailboxes in a pass now, or whose pass ended after `since`: what a live view must refresh. */
export async function activeMailboxes(db: Db, projectId: string, since: Date): Promise<ProjectMailbox[]> {
  const rows = await mailboxQuery(db)
    .where('pm.project_id', '=', projectId)
    .where((eb) => eb.or([eb('rm.status', 'in', UNFINISHED_STATUSES), eb('rm.finished_at', '>', since)]))
    .orderBy('pm.source')
    .limit(1000)
    .execute();
  return rows.map(toMailbox);
}

/** Which of `sources` the project already has, as their `mailboxKey`. */
export async function existingSources(
  db: Db,
  projectId: string,
  sources: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  // In slices, so that a list of 100,000 addresses never holds the event loop while it is encoded.
  for (let i = 0; i < sources.length; i += 5000) {
    const rows = await db
      .selectFrom('project_mailboxes')
      .select('source_key')
      .where('project_id', '=', projectId)
      .where('source_key', '=', sql<string>`any(${sources.slice(i, i + 5000).map(mailboxKey)})`)
      .execute();
    for (const row of rows) found.add(row.source_key);
  }
  return found;
}

/** First names of the customer's users with these emails (by `mailboxKey`), for Notify Users. */
export async function customerFirstNames(
  db: Db,
  customerId: string,
  emails: readonly string[],
): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .selectFrom('customer_users')
    .select(['email', 'first_name'])
    .where('customer_id', '=', customerId)
    .where('email', 'in', emails.map(mailboxKey))
    .where('first_name', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.email, r.first_name!]));
}

/** Which mailboxes' stored Zimbra passwords (regular-user mode): a project's, or those of every project on a source endpoint. */
export type SourcePasswordScope = { readonly projectId: string } | { readonly sourceEndpointId: string };

function withSourcePasswords(db: Db, scope: SourcePasswordScope) {
  const base = db.selectFrom('project_mailboxes').where('source_password_sealed', 'is not', null);
  return 'projectId' in scope
    ? base.where('project_id', '=', scope.projectId)
    : base.where(
        'project_id',
        'in',
        db.selectFrom('projects').select('id').where('source_endpoint_id', '=', scope.sourceEndpointId),
      );
}

export async function countSourcePasswords(db: Db, scope: SourcePasswordScope): Promise<number> {
  const { n } = await withSourcePasswords(db, scope)
    .select(sql<string>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Forgets the stored passwords; returns how many were cleared. */
export async function clearSourcePasswords(db: Db, scope: SourcePasswordScope): Promise<number> {
  const ids = withSourcePasswords(db, scope).select('id');
  const result = await db
    .updateTable('project_mailboxes')
    .set({ source_password_sealed: null })
    .where('id', 'in', ids)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
