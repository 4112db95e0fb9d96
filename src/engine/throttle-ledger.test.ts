import { describe, expect, it } from 'vitest';

import { createThrottleLedger } from './throttle-ledger.ts';

describe('throttle ledger', () => {
  it('gives each millisecond of a mailbox to one page only, however the pages overlap', () => {
    const ledger = createThrottleLedger();
    // Two pages of alice run side by side while her total grows 0 → 300 → 500.
    expect(ledger.take('alice', 300)).toBe(300);
    expect(ledger.take('alice', 300)).toBe(0);
    expect(ledger.take('alice', 500)).toBe(200);
    expect(ledger.take('bob', 50)).toBe(50);
    expect(ledger.take('alice', 400)).toBe(0);
  });
});
