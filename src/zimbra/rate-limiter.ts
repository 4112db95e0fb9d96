import type { Clock } from '../domain/clock.ts';

/** Spaces requests per key (account) so that no key exceeds `perSecond` requests in any second. */
export interface RateLimiter {
  take(key: string): Promise<void>;
}

export function createRateLimiter(perSecond: number, clock: Clock): RateLimiter {
  if (!(perSecond > 0)) throw new RangeError(`the request rate must be positive, got ${perSecond}`);
  const intervalMs = 1000 / perSecond;
  const nextSlot = new Map<string, number>();
  return {
    async take(key) {
      const now = clock.now();
      const slot = Math.max(now, nextSlot.get(key) ?? now);
      nextSlot.set(key, slot + intervalMs);
      if (slot > now) await clock.sleep(slot - now);
    },
  };
}
