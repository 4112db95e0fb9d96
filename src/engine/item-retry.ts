import { setTimeout as sleep } from 'node:timers/promises';

import { coerceError, MailboxError, networkFailureIn, TransientError } from '../domain/errors.ts';
import type { ItemResult } from '../domain/migration-store.ts';

/** Tries of one item inside a pass before a transient failure becomes its failure row. */
export const ITEM_ATTEMPTS = 4;
const FIRST_WAIT_MS = 2_000;
const LONGEST_WAIT_MS = 60_000;

export interface ItemAttempt {
  /** 1 for the first try. */
  readonly number: number;
  /**
   * An earlier try sent a create whose outcome is unknown (its answer was lost): the item may exist,
   * so this try looks it up by its stamp before creating it again.
   */
  readonly outcomeUnknown: boolean;
}

/**
 * Runs one item's migration. A transient failure (the network, a busy or throttling server, an
 * answer lost after a create) is tried again inside the pass after 2, 4 and 8 s — or as long as the
 * server asked — so only a failure that persists becomes the item's failure row (`fail`). A
 * MailboxError concerns every item of the mailbox and is thrown on: it stops the mailbox.
 */
export async function withItemRetries(
  signal: AbortSignal,
  attempt: (attempt: ItemAttempt) => Promise<ItemResult>,
  fail: (error: Error) => ItemResult,
  wait: (ms: number, signal: AbortSignal) => Promise<void> = waitAbortably,
): Promise<ItemResult> {
  let outcomeUnknown = false;
  for (let number = 1; ; number++) {
    try {
      return await attempt({ number, outcomeUnknown });
    } catch (caught) {
      const error = networkFailureIn(caught) ?? coerceError(caught);
      if (error instanceof MailboxError) throw error;
      if (!(error instanceof TransientError) || number >= ITEM_ATTEMPTS || signal.aborted) return fail(error);
      outcomeUnknown ||= error.details['mayHaveSucceeded'] === true || error.code === 'NETWORK_ERROR';
      const backoff = FIRST_WAIT_MS * 2 ** (number - 1);
      await wait(Math.min(LONGEST_WAIT_MS, Math.max(backoff, error.retryAfterMs ?? 0)), signal);
      if (signal.aborted) return fail(error);
    }
  }
}

async function waitAbortably(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
