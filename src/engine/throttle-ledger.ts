/**
 * Hands out each mailbox's throttled time once. The destination counts it per mailbox for the
 * whole process, and several page jobs of one mailbox run at once: each taking the difference
 * over its own run would count the same waits several times.
 */
export interface ThrottleLedger {
  /** The part of `totalMs` (the mailbox's running total) not yet taken. */
  take(mailbox: string, totalMs: number): number;
}

export function createThrottleLedger(): ThrottleLedger {
  const taken = new Map<string, number>();
  return {
    take(mailbox, totalMs) {
      const before = taken.get(mailbox) ?? 0;
      taken.set(mailbox, Math.max(before, totalMs));
      return Math.max(0, totalMs - before);
    },
  };
}
