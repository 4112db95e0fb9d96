import { randomUUID } from 'node:crypto';

import { type Clock, SYSTEM_CLOCK } from '../domain/clock.ts';
import { MailboxError, UserError, userErrorIn } from '../domain/errors.ts';
import { GraphRequestError, GraphUnavailableError } from './graph-error.ts';
import { parseRetryAfter, toFailure } from './graph-answers.ts';
import { type BudgetLimits, createMailboxBudget, type MailboxBudget } from './mailbox-budget.ts';

export interface GraphTransportOptions {
  /** Base URL without version, e.g. https://graph.microsoft.com (global), https://graph.microsoft.us, or an emulator. */
  readonly graphUrl: string;
  /** A valid access token; `forceRefresh` after a 401 InvalidAuthenticationToken. */
  readonly getToken: (forceRefresh: boolean) => Promise<string>;
  readonly limits: BudgetLimits;
  readonly clock?: Clock;
  /** Ferry's outbound fetch (connection policy, timeouts); there is deliberately no default. */
  readonly fetch: typeof fetch;
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
  /** A binary body instead of JSON (a contact photo); its Content-Type goes in `headers`. */
  readonly bytes?: Uint8Array;
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
  /** Time the mailbox was held back: its windows kept full (client side) and Retry-After pauses. */
  readonly throttledWaitMs: number;
  readonly uploadBytes: number;
}

/**
 * One PUT of a byte range to an attachment upload session. The URL is pre-authenticated (it carries
 * its own token), so no Authorization header is sent; the bytes still count against the mailbox.
 */
export interface GraphUpload {
  readonly url: string;
  readonly mailbox: string;
  readonly bytes: Uint8Array;
  /** `bytes {first}-{last}/{total}`. */
  readonly contentRange: string;
}

export interface GraphUploadResponse<T> extends GraphResponse<T> {
  /** Set on the last range: the created attachment. */
  readonly location: string | undefined;
}

export interface GraphTransport {
  request<T>(request: GraphRequest): Promise<GraphResponse<T>>;
  upload<T>(upload: GraphUpload): Promise<GraphUploadResponse<T>>;
  stats(mailbox: string): GraphStats;
}

/** What the retry loop needs to know about one call, whichever kind. */
interface Exchange {
  readonly method: GraphRequest['method'];
  readonly url: string;
  /** The URL as errors show it: never the query of an upload URL, which holds its token. */
  readonly shownPath: string;
  readonly mailbox: string;
  /** Serialised once; its length is what counts against the mailbox's upload budget. */
  readonly body: Uint8Array | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly repeatable: boolean;
  readonly authenticated: boolean;
}

const THROTTLE_ATTEMPTS = 20;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 60_000;
/** When Microsoft throttles without Retry-After, wait this long before the first retry. */
const DEFAULT_RETRY_AFTER_MS = 2_000;

export { parseRetryAfter } from './graph-answers.ts';

export function createGraphTransport(options: GraphTransportOptions): GraphTransport {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const doFetch = options.fetch;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 6;
  const budgets = new Map<string, MailboxBudget>();
  const counters = new Map<string, { throttled: number }>();
  const baseUrl = options.graphUrl.replace(/\/$/, '');

  const lane = (mailbox: string) => {
    const key = mailbox.toLowerCase();
    let budget = budgets.get(key);
    if (budget === undefined) {
      budget = createMailboxBudget(options.limits, clock);
      budgets.set(key, budget);
      counters.set(key, { throttled: 0 });
    }
    return { budget, counter: counters.get(key)! };
  };

  /**
   * A token for the call. The identity platform refusing the app (consent withdrawn, secret expired
   * or deleted) concerns every request of the mailbox, not the item at hand.
   */
  async function tokenFor(call: Exchange, forceRefresh: boolean): Promise<string> {
    try {
      return await options.getToken(forceRefresh);
    } catch (error) {
      if (error instanceof UserError && !(error instanceof MailboxError)) {
        throw new MailboxError(error.code, error.message, {
          cause: error,
          context: { user: call.mailbox },
          details: error.details,
        });
      }
      throw error;
    }
  }

  async function send<T>(call: Exchange): Promise<GraphUploadResponse<T>> {
    const { budget, counter } = lane(call.mailbox);
    const bodyBytes = call.body?.byteLength ?? 0;
    let failures = 0;
    let throttles = 0;
    let refreshedToken = false;
    for (;;) {
      const clientRequestId = randomUUID();
      const token = call.authenticated ? await tokenFor(call, false) : undefined;
      const release = await budget.acquire(call.method === 'GET' || call.method === 'DELETE' ? 0 : bodyBytes);
      let response: Response;
      let text: string;
      try {
        response = await doFetch(call.url, {
          method: call.method,
          headers: {
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
            'client-request-id': clientRequestId,
            prefer: 'IdType="ImmutableId"',
            ...call.headers,
          },
          ...(call.body === undefined ? {} : { body: call.body }),
        });
        // A connection cut in the middle of the answer is as uncertain as one cut before it.
        text = await response.text();
      } catch (cause) {
        release();
        const refused = userErrorIn(cause);
        if (refused !== undefined) throw refused;
        failures += 1;
        if (!call.repeatable) {
          throw new GraphUnavailableError(
            `The connection to Microsoft Graph failed during ${call.method} ${call.shownPath}.`,
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
      release();
      const requestId = response.headers.get('request-id') ?? undefined;
      // A range the session already holds (a PUT repeated after its answer was lost) is refused with
      // 416 and the ranges still wanted: that is an answer for the uploader, not a failure.
      if (response.ok || (!call.authenticated && response.status === 416)) {
        return {
          status: response.status,
          body: (text === '' ? undefined : parseJson(text)) as T,
          requestId,
          location: response.headers.get('location') ?? undefined,
        };
      }
      const failure = toFailure(
        { method: call.method, path: call.shownPath, status: response.status, requestId, clientRequestId },
        text,
      );
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));

      // 429 is a refusal: the request did not run. A 503 with Retry-After usually is one too, but
      // Exchange also answers 503 after committing a create (microsoft-graph.md §5): a create that
      // gets one is reported as possibly done, and its caller looks it up before repeating it.
      if (
        response.status === 429 ||
        (response.status === 503 && retryAfterMs !== undefined && call.repeatable)
      ) {
        throttles += 1;
        const wait = retryAfterMs ?? DEFAULT_RETRY_AFTER_MS * 2 ** Math.min(throttles - 1, 5);
        counter.throttled += 1;
        if (throttles >= THROTTLE_ATTEMPTS) {
          throw new GraphUnavailableError(`Microsoft Graph kept throttling the mailbox ${call.mailbox}.`, {
            failure,
            mayHaveSucceeded: false,
            retryAfterMs: wait,
          });
        }
        budget.pause(wait);
        continue;
      }
      if (
        call.authenticated &&
        response.status === 401 &&
        failure.graphCode === 'InvalidAuthenticationToken' &&
        !refreshedToken
      ) {
        refreshedToken = true;
        await tokenFor(call, true);
        continue;
      }
      const mailboxWide = mailboxWideRefusal(response.status, failure.graphCode);
      if (mailboxWide !== undefined) {
        throw new MailboxError(mailboxWide.code, `${mailboxWide.message} (${call.mailbox})`, {
          context: { user: call.mailbox },
          details: { ...failure },
        });
      }
      if (response.status >= 500) {
        failures += 1;
        if (!call.repeatable) {
          throw new GraphUnavailableError('Microsoft Graph failed while handling a create.', {
            failure,
            mayHaveSucceeded: true,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          });
        }
        if (failures >= maxAttempts) {
          throw new GraphUnavailableError(`Microsoft Graph kept failing after ${failures} attempts.`, {
            failure,
            mayHaveSucceeded: !call.repeatable,
          });
        }
        await clock.sleep(retryAfterMs ?? backoff(failures, random));
        continue;
      }
      throw new GraphRequestError(failure, { user: call.mailbox });
    }
  }

  function request<T>(req: GraphRequest): Promise<GraphResponse<T>> {
    const body = req.bytes ?? (req.json === undefined ? undefined : Buffer.from(JSON.stringify(req.json)));
    return send<T>({
      method: req.method,
      url: `${baseUrl}${req.path}`,
      shownPath: req.path,
      mailbox: req.mailbox,
      body,
      headers: { ...(req.json === undefined ? {} : { 'content-type': 'application/json' }), ...req.headers },
      repeatable: req.repeatable ?? (req.method === 'GET' || req.method === 'PATCH' || req.method === 'PUT'),
      authenticated: true,
    });
  }

  function upload<T>(part: GraphUpload): Promise<GraphUploadResponse<T>> {
    const url = new URL(part.url);
    return send<T>({
      method: 'PUT',
      url: part.url,
      shownPath: `${url.origin}${url.pathname}`,
      mailbox: part.mailbox,
      // fetch derives Content-Length from the byte view; the view is sent as is, never copied.
      body: part.bytes,
      headers: { 'content-type': 'application/octet-stream', 'content-range': part.contentRange },
      // Resending a range is safe: a range the server already took is refused, never stored twice.
      repeatable: true,
      authenticated: false,
    });
  }

  return {
    request,
    upload,
    stats(mailbox) {
      const { budget, counter } = lane(mailbox);
      const usage = budget.usage();
      return {
        requests: usage.requests,
        throttled: counter.throttled,
        throttledWaitMs: usage.throttledMs,
        uploadBytes: usage.uploadBytes,
      };
    },
  };
}

/** Exponential backoff with full jitter (1 s, 2 s, 4 s … capped at 60 s). */
function backoff(attempt: number, random: () => number): number {
  return Math.round(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Answers that no item of the mailbox can get past: the mailbox is full, or the app may no longer
 * act on it (a 401 that a new token did not cure). A 403 names one kind's permission (mail,
 * contacts, settings…) and is explained by that kind's client. Codes from Microsoft's
 * error references (microsoft-graph.md §2) and Exchange's ErrorQuotaExceeded.
 */
function mailboxWideRefusal(
  status: number,
  graphCode: string,
): { code: string; message: string } | undefined {
  if (graphCode === 'ErrorQuotaExceeded') {
    return {
      code: 'MAILBOX_FULL',
      message:
        'The Microsoft 365 mailbox is full (ErrorQuotaExceeded): raise its quota or assign a licence with a larger mailbox, then run Retry Errors or a Full pass',
    };
  }
  if (status === 401) {
    return {
      code: 'GRAPH_UNAUTHORIZED',
      message:
        'Microsoft 365 no longer accepts the application’s token: check that the app registration, its Client Secret and the admin consent still exist, then run Verify Credentials',
    };
  }
  return undefined;
}
