import { GraphError } from './errors.ts';

/** Outlook's limits per app id and mailbox [D: Microsoft Graph throttling limits, Outlook service]. */
export const OUTLOOK_LIMITS = {
  concurrency: 4,
  requests: 10_000,
  requestWindowMs: 10 * 60_000,
  uploadBytes: 150 * 1024 * 1024,
  uploadWindowMs: 5 * 60_000,
} as const;

/** `microsoft`: Microsoft's numbers; `scaled`: same counts, windows divided by the factor; `off`: none. */
export type Limits = 'microsoft' | 'off' | { scaled: number };

export interface MailboxStats {
  requests: number;
  throttled429: number;
  bytesUploaded: number;
  maxConcurrency: number;
}

interface Lane {
  inFlight: number;
  requests: number[];
  requestsHead: number;
  uploads: { at: number; bytes: number }[];
}

export type Admission = { ok: true; release: () => void } | { ok: false; error: GraphError };

const seconds = (ms: number): string => String(Math.max(0.001, Math.round(ms) / 1000));

function throttled(message: string, retryAfterMs: number): GraphError {
  return new GraphError(429, 'ApplicationThrottled', message, { 'Retry-After': seconds(retryAfterMs) });
}

/** Per (app, mailbox) admission control: concurrency, a sliding request window and an upload budget. */
export class Throttle {
  readonly #lanes = new Map<string, Lane>();
  readonly #stats = new Map<string, MailboxStats>();
  readonly #enabled: boolean;
  readonly #scale: number;

  constructor(limits: Limits) {
    this.#enabled = limits !== 'off';
    this.#scale = typeof limits === 'object' ? limits.scaled : 1;
    if (!(this.#scale > 0)) throw new Error(`limits scale factor must be positive, got ${this.#scale}`);
  }

  /**
   * Admits one request of `app` to `mailbox` carrying `uploadBytes` (POST/PATCH/PUT body size).
   * Every call counts toward the request window, throttled ones included, as Microsoft documents.
   */
  admit(app: string, mailbox: string, uploadBytes: number): Admission {
    const now = Date.now();
    const lane = this.#lane(`${app}\n${mailbox}`, now);
    const stats = this.#statsFor(mailbox);
    stats.requests += 1;
    lane.requests.push(now);
    if (this.#enabled) {
      const error = this.#check(lane, now, uploadBytes);
      if (error !== undefined) {
        stats.throttled429 += 1;
        return { ok: false, error };
      }
    }
    lane.inFlight += 1;
    stats.maxConcurrency = Math.max(stats.maxConcurrency, lane.inFlight);
    if (uploadBytes > 0) {
      lane.uploads.push({ at: now, bytes: uploadBytes });
      stats.bytesUploaded += uploadBytes;
    }
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        lane.inFlight -= 1;
      },
    };
  }

  stats(): Record<string, MailboxStats> {
    return Object.fromEntries([...this.#stats].map(([mailbox, stats]) => [mailbox, { ...stats }]));
  }

  #check(lane: Lane, now: number, uploadBytes: number): GraphError | undefined {
    if (lane.inFlight >= OUTLOOK_LIMITS.concurrency) {
      return throttled('Application is over its MailboxConcurrency limit.', 1000 / this.#scale);
    }
    const requestWindow = OUTLOOK_LIMITS.requestWindowMs / this.#scale;
    const count = lane.requests.length - lane.requestsHead;
    if (count > OUTLOOK_LIMITS.requests) {
      const oldestToExpire = lane.requests[lane.requestsHead + count - OUTLOOK_LIMITS.requests] ?? now;
      return throttled(
        'Application is over its MailboxRequests limit.',
        oldestToExpire + requestWindow - now,
      );
    }
    const uploadWindow = OUTLOOK_LIMITS.uploadWindowMs / this.#scale;
    let used = lane.uploads.reduce((sum, upload) => sum + upload.bytes, 0);
    if (uploadBytes > 0 && used + uploadBytes > OUTLOOK_LIMITS.uploadBytes) {
      let wait = uploadWindow;
      for (const upload of lane.uploads) {
        used -= upload.bytes;
        wait = upload.at + uploadWindow - now;
        if (used + uploadBytes <= OUTLOOK_LIMITS.uploadBytes) break;
      }
      return throttled('Application is over its MailboxUploadSize limit.', wait);
    }
    return undefined;
  }

  #lane(key: string, now: number): Lane {
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = { inFlight: 0, requests: [], requestsHead: 0, uploads: [] };
      this.#lanes.set(key, lane);
    }
    const requestCutoff = now - OUTLOOK_LIMITS.requestWindowMs / this.#scale;
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
    const uploadCutoff = now - OUTLOOK_LIMITS.uploadWindowMs / this.#scale;
    lane.uploads = lane.uploads.filter((upload) => upload.at > uploadCutoff);
    return lane;
  }

  #statsFor(mailbox: string): MailboxStats {
    let stats = this.#stats.get(mailbox);
    if (stats === undefined) {
      stats = { requests: 0, throttled429: 0, bytesUploaded: 0, maxConcurrency: 0 };
      this.#stats.set(mailbox, stats);
    }
    return stats;
  }
}
