import { sql } from 'kysely';
import { fromKysely } from 'pg-boss';

import { LICENSED_PASSES } from '../domain/licences.ts';
import { UNFINISHED_STATUSES, type PassKind, type PassOptions } from '../domain/migration.ts';
import type { Db } from './database.ts';
import { ensureQueue, type JobQueue } from './job-queue.ts';
import { recordLicenceUse } from './licences.ts';
import { fillMailboxSlots } from './mailbox-slots.ts';
import { stopRunMailboxes } from './pass-runs.ts';

/** A pass started with a scheduled start is launched by this job at that time. */
export const LAUNCH_PASS_QUEUE = 'ferry.project-pass-launch';

export async function ensureLaunchQueue(queue: JobQueue): Promise<void> {
  await ensureQueue(queue, LAUNCH_PASS_QUEUE, { expireInSeconds: 60, retryLimit: 10 });
}

/**
 * Starts a pass of a project over some of its mailboxes, in one transaction: the run, its
 * mailboxes, the link to the project, and either the first mailboxes' jobs or the scheduled launch.
 */
export async function startProjectPass(
  db: Db,
  queue: JobQueue,
  pass: {
    projectId: string;
    name: string;
    options: PassOptions;
    endpointsSealed: string;
    maxConcurrent: number;
    mailboxes: readonly { id: string; source: string; destination: string }[];
    startedBy: string;
    scheduledAt: Date | undefined;
  },
): Promise<{ runId: string }> {
  return db.transaction().execute(async (trx) => {
    const { id: runId } = await trx
      .insertInto('pass_runs')
      .values({
        name: pass.name,
        pass: pass.options.pass,
        options: JSON.stringify(pass.options),
        endpoints_sealed: pass.endpointsSealed,
        max_concurrent: pass.maxConcurrent,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const startAfter =
      pass.scheduledAt !== undefined && pass.scheduledAt.getTime() > Date.now()
        ? pass.scheduledAt
        : undefined;
    const scheduled = startAfter !== undefined;
    await trx
      .insertInto('project_passes')
      .values({
        run_id: runId,
        project_id: pass.projectId,
        pass: pass.options.pass,
        started_by: pass.startedBy,
        scheduled_at: pass.scheduledAt ?? null,
        launched_at: scheduled ? null : new Date(),
      })
      .execute();
    for (const mailbox of pass.mailboxes) {
      const { id: runMailboxId } = await trx
        .insertInto('run_mailboxes')
        .values({ run_id: runId, source: mailbox.source, destination: mailbox.destination })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('project_run_mailboxes')
        .values({ run_mailbox_id: runMailboxId, project_mailbox_id: mailbox.id })
        .execute();
      await trx
        .updateTable('project_mailboxes')
        .set({ last_run_mailbox_id: runMailboxId })
        .where('id', '=', mailbox.id)
        .execute();
    }
    if (startAfter !== undefined) {
      await queue.send(LAUNCH_PASS_QUEUE, { runId }, { startAfter, db: fromKysely(trx) });
    } else {
      await fillMailboxSlots(trx, runId);
    }
    return { runId };
  });
}

/** The scheduled start of a pass: launches it once, however often the job runs. */
export async function launchScheduledPass(db: Db, runId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const launched = await trx
      .updateTable('project_passes')
      .set({ launched_at: new Date() })
      .where('run_id', '=', runId)
      .where('launched_at', 'is', null)
      .returning('run_id')
      .executeTakeFirst();
    if (launched === undefined) return false;
    await fillMailboxSlots(trx, runId);
    return true;
  });
}

/** Mailboxes of a project that are in a pass now (waiting, queued or running), among `ids`. */
export async function busyMailboxes(db: Db, projectId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('project_mailboxes as pm')
    .innerJoin('run_mailboxes as rm', 'rm.id', 'pm.last_run_mailbox_id')
    .select('pm.source')
    .where('pm.project_id', '=', projectId)
    .where('pm.id', 'in', ids)
    .where('rm.status', 'in', UNFINISHED_STATUSES)
    .execute();
  return rows.map((r) => r.source);
}

/**
 * Stops the current pass of these mailboxes. A pass whose scheduled start has not come yet is
 * stopped here without starting any of its other mailboxes.
 */
export async function stopProjectMailboxes(
  db: Db,
  projectId: string,
  mailboxIds: readonly string[],
  stoppedBy: string,
): Promise<number> {
  if (mailboxIds.length === 0) return 0;
  const rows = await db
    .selectFrom('project_mailboxes as pm')
    .innerJoin('run_mailboxes as rm', 'rm.id', 'pm.last_run_mailbox_id')
    .innerJoin('project_passes as pp', 'pp.run_id', 'rm.run_id')
    .select(['rm.id', 'pp.launched_at'])
    .where('pm.project_id', '=', projectId)
    .where('pm.id', 'in', mailboxIds)
    .where('rm.status', 'in', UNFINISHED_STATUSES)
    .execute();
  const notLaunched = rows.filter((r) => r.launched_at === null).map((r) => r.id);
  const launched = rows.filter((r) => r.launched_at !== null).map((r) => r.id);
  let stopped = 0;
  if (notLaunched.length > 0) {
    const result = await db
      .updateTable('run_mailboxes')
      .set({
        status: 'stopped',
        error: `STOPPED: stopped by ${stoppedBy} before its scheduled start.`,
        finished_at: new Date(),
      })
      .where('id', 'in', notLaunched)
      .where('status', 'in', UNFINISHED_STATUSES)
      .executeTakeFirst();
    stopped += Number(result.numUpdatedRows);
  }
  return stopped + (await stopRunMailboxes(db, launched, stoppedBy));
}

/**
 * Logs the licence use of every Pre-Stage or Full mailbox pass of the project that completed
 * (with or without errors), once; failed and stopped passes, and free passes, use nothing.
 */
export async function settleLicenceUses(db: Db, workgroupId: string, projectId: string): Promise<number> {
  const finished = await db
    .selectFrom('project_run_mailboxes as prm')
    .innerJoin('project_mailboxes as pm', 'pm.id', 'prm.project_mailbox_id')
    .innerJoin('run_mailboxes as rm', 'rm.id', 'prm.run_mailbox_id')
    .innerJoin('pass_runs as pr', 'pr.id', 'rm.run_id')
    .select(['prm.run_mailbox_id', 'rm.source', 'rm.status', 'pr.pass'])
    .where('pm.project_id', '=', projectId)
    .where('prm.licence_settled', '=', false)
    .where('rm.status', 'not in', UNFINISHED_STATUSES)
    .execute();
  let recorded = 0;
  for (const row of finished) {
    const uses =
      (LICENSED_PASSES as readonly string[]).includes(row.pass) &&
      (row.status === 'completed' || row.status === 'completed_with_errors');
    if (uses) {
      const outcome = await recordLicenceUse(db, {
        workgroupId,
        sourceEmail: row.source,
        runMailboxId: row.run_mailbox_id,
        pass: row.pass,
      });
      if (outcome === 'recorded') recorded++;
    }
    await db
      .updateTable('project_run_mailboxes')
      .set({ licence_settled: true })
      .where('run_mailbox_id', '=', row.run_mailbox_id)
      .execute();
  }
  return recorded;
}

export interface MailboxProgress {
  readonly itemsDone: number;
  readonly bytesDone: number;
  readonly itemsPlanned: number;
  readonly foldersDone: number;
  readonly foldersTotal: number;
}

/** Progress of run mailboxes: items and bytes done, items planned, folders done. */
export async function mailboxProgress(
  db: Db,
  runMailboxIds: readonly string[],
): Promise<Map<string, MailboxProgress>> {
  const progress = new Map<string, MailboxProgress>();
  if (runMailboxIds.length === 0) return progress;
  const items = await db
    .selectFrom('run_items')
    .select([
      'run_mailbox_id',
      sql<string>`count(*)`.as('items'),
      sql<string>`coalesce(sum(bytes), 0)`.as('bytes'),
    ])
    .where('run_mailbox_id', 'in', runMailboxIds)
    .groupBy('run_mailbox_id')
    .execute();
  const folders = await db
    .selectFrom('run_folders')
    .select([
      'run_mailbox_id',
      sql<string>`coalesce(sum(source_count), 0)`.as('planned'),
      sql<string>`count(*) filter (where done)`.as('done'),
      sql<string>`count(*)`.as('total'),
    ])
    .where('run_mailbox_id', 'in', runMailboxIds)
    .groupBy('run_mailbox_id')
    .execute();
  for (const id of runMailboxIds) {
    const i = items.find((r) => r.run_mailbox_id === id);
    const f = folders.find((r) => r.run_mailbox_id === id);
    progress.set(id, {
      itemsDone: Number(i?.items ?? 0),
      bytesDone: Number(i?.bytes ?? 0),
      itemsPlanned: Number(f?.planned ?? 0),
      foldersDone: Number(f?.done ?? 0),
      foldersTotal: Number(f?.total ?? 0),
    });
  }
  return progress;
}

export interface PassHistoryEntry {
  readonly runId: string;
  readonly runMailboxId: string;
  readonly pass: PassKind;
  readonly status: string;
  readonly error: string | null;
  readonly startedBy: string | null;
  readonly scheduledAt: Date | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** Every pass of one project mailbox, newest first. */
export async function mailboxPassHistory(db: Db, projectMailboxId: string): Promise<PassHistoryEntry[]> {
  const rows = await db
    .selectFrom('project_run_mailboxes as prm')
    .innerJoin('run_mailboxes as rm', 'rm.id', 'prm.run_mailbox_id')
    .innerJoin('project_passes as pp', 'pp.run_id', 'rm.run_id')
    .select([
      'rm.run_id',
      'rm.id',
      'pp.pass',
      'rm.status',
      'rm.error',
      'pp.started_by',
      'pp.scheduled_at',
      'pp.created_at',
      'rm.started_at',
      'rm.finished_at',
    ])
    .where('prm.project_mailbox_id', '=', projectMailboxId)
    .orderBy('pp.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    runId: r.run_id,
    runMailboxId: r.id,
    pass: r.pass as PassKind,
    status: r.status,
    error: r.error,
    startedBy: r.started_by,
    scheduledAt: r.scheduled_at,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  }));
}

/** The passes a project started, newest first, with how many of their mailboxes ended how. */
export async function projectPassHistory(db: Db, projectId: string, limit: number) {
  const rows = await db
    .selectFrom('project_passes as pp')
    .innerJoin('run_mailboxes as rm', 'rm.run_id', 'pp.run_id')
    .select([
      'pp.run_id',
      'pp.pass',
      'pp.started_by',
      'pp.scheduled_at',
      'pp.created_at',
      sql<Date | null>`min(rm.started_at)`.as('started_at'),
      sql<Date | null>`max(rm.finished_at)`.as('finished_at'),
    ])
    .where('pp.project_id', '=', projectId)
    .groupBy(['pp.run_id', 'pp.pass', 'pp.started_by', 'pp.scheduled_at', 'pp.created_at'])
    .orderBy('pp.created_at', 'desc')
    .limit(limit)
    .execute();
  const counts = await db
    .selectFrom('run_mailboxes')
    .select(['run_id', 'status', sql<string>`count(*)`.as('n')])
    .where(
      'run_id',
      'in',
      rows.length === 0 ? ['00000000-0000-0000-0000-000000000000'] : rows.map((r) => r.run_id),
    )
    .groupBy(['run_id', 'status'])
    .execute();
  return rows.map((r) => ({
    runId: r.run_id,
    pass: r.pass as PassKind,
    startedBy: r.started_by,
    scheduledAt: r.scheduled_at,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    mailboxes: Object.fromEntries(
      counts.filter((c) => c.run_id === r.run_id).map((c) => [c.status, Number(c.n)]),
    ),
  }));
}
