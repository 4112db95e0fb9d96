import { type Clock, SYSTEM_CLOCK } from '../domain/clock.ts';

/**
 * Microsoft's Outlook limits, per (app, mailbox), enforced on our side so that a migration runs at
 * the ceiling without being throttled (microsoft-graph.md §11):
 * - 4 concurrent requests,
 * - 10,000 requests per 10 minutes,
 * - 150 MB of request bodies (POST/PATCH/PUT) per 5 minutes.
 * A 429 or 503 with Retry-After pauses the whole mailbox lane, because every throttled call still
 * counts against the mailbox and immediate retries extend the penalty.
 */
export interface BudgetLimits {
  readonly maxConcurrent: number;
  readonly maxRequests: number;
  readonly requestWindowMs: number;
  readonly maxUploadBytes: number;
  readonly uploadWindowMs: number;
}

export const MICROSOFT_LIMITS: BudgetLimits = {
  maxConcurrent: 4,
  maxRequests: 10_000,
  requestWindowMs: 10 * 60 * 1000,
  maxUploadBytes: 150 * 1024 * 1024,
  uploadWindowMs: 5 * 60 * 1000,
};

/** The same limits with windows divided by `factor` (the emulator's `--limits scaled:F`). */
export function scaleLimits(limits: BudgetLimits, factor: number): BudgetLimits {
  if (!(factor > 0)) throw new RangeError(`the scale factor must be positive, got ${factor}`);
  return {
    ...limits,
    requestWindowMs: limits.requestWindowMs / factor,
    uploadWindowMs: limits.uploadWindowMs / factor,
  };
}

/**
 * Budgets and windows divided by `factor` (the emulator's `--limits compressed:F`): Microsoft's own
 * rates, with windows short enough that a benchmark spans many of them.
 */
export function compressLimits(limits: BudgetLimits, factor: number): BudgetLimits {
  const scaled = scaleLimits(limits, factor);
  return {
    ...scaled,
    maxRequests: Math.max(1, Math.round(limits.maxRequests / factor)),
    maxUploadBytes: Math.round(limits.maxUploadBytes / factor),
  };
}

/** `microsoft`, `scaled:F` or `compressed:F`, as `ferry migrate --graph-limits` takes them. */
export function parseBudgetLimits(value: string): BudgetLimits {
  if (value === 'microsoft') return MICROSOFT_LIMITS;
  const match = /^(scaled|compressed):(\d+(?:\.\d+)?)$/.exec(value);
  const factor = Number(match?.[2]);
  if (match === null || !(factor > 0)) {
    throw new RangeError(
      `Graph limits must be "microsoft", "scaled:F" or "compressed:F" with F > 0, not "${value}"`,
    );
  }
  return match[1] === 'scaled'
    ? scaleLimits(MICROSOFT_LIMITS, factor)
    : compressLimits(MICROSOFT_LIMITS, factor);
}

export interface BudgetUsage {
  /**
   * Milliseconds the mailbox was held back by its request or upload window or a Retry-After pause
   * (waiting for one of the concurrent slots is not counted: that is the normal pace).
   */
  readonly throttledMs: number;
  readonly requests: number;
  readonly uploadBytes: number;
}

export interface MailboxBudget {
  /** Waits until a request of `uploadBytes` body bytes may be sent; call the returned function when it is done. */
  acquire(uploadBytes: number): Promise<() => void>;
  /** Pauses every request of this mailbox for `ms` (server said Retry-After). */
  pause(ms: number): void;
  usage(): BudgetUsage;
}

interface WindowEntry {
  at: number;
  readonly amount: number;
}

/**
 * A sliding window of timestamped amounts, kept in time order. An entry is stamped when its
 * request is admitted and stamped again (moved to the end) when the answer arrives: Microsoft
 * counts a request when it receives it, which is somewhere in between, so our copy of an entry
 * never expires before the server's does. Stamping at admission alone lets a slow request expire
 * here first, and the request sent into that gap is answered 429.
 */
class SlidingWindow {
  readonly #windowMs: number;
  #entries: WindowEntry[] = [];
  #head = 0;
  #total = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  #expire(now: number): void {
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head]!.at <= now - this.#windowMs) {
      this.#total -= entries[this.#head]!.amount;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#head = 0;
    }
  }

  /** How long until `amount` more fits under `max` (0 when it fits now). */
  waitFor(now: number, amount: number, max: number): number {
    this.#expire(now);
    if (this.#total + amount <= max) return 0;
    // An amount larger than the whole budget would never fit: let it through alone in an empty window.
    if (amount > max && this.#total === 0) return 0;
    let excess = this.#total + amount - max;
    for (let i = this.#head; i < this.#entries.length; i++) {
      const entry = this.#entries[i]!;
      excess -= entry.amount;
      if (excess <= 0) return Math.max(1, entry.at + this.#windowMs - now);
    }
    return this.#windowMs;
  }

  add(now: number, amount: number): WindowEntry {
    const entry = { at: now, amount };
    this.#entries.push(entry);
    this.#total += amount;
    return entry;
  }

  /** The answer to `entry`'s request arrived at `now`: it counts from now on (still in order). */
  restamp(entry: WindowEntry, now: number): void {
    const index = this.#entries.indexOf(entry, this.#head);
    // Answered after a whole window: it expired here already, but the server may still count it.
    if (index < 0) this.#total += entry.amount;
    else this.#entries.splice(index, 1);
    entry.at = Math.max(entry.at, now);
    this.#entries.push(entry);
  }
}

interface Admitted {
  readonly request: WindowEntry;
  readonly upload?: WindowEntry;
}

export function createMailboxBudget(limits: BudgetLimits, clock: Clock = SYSTEM_CLOCK): MailboxBudget {
  const requests = new SlidingWindow(limits.requestWindowMs);
  const uploads = new SlidingWindow(limits.uploadWindowMs);
  let inFlight = 0;
  let pausedUntil = 0;
  let throttledMs = 0;
  let requestCount = 0;
  let uploadTotal = 0;
  const waiters: (() => void)[] = [];
  // Requests are admitted one at a time so that waiting requests keep their order.
  let admission: Promise<void> = Promise.resolve();

  const release = (entries: Admitted) => {
    const now = clock.now();
    requests.restamp(entries.request, now);
    if (entries.upload !== undefined) uploads.restamp(entries.upload, now);
    inFlight -= 1;
    waiters.shift()?.();
  };

  const admit = async (uploadBytes: number): Promise<Admitted> => {
    for (;;) {
      if (inFlight >= limits.maxConcurrent) {
        await new Promise<void>((resolve) => waiters.push(resolve));
        continue;
      }
      const now = clock.now();
      const wait = Math.max(
        pausedUntil - now,
        requests.waitFor(now, 1, limits.maxRequests),
        uploads.waitFor(now, uploadBytes, limits.maxUploadBytes),
      );
      if (wait <= 0) break;
      // Admissions run one at a time, so these sleeps never overlap and add up to wall time.
      throttledMs += wait;
      await clock.sleep(wait);
    }
    const now = clock.now();
    const entries: Admitted = {
      request: requests.add(now, 1),
      ...(uploadBytes > 0 ? { upload: uploads.add(now, uploadBytes) } : {}),
    };
    inFlight += 1;
    requestCount += 1;
    uploadTotal += uploadBytes;
    return entries;
  };

  return {
    async acquire(uploadBytes) {
      const turn = admission.then(() => admit(uploadBytes));
      admission = turn.then(
        () => undefined,
        () => undefined,
      );
      const entries = await turn;
      let released = false;
      return () => {
        if (!released) {
          released = true;
          release(entries);
        }
      };
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, clock.now() + ms);
    },
    usage: () => ({ throttledMs, requests: requestCount, uploadBytes: uploadTotal }),
  };
}
