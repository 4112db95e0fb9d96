import type { Db } from '../db/database.ts';
import type { JobQueue } from '../db/job-queue.ts';
import { enqueueMailboxStart, mailboxStatuses, runProgress } from '../db/pass-runs.ts';

export interface PassProgress {
  readonly items: number;
  readonly planned: number;
  readonly bytes: number;
  readonly mailboxesLeft: number;
}

const POLL_MS = 250;

/**
 * Runs a pass's mailboxes with at most `maxConcurrent` in flight (the seed guide recommends 5 for
 * Zimbra) and resolves when every mailbox has finished; the jobs themselves run on the workers.
 */
export async function runPassToCompletion(options: {
  db: Db;
  queue: JobQueue;
  runId: string;
  mailboxIds: readonly string[];
  maxConcurrent: number;
  onProgress: ((progress: PassProgress) => void) | undefined;
}): Promise<void> {
  const pending = [...options.mailboxIds];
  const active = new Set<string>();
  for (;;) {
    const statuses = await mailboxStatuses(options.db, options.runId);
    for (const id of active) {
      const status = statuses.get(id);
      if (status !== 'queued' && status !== 'running') active.delete(id);
    }
    while (active.size < options.maxConcurrent && pending.length > 0) {
      const id = pending.shift()!;
      active.add(id);
      await enqueueMailboxStart(options.queue, id);
    }
    if (options.onProgress !== undefined) {
      options.onProgress({
        ...(await runProgress(options.db, options.runId)),
        mailboxesLeft: active.size + pending.length,
      });
    }
    if (active.size === 0 && pending.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
