import type { Db } from '../db/database.ts';
import { launchPassRun, mailboxStatuses, runProgress } from '../db/pass-runs.ts';
import { UNFINISHED_STATUSES } from '../domain/migration.ts';

export interface PassProgress {
  readonly items: number;
  readonly planned: number;
  readonly bytes: number;
  readonly mailboxesLeft: number;
}

const POLL_MS = 250;

/**
 * Starts a pass run (the database keeps at most its maximum of mailboxes in flight, largest first)
 * and resolves when every mailbox has finished; the mailboxes themselves run on the workers.
 */
export async function runPassToCompletion(options: {
  db: Db;
  runId: string;
  onProgress: ((progress: PassProgress) => void) | undefined;
}): Promise<void> {
  await launchPassRun(options.db, options.runId);
  for (;;) {
    const statuses = await mailboxStatuses(options.db, options.runId);
    const left = [...statuses.values()].filter((s) => UNFINISHED_STATUSES.includes(s)).length;
    if (options.onProgress !== undefined) {
      options.onProgress({ ...(await runProgress(options.db, options.runId)), mailboxesLeft: left });
    }
    if (left === 0) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
