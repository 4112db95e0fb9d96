import { describe, expect, it } from 'vitest';

import { MailboxError, TransientError, UserError } from '../domain/errors.ts';
import { ITEM_ATTEMPTS, type ItemAttempt, withItemRetries } from './item-retry.ts';

const failed = (error: Error) => ({ outcome: { failedWith: error.message } }) as never;

function run(script: readonly (Error | 'ok')[]) {
  const attempts: ItemAttempt[] = [];
  const waits: number[] = [];
  const result = withItemRetries(
    new AbortController().signal,
    (attempt) => {
      attempts.push(attempt);
      const next = script[attempt.number - 1] ?? 'ok';
      return next === 'ok'
        ? Promise.resolve({ outcome: { done: attempt.number } } as never)
        : Promise.reject(next);
    },
    failed,
    (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  );
  return { result, attempts, waits };
}

describe('withItemRetries', () => {
  it('tries a transient failure again after a growing wait, or as long as the server asked', async () => {
    const busy = new TransientError('GRAPH_UNAVAILABLE', 'busy', { retryAfterMs: 30_000 });
    const { result, waits } = run([new TransientError('X', 'cut'), busy, 'ok']);
    expect(await result).toEqual({ outcome: { done: 3 } });
    expect(waits).toEqual([2_000, 30_000]);
  });

  it('looks the item up on every try after a create whose outcome is unknown', async () => {
    const lost = new TransientError('GRAPH_UNAVAILABLE', 'lost', { details: { mayHaveSucceeded: true } });
    const { result, attempts } = run([lost, new TransientError('X', 'busy'), 'ok']);
    await result;
    expect(attempts.map((a) => a.outcomeUnknown)).toEqual([false, true, true]);
  });

  it('treats a connection cut while reading an answer as a transient failure with an unknown outcome', async () => {
    const terminated = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    const { result, attempts } = run([terminated, 'ok']);
    expect(await result).toEqual({ outcome: { done: 2 } });
    expect(attempts[1]?.outcomeUnknown).toBe(true);
  });

  it('gives up after a bounded number of tries with the last failure, never UNEXPECTED for the network', async () => {
    const { result, attempts } = run(Array.from({ length: 10 }, () => new TransientError('X', 'still busy')));
    expect(await result).toEqual({ outcome: { failedWith: 'still busy' } });
    expect(attempts).toHaveLength(ITEM_ATTEMPTS);
  });

  it('fails an item refusal at once and stops the mailbox on a MailboxError', async () => {
    const refused = run([new UserError('GRAPH_400', 'bad item')]);
    expect(await refused.result).toEqual({ outcome: { failedWith: 'bad item' } });
    expect(refused.attempts).toHaveLength(1);
    const full = run([new MailboxError('MAILBOX_FULL', 'full')]);
    await expect(full.result).rejects.toBeInstanceOf(MailboxError);
  });
});
