import { afterEach, describe, expect, it, vi } from 'vitest';
import { OUTLOOK_LIMITS, Throttle } from './throttle.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('upload budget', () => {
  it('allows 150 MB per (scaled) 5 minutes per app and mailbox', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const throttle = new Throttle({ scaled: 10 });
    const chunk = 4 * 1024 * 1024;
    let admitted = 0;
    for (let i = 0; i < 40; i += 1) {
      const result = throttle.admit('app', 'alice', chunk);
      if (!result.ok) break;
      result.release();
      admitted += chunk;
    }
    expect(admitted).toBe(Math.floor(OUTLOOK_LIMITS.uploadBytes / chunk) * chunk);
    const refused = throttle.admit('app', 'alice', chunk);
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.error.headers['Retry-After']).toBe('30');
    expect(throttle.admit('other-app', 'alice', chunk).ok).toBe(true);
    vi.setSystemTime(30_001);
    expect(throttle.admit('app', 'alice', chunk).ok).toBe(true);
  });

  it('compressed:F divides budget and window alike, and counts each refusal by its reason', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const throttle = new Throttle({ compressed: 10 });
    const chunk = 1024 * 1024;
    let admitted = 0;
    for (let i = 0; i < 40; i += 1) {
      const result = throttle.admit('app', 'alice', chunk);
      if (!result.ok) break;
      result.release();
      admitted += chunk;
    }
    expect(admitted).toBe(15 * chunk);
    const held = [1, 2, 3, 4].map(() => throttle.admit('app', 'alice', 0));
    expect(held.every((h) => h.ok)).toBe(true);
    expect(throttle.admit('app', 'alice', 0).ok).toBe(false);
    vi.setSystemTime(30_001);
    for (const h of held) if (h.ok) h.release();
    expect(throttle.admit('app', 'alice', chunk).ok).toBe(true);
    expect(throttle.stats()['alice']).toMatchObject({
      throttled429: 2,
      throttledBy: { uploadBytes: 1, concurrency: 1, requests: 0 },
      bytesUploaded: 16 * chunk,
    });
  });
});
