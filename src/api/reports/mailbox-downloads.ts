import type { Db } from '../../db/database.ts';
import { runMailboxCounts, runMailboxFailures, runMailboxFolders } from '../../db/mailbox-downloads.ts';
import { mailboxPassHistory } from '../../db/project-passes.ts';
import { csvCell } from '../../domain/csv.ts';

export const DOWNLOAD_FORMATS = ['csv', 'jsonl'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

type Cell = string | number | boolean | null;
type DownloadRecord = Readonly<Record<string, Cell>>;

/** A download: its columns (the CSV header, the JSONL keys) and its records, produced as read. */
export interface Download {
  readonly columns: readonly string[];
  readonly records: AsyncIterable<DownloadRecord>;
}

const FAILURE_COLUMNS = [
  'pass',
  'passCreatedAt',
  'itemType',
  'folder',
  'itemId',
  'sizeBytes',
  'code',
  'message',
] as const;

/**
 * Every item failure of the mailbox over all its passes, oldest pass first. Subjects only when
 * the project logs subjects now (they are stored only when it did at the time of the pass).
 */
export function mailboxFailures(db: Db, projectMailboxId: string, logSubjects: boolean): Download {
  return {
    columns: logSubjects ? [...FAILURE_COLUMNS, 'subject'] : FAILURE_COLUMNS,
    records: (async function* () {
      const passes = (await mailboxPassHistory(db, projectMailboxId)).reverse();
      for (const pass of passes) {
        for await (const page of runMailboxFailures(db, pass.runMailboxId)) {
          for (const failure of page) {
            yield {
              pass: pass.pass,
              passCreatedAt: pass.createdAt.toISOString(),
              itemType: failure.itemType,
              folder: failure.folder,
              itemId: failure.sourceItemId,
              sizeBytes: failure.sizeBytes,
              code: failure.code,
              message: failure.message,
              ...(logSubjects ? { subject: failure.subject } : {}),
            };
          }
        }
      }
    })(),
  };
}

const LOG_COLUMNS = [
  'event',
  'pass',
  'runId',
  'createdAt',
  'startedAt',
  'finishedAt',
  'status',
  'folder',
  'itemType',
  'sourceItems',
  'migrated',
  'skipped',
  'failed',
  'bytes',
  'throttledSeconds',
  'error',
] as const;

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/**
 * The mailbox's log, oldest pass first: a `pass` line per pass (times, status, counts, throttled
 * time, the mailbox-level error) followed by a `folder` line per folder that pass planned.
 */
export function mailboxLog(db: Db, projectMailboxId: string): Download {
  const blank = Object.fromEntries(LOG_COLUMNS.map((c) => [c, null])) as Record<
    (typeof LOG_COLUMNS)[number],
    Cell
  >;
  return {
    columns: LOG_COLUMNS,
    records: (async function* () {
      const passes = (await mailboxPassHistory(db, projectMailboxId)).reverse();
      for (const pass of passes) {
        const counts = await runMailboxCounts(db, pass.runMailboxId);
        const common = { pass: pass.pass, runId: pass.runId };
        yield {
          ...blank,
          ...common,
          event: 'pass',
          createdAt: iso(pass.createdAt),
          startedAt: iso(pass.startedAt),
          finishedAt: iso(pass.finishedAt),
          status: pass.status,
          migrated: counts.migrated,
          skipped: counts.skipped,
          failed: counts.failed,
          bytes: counts.bytes,
          throttledSeconds: Math.round(counts.throttledMs / 1000),
          error: pass.error,
        };
        for (const folder of await runMailboxFolders(db, pass.runMailboxId)) {
          yield {
            ...blank,
            ...common,
            event: 'folder',
            status: folder.done ? 'done' : 'not_done',
            folder: folder.path,
            itemType: folder.itemType,
            sourceItems: folder.sourceCount,
            migrated: folder.migrated,
            skipped: folder.skipped,
            failed: folder.failed,
          };
        }
      }
    })(),
  };
}

/**
 * The download as text chunks: CSV through the project's CSV writer (formulas defused), with a
 * UTF-8 byte order mark so that Excel reads accents right; or one JSON object per line.
 */
export async function* encodeDownload(download: Download, format: DownloadFormat): AsyncGenerator<string> {
  const csvLine = (cells: readonly string[]) => `${cells.map(csvCell).join(',')}\r\n`;
  if (format === 'csv') yield '\uFEFF' + csvLine(download.columns);
  let chunk = '';
  for await (const record of download.records) {
    chunk +=
      format === 'csv'
        ? csvLine(download.columns.map((c) => String(record[c] ?? '')))
        : `${JSON.stringify(record)}\n`;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
