/**
 * Jetty DoSFilter as Zimbra configures it (zimbraHttpDosFilterMaxRequestsPerSec, delay -1 = reject):
 * a per-key ring of the last N request times; a request whose Nth predecessor is less than a second
 * old is rejected, and rejected requests count too, as in Jetty's RateTracker.
 */
export interface DosFilter {
  /** Records a request for `key` and tells whether it must be rejected with a bare 503. */
  reject(key: string, now: number): boolean;
}

export function createDosFilter(maxRequestsPerSec: number): DosFilter {
  const rings = new Map<string, { times: number[]; next: number }>();
  return {
    reject(key, now) {
      if (maxRequestsPerSec <= 0) return false;
      let ring = rings.get(key);
      if (!ring) {
        ring = { times: new Array<number>(maxRequestsPerSec).fill(0), next: 0 };
        rings.set(key, ring);
      }
      const oldest = ring.times[ring.next] ?? 0;
      ring.times[ring.next] = now;
      ring.next = (ring.next + 1) % maxRequestsPerSec;
      return oldest !== 0 && now - oldest < 1000;
    },
  };
}
