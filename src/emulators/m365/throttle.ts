import { GraphError } from './errors.ts';

/** Outlook's limits per app id and mailbox [D: Microsoft Graph throttling limits, Outlook service]. */
export const OUTLOOK_LIMITS = {
  concurrency: 4,
  requests: 10_000,
  requestWindowMs: 10 * 60_000,
  uploadBytes: 150 * 1024 * 1024,
  uploadWindowMs: 5 * 60_000,
} as const;

/**
 * `microsoft`: Microsoft's numbers; `off`: none; `scaled`: same budgets, windows divided by the
 * factor (time runs F× faster, so the rates are F× Microsoft's); `compressed`: budgets and windows
 * divided by the factor (Microsoft's own rates, with windows short enough for a benchmark).
 */
export type Limits = 'microsoft' | 'off' | { scaled: number } | { compressed: number };

type OutlookLimits = { -readonly [K in keyof typeof OUTLOOK_LIMITS]: number };

export function outlookLimits(limits: Exclude<Limits, 'off'>): OutlookLimits {
  if (limits === 'microsoft') return { ...OUTLOOK_LIMITS };
  const factor = 'scaled' in limits ? limits.scaled : limits.compressed;
  if (!(factor > 0)) throw new Error(`limits scale factor must be positive, got ${factor}`);
  const budgets = 'compressed' in limits ? factor : 1;
  return {
    concurrency: OUTLOOK_LIMITS.concurrency,
    requests: Math.max(1, Math.round(OUTLOOK_LIMITS.requests / budgets)),
    requestWindowMs: OUTLOOK_LIMITS.requestWindowMs / factor,
    uploadBytes: Math.round(OUTLOOK_LIMITS.uploadBytes / budgets),
    uploadWindowMs: OUTLOOK_LIMITS.uploadWindowMs / factor,
  };
}

export type ThrottleReason = 'concurrency' | 'requests' | 'uploadBytes';

export interface MailboxStats {
  requests: number;
  throttled429: number;
  throttledBy: Record<ThrottleReason, number>;
  bytesUploaded: number;
  /** Peak of one app's requests in flight at once (from arrival until the answer is written). */
  maxConcurrency: number;
  /** Requests in flight now, all apps. */
  inFlight: number;
  /** Service time the latency model added to this mailbox's requests, in milliseconds. */
  latencyMs: number;
}

interface Lane {
  inFlight: number;
  requests: number[];
  requestsHead: number;
  uploads: { at: number; bytes: number }[];
}

export type Admission =
  | {
      ok: true;
      /** Ends the request's time in flight (idempotent). */
      release: () => void;
      /** Adds body bytes the request carried beyond what it declared at arrival. */
      charge: (bytes: number) => void;
    }
  | { ok: false; error: GraphError };

const seconds = (ms: number): string => String(Math.max(0.001, Math.round(ms) / 1000));

interface Refusal {
  readonly reason: ThrottleReason;
  readonly error: GraphError;
}

function throttled(reason: ThrottleReason, message: string, retryAfterMs: number): Refusal {
  const headers = { 'Retry-After': seconds(retryAfterMs) };
  return { reason, error: new GraphError(429, 'ApplicationThrottled', message, headers) };
}

/** Per (app, mailbox) admission control: concurrency, a sliding request window and an upload budget. */
export class Throttle {
  readonly #lanes = new Map<string, Lane>();
  readonly #stats = new Map<string, MailboxStats>();
  readonly #enabled: boolean;
  readonly #limits: OutlookLimits;

  constructor(limits: Limits) {
    this.#enabled = limits !== 'off';
    this.#limits = outlookLimits(limits === 'off' ? 'microsoft' : limits);
  }

  /**
   * Admits one request of `app` to `mailbox` carrying `uploadBytes` (POST/PATCH/PUT body size, as
   * declared when the request arrives). It counts as in flight until `release`.
   * Every call counts toward the request window, throttled ones included, as Microsoft documents.
   */
  admit(app: string, mailbox: string, uploadBytes: number): Admission {
    const now = Date.now();
    const lane = this.#lane(`${app}\n${mailbox}`, now);
    const stats = this.#statsFor(mailbox);
    stats.requests += 1;
    lane.requests.push(now);
    if (this.#enabled) {
      const refusal = this.#check(lane, now, uploadBytes);
      if (refusal !== undefined) {
        stats.throttled429 += 1;
        stats.throttledBy[refusal.reason] += 1;
        return { ok: false, error: refusal.error };
      }
    }
    lane.inFlight += 1;
    stats.inFlight += 1;
    stats.maxConcurrency = Math.max(stats.maxConcurrency, lane.inFlight);
    const charge = (bytes: number): void => {
      if (bytes <= 0) return;
      lane.uploads.push({ at: Date.now(), bytes });
      stats.bytesUploaded += bytes;
    };
    charge(uploadBytes);
    let released = false;
    return {
      ok: true,
      charge,
      release: () => {
        if (released) return;
        released = true;
        lane.inFlight -= 1;
        stats.inFlight -= 1;
      },
    };
  }

  /** Records service time the latency model added to a request of `mailbox`. */
  served(mailbox: string, ms: number): void {
    this.#statsFor(mailbox).latencyMs += ms;
  }

  stats(): Record<string, MailboxStats> {
    return Object.fromEntries(
      [...this.#stats].map(([mailbox, stats]) => [
        mailbox,
        { ...stats, throttledBy: { ...stats.throttledBy } },
      ]),
    );
  }

  #check(lane: Lane, now: number, uploadBytes: number): Refusal | undefined {
    const limits = this.#limits;
    if (lane.inFlight >= limits.concurrency) {
      const scale = OUTLOOK_LIMITS.requestWindowMs / limits.requestWindowMs;
      return throttled('concurrency', 'Application is over its MailboxConcurrency limit.', 1000 / scale);
    }
    const requestWindow = limits.requestWindowMs;
    const count = lane.requests.length - lane.requestsHead;
    if (count > limits.requests) {
      const oldestToExpire = lane.requests[lane.requestsHead + count - limits.requests] ?? now;
      return throttled(
        'requests',
        'Application is over its MailboxRequests limit.',
        oldestToExpire + requestWindow - now,
      );
    }
    const uploadWindow = limits.uploadWindowMs;
    let used = lane.uploads.reduce((sum, upload) => sum + upload.bytes, 0);
    if (uploadBytes > 0 && used + uploadBytes > limits.uploadBytes) {
      let wait = uploadWindow;
      for (const upload of lane.uploads) {
        used -= upload.bytes;
        wait = upload.at + uploadWindow - now;
        if (used + uploadBytes <= limits.uploadBytes) break;
      }
      return throttled('uploadBytes', 'Application is over its MailboxUploadSize limit.', wait);
    }
    return undefined;
  }

  #lane(key: string, now: number): Lane {
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = { inFlight: 0, requests: [], requestsHead: 0, uploads: [] };
      this.#lanes.set(key, lane);
    }
    const requestCutoff = now - this.#limits.requestWindowMs;
    while (
      lane.requestsHead < lane.requests.length &&
      (lane.requests[lane.requestsHead] ?? now) <= requestCutoff
    ) {
      lane.requestsHead += 1;
    }
    if (lane.requestsHead > 4096 && lane.requestsHead * 2 > lane.requests.length) {
      lane.requests = lane.requests.slice(lane.requestsHead);
      lane.requestsHead = 0;
    }
    const uploadCutoff = now - this.#limits.uploadWindowMs;
    lane.uploads = lane.uploads.filter((upload) => upload.at > uploadCutoff);
    return lane;
  }

  #statsFor(mailbox: string): MailboxStats {
    let stats = this.#stats.get(mailbox);
    if (stats === undefined) {
      stats = {
        requests: 0,
        throttled429: 0,
        throttledBy: { concurrency: 0, requests: 0, uploadBytes: 0 },
        bytesUploaded: 0,
        maxConcurrency: 0,
        inFlight: 0,
        latencyMs: 0,
      };
      this.#stats.set(mailbox, stats);
    }
    return stats;
  }
}
