import type { Db } from './database.ts';

/** PostgreSQL's deadlock_detected and serialization_failure: it rolled the transaction back whole. */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/**
 * Runs `work` in a transaction, again when PostgreSQL aborted it to break a deadlock or a
 * serialization conflict: the rollback undid everything, so running it again is safe. Pages and
 * mailboxes of one pass finish side by side and lock each other's rows (slots, counters).
 */
export async function retryTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!isRetryable(error) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt * Math.random() + 5));
    }
  }
}
