import { describe, expect, it } from 'vitest';

import { MAX_SIGN_IN_DELAY_MS, signInDelayMs } from './sign-in-delay.ts';

describe('signInDelayMs', () => {
  it('lets the first four failures pass, then doubles from one second', () => {
    expect([0, 1, 4].map(signInDelayMs)).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8].map(signInDelayMs)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never asks to wait longer than 15 minutes', () => {
    expect(signInDelayMs(15)).toBe(MAX_SIGN_IN_DELAY_MS);
    expect(signInDelayMs(10_000)).toBe(MAX_SIGN_IN_DELAY_MS);
  });
});
