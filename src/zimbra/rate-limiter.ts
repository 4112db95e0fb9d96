import type { Clock } from '../domain/clock.ts';

/**
 * At most `perSecond` requests per key (account) in any one-second window: the rule Zimbra's
 * DoSFilter itself applies (it remembers each account's last N request times and refuses the next
 * while the oldest is under a second old). Requests within the limit go at once, unspaced.
 */
export interface RateLimiter {
  take(key: string): Promise<void>;
}

const WINDOW_MS = 1000;

export function createRateLimiter(perSecond: number, clock: Clock): RateLimiter {
  if (!(perSecond > 0)) throw new RangeError(`the request rate must be positive, got ${perSecond}`);
  const limit = Math.max(1, Math.floor(perSecond));
  // Each key's granted start times, in order; only the last `limit` matter.
  const granted = new Map<string, number[]>();
  return {
    async take(key) {
      const now = clock.now();
      const times = granted.get(key) ?? [];
      const oldest = times.length < limit ? undefined : times[times.length - limit];
      const slot = oldest === undefined ? now : Math.max(now, oldest + WINDOW_MS);
      times.push(slot);
      if (times.length > limit) times.splice(0, times.length - limit);
      granted.set(key, times);
      if (slot > now) await clock.sleep(slot - now);
    },
  };
}
