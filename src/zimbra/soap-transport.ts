import { type Clock, SYSTEM_CLOCK } from '../domain/clock.ts';
import { UserError, userErrorIn } from '../domain/errors.ts';
import { child, type JsonElement, text } from './json-element.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import {
  isTransientFault,
  type ZimbraFault,
  ZimbraFaultError,
  ZimbraUnavailableError,
} from './zimbra-error.ts';

export interface SoapTransportOptions {
  /** Mail/user URL, e.g. https://mail.example.com (port 443). */
  readonly url: string;
  /** Admin URL, e.g. https://mail.example.com:7071; required for admin mode. */
  readonly adminUrl: string | undefined;
  /**
   * Requests per second per account. Zimbra's DoSFilter rejects past 30 per account (zimbra.md
   * §13); staying below keeps a migration from being refused.
   */
  readonly maxRequestsPerSecond?: number;
  readonly clock?: Clock;
  /** Ferry's outbound fetch (connection policy, timeouts); there is deliberately no default. */
  readonly fetch: typeof fetch;
  readonly maxAttempts?: number;
  readonly userAgent?: string;
}

export interface SoapCall {
  readonly port: 'user' | 'admin';
  /** Request element name, e.g. "SearchRequest". */
  readonly request: string;
  readonly namespace: string;
  readonly body: JsonElement;
  readonly authToken?: string;
  /** Whose budget the call spends (the mailbox, or the admin account). */
  readonly rateKey: string;
}

export interface SoapTransport {
  call(call: SoapCall): Promise<JsonElement>;
  /** GET on the REST/content servlets with the token as a cookie; the caller reads the stream. */
  get(port: 'user' | 'admin', path: string, authToken: string, rateKey: string): Promise<Response>;
}

/**
 * Well below the DoSFilter's default of 30 per account: requests reach Zimbra a little bunched
 * (25 per second still drew 5 % refusals against an emulated filter at 30), and other clients of
 * the mailbox share the budget. About twice what a mailbox at Microsoft's ceiling needs.
 */
export const DEFAULT_REQUESTS_PER_SECOND = 20;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;

export function createSoapTransport(options: SoapTransportOptions): SoapTransport {
  const clock = options.clock ?? SYSTEM_CLOCK;
  // Node refuses TLS below 1.2 by default (tls.DEFAULT_MIN_VERSION), as the seed guide requires;
  // the handshake failure is turned into an error that says so.
  const doFetch = options.fetch;
  const maxAttempts = options.maxAttempts ?? 6;
  const limiter: RateLimiter = createRateLimiter(
    options.maxRequestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND,
    clock,
  );
  const userAgent = options.userAgent ?? 'Ferry';

  const base = (port: 'user' | 'admin') => {
    if (port === 'user') return options.url.replace(/\/$/, '');
    if (options.adminUrl === undefined) {
      throw new UserError(
        'ZIMBRA_ADMIN_URL_MISSING',
        'Admin mode needs the Zimbra admin URL (usually port 7071).',
      );
    }
    return options.adminUrl.replace(/\/$/, '');
  };
  const cookie = (port: 'user' | 'admin', token: string) =>
    `${port === 'admin' ? 'ZM_ADMIN_AUTH_TOKEN' : 'ZM_AUTH_TOKEN'}=${token}; ZM_AUTH_TOKEN=${token}`;

  /** Sends with retries for DoSFilter 503s and 429s, 5xx without a fault, and network failures. */
  async function send(url: string, init: RequestInit, rateKey: string, what: string): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      await limiter.take(rateKey);
      let response: Response;
      try {
        response = await doFetch(url, init);
      } catch (cause) {
        const refused = userErrorIn(cause);
        if (refused !== undefined) throw refused;
        if (isTlsVersionError(cause)) {
          throw new UserError(
            'ZIMBRA_TLS_TOO_OLD',
            `The Zimbra server at ${new URL(url).host} offers only TLS below 1.2, which Ferry refuses. Enable TLS 1.2 or later on Zimbra (zimbraReverseProxySSLProtocols / zimbraMailboxdSSLProtocols).`,
            { cause },
          );
        }
        if (attempt >= maxAttempts) {
          throw new ZimbraUnavailableError(`Zimbra could not be reached for ${what}.`, { cause });
        }
        await clock.sleep(backoff(attempt));
        continue;
      }
      const retryable = [429, 502, 503, 504].includes(response.status);
      if (!retryable) return response;
      // DoSFilter refusals are a bare 503 (zimbra.md §13), or 429 behind newer Jetty (its
      // tooManyCode): slow down, then retry; a Retry-After, when sent, is honoured.
      await response.body?.cancel();
      if (attempt >= maxAttempts) {
        throw new ZimbraUnavailableError(
          `Zimbra kept answering ${response.status} to ${what} (DoSFilter or overload).`,
        );
      }
      await clock.sleep(Math.max(backoff(attempt), retryAfterMs(response.headers.get('retry-after'))));
    }
  }

  return {
    async call(call) {
      const envelope = {
        Header: {
          context: {
            _jsns: 'urn:zimbra',
            userAgent: { name: userAgent },
            format: { type: 'js' },
            ...(call.authToken === undefined ? {} : { authToken: { _content: call.authToken } }),
          },
        },
        Body: { [call.request]: { _jsns: call.namespace, ...call.body } },
      };
      const url = `${base(call.port)}/service/${call.port === 'admin' ? 'admin/soap' : 'soap'}/${call.request}`;
      for (let attempt = 1; ; attempt++) {
        const response = await send(
          url,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json; charset=utf-8',
              ...(call.authToken === undefined ? {} : { cookie: cookie(call.port, call.authToken) }),
            },
            body: JSON.stringify(envelope),
          },
          call.rateKey,
          call.request,
        );
        let bodyText: string;
        try {
          bodyText = await response.text();
        } catch (cause) {
          // The answer broke off or stalled past the body timeout: as uncertain as no answer.
          if (attempt < maxAttempts) {
            await clock.sleep(backoff(attempt));
            continue;
          }
          throw new ZimbraUnavailableError(`Zimbra's answer to ${call.request} broke off.`, { cause });
        }
        let parsed: JsonElement;
        try {
          parsed = JSON.parse(bodyText) as JsonElement;
        } catch (cause) {
          throw new ZimbraUnavailableError(
            `Zimbra answered ${call.request} with HTTP ${response.status} and a body that is not SOAP JSON.`,
            { cause },
          );
        }
        const body = child(parsed, 'Body');
        const faultElement = child(body, 'Fault');
        if (faultElement !== undefined) {
          const fault = parseFault(faultElement, call.request);
          if (isTransientFault(fault.code) && attempt < maxAttempts) {
            await clock.sleep(backoff(attempt));
            continue;
          }
          if (isTransientFault(fault.code)) {
            throw new ZimbraUnavailableError('Zimbra stayed unavailable.', { fault });
          }
          throw new ZimbraFaultError(fault, { user: call.rateKey });
        }
        const responseName = call.request.replace(/Request$/, 'Response');
        const result = child(body, responseName);
        if (result === undefined) {
          throw new ZimbraUnavailableError(`Zimbra's answer to ${call.request} has no ${responseName}.`);
        }
        return result;
      }
    },
    get(port, path, authToken, rateKey) {
      return send(
        `${base(port)}${path}`,
        { headers: { cookie: cookie(port, authToken) } },
        rateKey,
        path.split('?')[0] ?? path,
      );
    },
  };
}

/** Retry-After in whole seconds (what Jetty sends), 0 when absent or unreadable; at most a minute. */
function retryAfterMs(value: string | null): number {
  const seconds = Number(value ?? '');
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 0;
}

function parseFault(fault: JsonElement, request: string): ZimbraFault {
  const error = child(child(fault, 'Detail'), 'Error');
  return {
    code: text(error, 'Code') ?? 'service.FAILURE',
    reason: text(child(fault, 'Reason'), 'Text') ?? 'no reason given',
    request,
  };
}

function backoff(attempt: number): number {
  return Math.round(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
}

function isTlsVersionError(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  const message = cause?.message ?? '';
  return (
    code === 'ERR_SSL_UNSUPPORTED_PROTOCOL' ||
    code === 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' ||
    /unsupported protocol|protocol version/i.test(message)
  );
}
