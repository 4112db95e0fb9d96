import { randomUUID } from 'node:crypto';

import { type Clock, SYSTEM_CLOCK } from '../domain/clock.ts';
import { GraphRequestError, GraphUnavailableError, type GraphFailure } from './graph-error.ts';
import { type BudgetLimits, createMailboxBudget, type MailboxBudget } from './mailbox-budget.ts';

export interface GraphTransportOptions {
  /** Base URL without version, e.g. https://graph.microsoft.com (global), https://graph.microsoft.us, or an emulator. */
  readonly graphUrl: string;
  /** A valid access token; `forceRefresh` after a 401 InvalidAuthenticationToken. */
  readonly getToken: (forceRefresh: boolean) => Promise<string>;
  readonly limits: BudgetLimits;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  /** Attempts for 5xx and network failures (throttling has its own, larger allowance). */
  readonly maxAttempts?: number;
  readonly random?: () => number;
}

export interface GraphRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path under the base URL, starting with the version: `/v1.0/users/…`. */
  readonly path: string;
  /** The mailbox whose budget the call spends (UPN or id). */
  readonly mailbox: string;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * May the request be repeated when its outcome is unknown (timeout, reset, 500/504 after sending)?
   * Reads and PATCHes are; creates are not: the caller checks its idempotency stamp first.
   */
  readonly repeatable?: boolean;
}

export interface GraphResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly requestId: string | undefined;
}

export interface GraphStats {
  readonly requests: number;
  readonly throttled: number;
  readonly throttledWaitMs: number;
  readonly budgetWaitMs: number;
  readonly uploadBytes: number;
}

export interface GraphTransport {
  request<T>(request: GraphRequest): Promise<GraphResponse<T>>;
  stats(mailbox: string): GraphStats;
}

const THROTTLE_ATTEMPTS = 20;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 60_000;
/** When Microsoft throttles without Retry-After, wait this long before the first retry. */
const DEFAULT_RETRY_AFTER_MS = 2_000;

export function createGraphTransport(options: GraphTransportOptions): GraphTransport {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const doFetch = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 6;
  const budgets = new Map<string, MailboxBudget>();
  const counters = new Map<string, { throttled: number; throttledWaitMs: number }>();
  const baseUrl = options.graphUrl.replace(/\/$/, '');

  const lane = (mailbox: string) => {
    const key = mailbox.toLowerCase();
    let budget = budgets.get(key);
    if (budget === undefined) {
      budget = createMailboxBudget(options.limits, clock);
      budgets.set(key, budget);
      counters.set(key, { throttled: 0, throttledWaitMs: 0 });
    }
    return { budget, counter: counters.get(key)! };
  };

  async function request<T>(req: GraphRequest): Promise<GraphResponse<T>> {
    const { budget, counter } = lane(req.mailbox);
    const body = req.json === undefined ? undefined : JSON.stringify(req.json);
    const bodyBytes = body === undefined ? 0 : Buffer.byteLength(body);
    const repeatable =
      req.repeatable ?? (req.method === 'GET' || req.method === 'PATCH' || req.method === 'PUT');
    let failures = 0;
    let throttles = 0;
    let refreshedToken = false;
    for (;;) {
      const clientRequestId = randomUUID();
      const token = await options.getToken(false);
      const release = await budget.acquire(req.method === 'GET' || req.method === 'DELETE' ? 0 : bodyBytes);
      let response: Response;
      try {
        response = await doFetch(`${baseUrl}${req.path}`, {
          method: req.method,
          headers: {
            authorization: `Bearer ${token}`,
            'client-request-id': clientRequestId,
            prefer: 'IdType="ImmutableId"',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...req.headers,
          },
          ...(body === undefined ? {} : { body }),
        });
      } catch (cause) {
        release();
        failures += 1;
        if (!repeatable) {
          throw new GraphUnavailableError(
            `The connection to Microsoft Graph failed during ${req.method} ${req.path}.`,
            {
              mayHaveSucceeded: true,
              cause,
            },
          );
        }
        if (failures >= maxAttempts) {
          throw new GraphUnavailableError(
            `Microsoft Graph could not be reached after ${failures} attempts.`,
            {
              mayHaveSucceeded: false,
              cause,
            },
          );
        }
        await clock.sleep(backoff(failures, random));
        continue;
      }
      const text = await response.text().finally(release);
      const requestId = response.headers.get('request-id') ?? undefined;
      if (response.ok) {
        return {
          status: response.status,
          body: (text === '' ? undefined : JSON.parse(text)) as T,
          requestId,
        };
      }
      const failure = toFailure(req, response.status, text, requestId, clientRequestId);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));

      if (response.status === 429 || (response.status === 503 && retryAfterMs !== undefined)) {
        // The request was refused, not run: repeating it is always safe.
        throttles += 1;
        const wait = retryAfterMs ?? DEFAULT_RETRY_AFTER_MS * 2 ** Math.min(throttles - 1, 5);
        counter.throttled += 1;
        counter.throttledWaitMs += wait;
        if (throttles >= THROTTLE_ATTEMPTS) {
          throw new GraphUnavailableError(`Microsoft Graph kept throttling the mailbox ${req.mailbox}.`, {
            failure,
            mayHaveSucceeded: false,
            retryAfterMs: wait,
          });
        }
        budget.pause(wait);
        continue;
      }
      if (response.status === 401 && failure.graphCode === 'InvalidAuthenticationToken' && !refreshedToken) {
        refreshedToken = true;
        await options.getToken(true);
        continue;
      }
      if (response.status >= 500) {
        failures += 1;
        if (!repeatable && response.status !== 503) {
          throw new GraphUnavailableError('Microsoft Graph failed while handling a create.', {
            failure,
            mayHaveSucceeded: true,
          });
        }
        if (failures >= maxAttempts) {
          throw new GraphUnavailableError(`Microsoft Graph kept failing after ${failures} attempts.`, {
            failure,
            mayHaveSucceeded: !repeatable,
          });
        }
        await clock.sleep(retryAfterMs ?? backoff(failures, random));
        continue;
      }
      throw new GraphRequestError(failure, { user: req.mailbox });
    }
  }

  return {
    request,
    stats(mailbox) {
      const { budget, counter } = lane(mailbox);
      const usage = budget.usage();
      return {
        requests: usage.requests,
        throttled: counter.throttled,
        throttledWaitMs: counter.throttledWaitMs,
        budgetWaitMs: usage.waitedMs,
        uploadBytes: usage.uploadBytes,
      };
    },
  };
}

/** Exponential backoff with full jitter (1 s, 2 s, 4 s … capped at 60 s). */
function backoff(attempt: number, random: () => number): number {
  return Math.round(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
}

/** Retry-After in seconds, fractional allowed (Graph sends "2.128"), or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function toFailure(
  req: GraphRequest,
  status: number,
  text: string,
  requestId: string | undefined,
  clientRequestId: string,
): GraphFailure {
  let graphCode = `HTTP${status}`;
  let graphMessage = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as {
      error?: { code?: string; message?: string; innerError?: { 'request-id'?: string } };
    };
    graphCode = parsed.error?.code ?? graphCode;
    graphMessage = parsed.error?.message ?? graphMessage;
    requestId ??= parsed.error?.innerError?.['request-id'];
  } catch {
    // Not JSON (a gateway's HTML page): keep the start of the text.
  }
  return { status, graphCode, graphMessage, requestId, clientRequestId, method: req.method, path: req.path };
}
