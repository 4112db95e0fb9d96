import { describe, expect, it } from 'vitest';

import type { Clock } from '../domain/clock.ts';
import {
  compressLimits,
  createMailboxBudget,
  MICROSOFT_LIMITS,
  parseBudgetLimits,
  scaleLimits,
} from './mailbox-budget.ts';

/** Virtual time: sleeping advances the clock at once, so window arithmetic is tested exactly. */
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

const limits = {
  maxConcurrent: 4,
  maxRequests: 10,
  requestWindowMs: 1000,
  maxUploadBytes: 100,
  uploadWindowMs: 1000,
};

describe('mailbox budget', () => {
  it('never lets more than the concurrent limit run at once, and waiting for a slot is not throttling', async () => {
    const budget = createMailboxBudget(limits, fakeClock());
    let running = 0;
    let highest = 0;
    await Promise.all(
      Array.from({ length: 9 }, async () => {
        const release = await budget.acquire(0);
        running += 1;
        highest = Math.max(highest, running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running -= 1;
        release();
      }),
    );
    expect(highest).toBe(4);
    expect(budget.usage().throttledMs).toBe(0);
  });

  it('admits exactly the request budget per sliding window', async () => {
    const clock = fakeClock();
    const budget = createMailboxBudget(limits, clock);
    const admittedAt: number[] = [];
    for (let i = 0; i < 25; i++) {
      const release = await budget.acquire(0);
      admittedAt.push(clock.t);
      release();
    }
    expect(admittedAt.slice(0, 10).every((t) => t === 0)).toBe(true);
    expect(admittedAt.slice(10, 20).every((t) => t === 1000)).toBe(true);
    expect(admittedAt.slice(20).every((t) => t === 2000)).toBe(true);
    expect(budget.usage()).toMatchObject({ requests: 25, throttledMs: 2000 });
  });

  it('charges request bodies against the upload budget', async () => {
    const clock = fakeClock();
    const budget = createMailboxBudget(limits, clock);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      (await budget.acquire(40))();
      times.push(clock.t);
    }
    expect(times).toEqual([0, 0, 1000, 1000, 2000]);
    expect(budget.usage().uploadBytes).toBe(200);
  });

  it('lets a body larger than the whole budget through alone', async () => {
    const clock = fakeClock();
    const budget = createMailboxBudget(limits, clock);
    (await budget.acquire(10))();
    (await budget.acquire(500))();
    expect(clock.t).toBe(1000);
  });

  it('pauses the whole lane after Retry-After and reports the time waited', async () => {
    const clock = fakeClock();
    const budget = createMailboxBudget(limits, clock);
    budget.pause(2500);
    (await budget.acquire(0))();
    expect(clock.t).toBe(2500);
    expect(budget.usage().throttledMs).toBe(2500);
  });

  it('scales windows but keeps the counts', () => {
    expect(scaleLimits(MICROSOFT_LIMITS, 60)).toEqual({
      ...MICROSOFT_LIMITS,
      requestWindowMs: 10_000,
      uploadWindowMs: 5_000,
    });
    expect(() => scaleLimits(MICROSOFT_LIMITS, 0)).toThrow(RangeError);
  });

  it('counts a request from its answer, so a slow one never expires here before the server has it', async () => {
    const clock = fakeClock();
    const budget = createMailboxBudget({ ...limits, maxRequests: 1, maxUploadBytes: 40 }, clock);
    const slow = await budget.acquire(40);
    clock.t = 400; // the answer arrives 400 ms later; the server counted it somewhere in between
    slow();
    (await budget.acquire(40))();
    expect(clock.t).toBe(1400);
  });

  it('frees a quick request on time even behind a slow one admitted before it', async () => {
    const clock = fakeClock();
    const budget = createMailboxBudget(limits, clock);
    const slow = await budget.acquire(50);
    const quick = await budget.acquire(50);
    clock.t = 10;
    quick();
    clock.t = 300;
    slow();
    (await budget.acquire(50))();
    expect(clock.t).toBe(1010);
  });

  it("compresses budgets and windows alike, keeping Microsoft's rates and concurrency", () => {
    const compressed = compressLimits(MICROSOFT_LIMITS, 10);
    expect(compressed).toEqual({
      maxConcurrent: 4,
      maxRequests: 1000,
      requestWindowMs: 60_000,
      maxUploadBytes: 15 * 1024 * 1024,
      uploadWindowMs: 30_000,
    });
    expect(compressed.maxUploadBytes / compressed.uploadWindowMs).toBeCloseTo(
      MICROSOFT_LIMITS.maxUploadBytes / MICROSOFT_LIMITS.uploadWindowMs,
    );
  });

  it('parses the --graph-limits forms and refuses anything else with the forms it takes', () => {
    expect(parseBudgetLimits('microsoft')).toBe(MICROSOFT_LIMITS);
    expect(parseBudgetLimits('scaled:2.5')).toEqual(scaleLimits(MICROSOFT_LIMITS, 2.5));
    expect(parseBudgetLimits('compressed:10')).toEqual(compressLimits(MICROSOFT_LIMITS, 10));
    for (const bad of ['scaled:0', 'compressed:', 'fast', 'scaled:-1'])
      expect(() => parseBudgetLimits(bad)).toThrow(/"microsoft", "scaled:F" or "compressed:F"/);
  });
});
