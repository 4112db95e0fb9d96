import { describe, expect, it } from 'vitest';

import type { Clock } from '../domain/clock.ts';
import { createRateLimiter } from './rate-limiter.ts';

function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
      await Promise.resolve();
    },
  };
  return clock;
}

describe('Zimbra request rate limiter', () => {
  it('lets a burst up to the limit go at once, then never more than the limit in any second', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(3, clock);
    const starts: number[] = [];
    for (let i = 0; i < 8; i++) {
      await limiter.take('alice@example.com');
      starts.push(clock.t);
    }
    expect(starts).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000]);
    for (let i = 0; i < starts.length; i++) {
      expect(starts.filter((t) => t > starts[i]! - 1000 && t <= starts[i]!).length).toBeLessThanOrEqual(3);
    }
  });

  it('counts each account apart, as the DoSFilter keys on the account', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(2, clock);
    for (const account of ['a', 'a', 'b', 'b', 'c']) await limiter.take(account);
    expect(clock.t).toBe(0);
    await limiter.take('a');
    expect(clock.t).toBe(1000);
  });

  it('spreads requests that come slower than the limit without delaying them', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(2, clock);
    for (let i = 0; i < 5; i++) {
      await limiter.take('a');
      expect(clock.t).toBe(i * 600);
      clock.t += 600;
    }
  });
});
