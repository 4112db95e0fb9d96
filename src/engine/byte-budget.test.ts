import { describe, expect, it } from 'vitest';

import { ByteBudget } from './byte-budget.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('byte budget', () => {
  it('never holds more than its limit, runs oversized work alone, and serves waiters in order', async () => {
    const budget = new ByteBudget(100);
    let held = 0;
    let peak = 0;
    const order: string[] = [];
    const job = (name: string, bytes: number) =>
      budget.run(bytes, async () => {
        held += Math.min(bytes, 100);
        peak = Math.max(peak, held);
        order.push(name);
        await tick();
        held -= Math.min(bytes, 100);
      });
    await Promise.all([job('a', 60), job('b', 30), job('huge', 500), job('c', 10), job('d', 50)]);
    expect(peak).toBeLessThanOrEqual(100);
    expect(order).toEqual(['a', 'b', 'huge', 'c', 'd']);
  });

  it('releases what a failed job reserved', async () => {
    const budget = new ByteBudget(10);
    await expect(budget.run(10, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await budget.run(10, () => Promise.resolve('ran'))).toBe('ran');
  });
});
