import { describe, expect, it } from 'vitest';

import { Limiter } from './limiter.ts';

describe('Limiter', () => {
  it('runs at most its limit at once, in the order the tasks asked', async () => {
    const limiter = new Limiter(2);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const gates = Array.from({ length: 5 }, () => Promise.withResolvers<void>());
    const tasks = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await gate.promise;
        running -= 1;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    gates[0]!.resolve();
    for (const gate of gates.slice(2)) gate.resolve();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('frees the lane of a task that failed', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(() => Promise.resolve('next'))).toBe('next');
  });
});
