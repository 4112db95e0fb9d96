import { sql } from 'kysely';

import { LARGE_MESSAGE_MIME_BYTES, type MailboxWork } from '../domain/duration-estimate.ts';
import type { Db } from './database.ts';

/** Listing more large messages per mailbox than this changes an estimate by nothing visible. */
const LARGE_LIST_LIMIT = 5_000;

export interface RemainingWork {
  readonly mailboxId: string;
  readonly source: string;
  /** False when no pass has listed the mailbox's folders yet: nothing is known of its size. */
  readonly known: boolean;
  /** What a Full pass still has to move: planned items not yet in the destination. */
  readonly work: MailboxWork;
}

const none = ['00000000-0000-0000-0000-000000000000'];

/**
 * What each mailbox still holds for a Full pass, from what earlier passes recorded: the latest
 * folder plan (Zimbra's item counts per folder) less the items already in the destination; mail
 * bytes from the sizes of the messages passes have seen (their mean for those not seen yet).
 */
export async function remainingWork(
  db: Db,
  projectId: string,
  mailboxIds: readonly string[] | undefined,
): Promise<RemainingWork[]> {
  let query = db
    .selectFrom('project_mailboxes')
    .select(['id', 'source', 'destination'])
    .where('project_id', '=', projectId)
    .orderBy(sql`lower(source)`);
  // One array parameter, however many mailboxes (PostgreSQL takes at most 65,535 parameters).
  if (mailboxIds !== undefined) query = query.where(sql<boolean>`id = any(${[...mailboxIds]}::uuid[])`);
  const mailboxes = await query.execute();
  const ids = mailboxes.length === 0 ? none : mailboxes.map((m) => m.id);
  const inIds = (column: string) => sql`${sql.ref(column)} = any(${ids}::uuid[])`;

  const plans = await sql<{ project_mailbox_id: string; item_type: string; folders: string; items: string }>`
    with latest as (
      select distinct on (prm.project_mailbox_id, rf.source_folder_id)
        prm.project_mailbox_id, rf.item_type, rf.source_count
      from run_folders rf
      join project_run_mailboxes prm on prm.run_mailbox_id = rf.run_mailbox_id
      join run_mailboxes rm on rm.id = rf.run_mailbox_id
      join pass_runs pr on pr.id = rm.run_id
      where ${inIds('prm.project_mailbox_id')}
      order by prm.project_mailbox_id, rf.source_folder_id, pr.created_at desc
    )
    select project_mailbox_id, item_type, count(*) as folders, coalesce(sum(source_count), 0) as items
    from latest group by 1, 2
  `.execute(db);

  // One row per source item ever seen: its size, and whether some pass put it in the destination.
  const items = await sql<{
    project_mailbox_id: string;
    item_type: string;
    present: string;
    seen_mail: string;
    seen_mail_bytes: string;
  }>`
    with seen as (
      select prm.project_mailbox_id, ri.item_type, ri.source_item_id, max(ri.bytes) as bytes,
        bool_or(ri.outcome = 'migrated' or (ri.outcome = 'skipped' and ri.code is null)) as present
      from run_items ri
      join project_run_mailboxes prm on prm.run_mailbox_id = ri.run_mailbox_id
      where ${inIds('prm.project_mailbox_id')}
      group by 1, 2, 3
    )
    select project_mailbox_id, item_type,
      count(*) filter (where present) as present,
      count(*) filter (where item_type = 'mail' and bytes > 0) as seen_mail,
      coalesce(sum(bytes) filter (where item_type = 'mail'), 0) as seen_mail_bytes
    from seen group by 1, 2
  `.execute(db);

  // Large messages not in the destination yet (failed, or seen by a Trial that skipped them).
  const large = await sql<{ project_mailbox_id: string; bytes: string }>`
    select project_mailbox_id, bytes from (
      select prm.project_mailbox_id, ri.source_item_id, max(ri.bytes) as bytes,
        bool_or(ri.outcome = 'migrated' or (ri.outcome = 'skipped' and ri.code is null)) as present,
        row_number() over (partition by prm.project_mailbox_id order by max(ri.bytes) desc) as n
      from run_items ri
      join project_run_mailboxes prm on prm.run_mailbox_id = ri.run_mailbox_id
      where ${inIds('prm.project_mailbox_id')} and ri.item_type = 'mail'
        and ri.bytes > ${LARGE_MESSAGE_MIME_BYTES}
      group by 1, 2
    ) s where not present and n <= ${LARGE_LIST_LIMIT}
  `.execute(db);

  const byMailboxType = <T extends { project_mailbox_id: string; item_type: string }>(rows: T[]) =>
    new Map(rows.map((r) => [`${r.project_mailbox_id} ${r.item_type}`, r]));
  const planRows = byMailboxType(plans.rows);
  const itemRows = byMailboxType(items.rows);
  const largeByMailbox = Map.groupBy(large.rows, (r) => r.project_mailbox_id);
  const foldersByMailbox = new Map<string, number>();
  for (const r of plans.rows)
    foldersByMailbox.set(
      r.project_mailbox_id,
      (foldersByMailbox.get(r.project_mailbox_id) ?? 0) + Number(r.folders),
    );

  return mailboxes.map((m) => {
    const planned = (type: string) => planRows.get(`${m.id} ${type}`);
    const seen = (type: string) => itemRows.get(`${m.id} ${type}`);
    const left = (type: string) =>
      Math.max(0, Number(planned(type)?.items ?? 0) - Number(seen(type)?.present ?? 0));
    const mail = seen('mail');
    const meanBytes =
      Number(mail?.seen_mail ?? 0) === 0 ? 0 : Number(mail!.seen_mail_bytes) / Number(mail!.seen_mail);
    const messages = left('mail');
    return {
      mailboxId: m.id,
      source: m.source,
      known: foldersByMailbox.has(m.id),
      work: {
        mailbox: m.source,
        messages,
        messageBytes: Math.round(messages * meanBytes),
        largeMessageBytes: (largeByMailbox.get(m.id) ?? []).map((r) => Number(r.bytes)),
        contacts: left('contacts'),
        events: left('calendar'),
        tasks: left('tasks'),
        folders: foldersByMailbox.get(m.id) ?? 0,
      },
    };
  });
}

export interface FinishedPassWork {
  readonly runId: string;
  readonly pass: string;
  readonly maxConcurrent: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** What each mailbox of the pass moved. */
  readonly mailboxes: MailboxWork[];
}

/** The project's finished passes (newest first) with what each of their mailboxes moved. */
export async function finishedPassWork(
  db: Db,
  projectId: string,
  limit: number,
): Promise<FinishedPassWork[]> {
  const runs = await db
    .selectFrom('project_passes as pp')
    .innerJoin('pass_runs as pr', 'pr.id', 'pp.run_id')
    .innerJoin('run_mailboxes as rm', 'rm.run_id', 'pp.run_id')
    .select([
      'pp.run_id',
      'pp.pass',
      'pr.max_concurrent',
      'pp.created_at',
      sql<Date | null>`min(rm.started_at)`.as('started_at'),
      sql<Date | null>`max(rm.finished_at)`.as('finished_at'),
      sql<string>`count(*) filter (where rm.finished_at is null)`.as('unfinished'),
    ])
    .where('pp.project_id', '=', projectId)
    .groupBy(['pp.run_id', 'pp.pass', 'pr.max_concurrent', 'pp.created_at'])
    .orderBy('pp.created_at', 'desc')
    .limit(limit)
    .execute();
  const finished = runs.filter(
    (r) => Number(r.unfinished) === 0 && r.started_at !== null && r.finished_at !== null,
  );
  const runIds = finished.length === 0 ? none : finished.map((r) => r.run_id);
  const moved = await sql<{
    run_id: string;
    source: string;
    item_type: string;
    n: string;
    bytes: string;
    large: number[] | null;
  }>`
    select rm.run_id, rm.source, ri.item_type, count(*) as n, coalesce(sum(ri.bytes), 0) as bytes,
      array_agg(ri.bytes::float8) filter (where ri.bytes > ${LARGE_MESSAGE_MIME_BYTES}) as large
    from run_items ri join run_mailboxes rm on rm.id = ri.run_mailbox_id
    where rm.run_id = any(${runIds}::uuid[]) and ri.outcome in ('migrated', 'failed')
    group by 1, 2, 3
  `.execute(db);
  const folders = await sql<{ run_id: string; source: string; folders: string }>`
    select rm.run_id, rm.source, count(*) as folders
    from run_folders rf join run_mailboxes rm on rm.id = rf.run_mailbox_id
    where rm.run_id = any(${runIds}::uuid[]) group by 1, 2
  `.execute(db);
  const mailboxSources = await db
    .selectFrom('run_mailboxes')
    .select(['run_id', 'source'])
    .where('run_id', 'in', runIds)
    .execute();

  const movedRows = new Map(moved.rows.map((r) => [`${r.run_id} ${r.source} ${r.item_type}`, r]));
  const folderRows = new Map(folders.rows.map((r) => [`${r.run_id} ${r.source}`, Number(r.folders)]));
  const sourcesByRun = Map.groupBy(mailboxSources, (m) => m.run_id);
  return finished.map((run) => ({
    runId: run.run_id,
    pass: run.pass,
    maxConcurrent: run.max_concurrent,
    startedAt: run.started_at!,
    finishedAt: run.finished_at!,
    mailboxes: (sourcesByRun.get(run.run_id) ?? []).map((m) => {
      const of = (type: string) => movedRows.get(`${run.run_id} ${m.source} ${type}`);
      return {
        mailbox: m.source,
        messages: Number(of('mail')?.n ?? 0),
        messageBytes: Number(of('mail')?.bytes ?? 0),
        largeMessageBytes: of('mail')?.large ?? [],
        contacts: Number(of('contacts')?.n ?? 0),
        events: Number(of('calendar')?.n ?? 0),
        tasks: Number(of('tasks')?.n ?? 0),
        folders: folderRows.get(`${run.run_id} ${m.source}`) ?? 0,
      };
    }),
  }));
}
