import { describe, expect, it } from 'vitest';

import { failedItemsSummary } from './failure-summary.ts';

describe('failedItemsSummary', () => {
  it('counts the failed items by code, the most frequent first', () => {
    expect(
      failedItemsSummary([
        { code: 'PARTLY_MIGRATED', count: 1 },
        { code: 'MESSAGE_TOO_LARGE', count: 2 },
      ]),
    ).toBe(
      'ITEMS_FAILED: 3 items could not be migrated (MESSAGE_TOO_LARGE ×2, PARTLY_MIGRATED ×1): fix what each reason names, then run Retry Errors.',
    );
  });

  it('names a single item and a failure without code', () => {
    expect(failedItemsSummary([{ code: null, count: 1 }])).toMatch(
      /^ITEMS_FAILED: 1 item could not be migrated \(UNKNOWN ×1\):/,
    );
  });
});
