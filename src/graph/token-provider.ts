import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from '@azure/msal-node';

import { type Clock, SYSTEM_CLOCK } from '../domain/clock.ts';
import { TransientError, UserError, userErrorIn } from '../domain/errors.ts';
import { explainIdentityError } from '../domain/identity-errors.ts';
import type { Secret } from '../domain/secret.ts';

/** The app's certificate credential as MSAL takes it: SHA-256 thumbprint (hex) and private key. */
export interface CertificateCredential {
  readonly thumbprintSha256: string;
  readonly privateKey: Secret;
  /** The certificate chain (PEM), sent as x5c so the tenant can use subject name + issuer auth. */
  readonly x5c: string | undefined;
}

export interface AppCredentials {
  /** e.g. https://login.microsoftonline.com (global), https://login.microsoftonline.us, https://login.chinacloudapi.cn, or an emulator. */
  readonly authorityUrl: string;
  readonly tenantId: string;
  readonly clientId: string;
  /** A client secret or a certificate, whichever the app was given. */
  readonly credential: Secret | CertificateCredential;
  /** `<resource>/.default`: the Graph of the same cloud. */
  readonly scope: string;
}

export interface TokenProviderOptions {
  /** Every request MSAL makes goes through this fetch (the outbound policy's). */
  readonly fetch: typeof fetch;
  readonly clock?: Clock;
}

export type TokenProvider = (forceRefresh: boolean) => Promise<string>;

/**
 * MSAL refuses plain-http authorities, but emulators and local identity proxies speak http. For
 * those, MSAL is given a placeholder https authority and a network client that sends its requests
 * to the real http address and maps the addresses in the answers back.
 */
const PLACEHOLDER_AUTHORITY = 'https://ferry-http-authority.invalid';

/** A token is renewed this long before it expires (or at half its life, if that is shorter). */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * Client-credentials tokens for one application in one tenant at one authority. The token is kept
 * until shortly before it expires; callers arriving while one is being fetched wait for that one,
 * so a burst of requests (or of 401s asking for a fresh token) costs a single token request.
 */
export function createTokenProvider(
  credentials: AppCredentials,
  options: TokenProviderOptions,
): TokenProvider {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const authority = new URL(credentials.authorityUrl);
  const insecure = authority.protocol === 'http:';
  const base = insecure ? PLACEHOLDER_AUTHORITY : credentials.authorityUrl.replace(/\/$/, '');
  const network = networkClient(options.fetch, insecure ? authority.origin : undefined);
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: credentials.clientId,
      ...('thumbprintSha256' in credentials.credential
        ? {
            clientCertificate: {
              thumbprintSha256: credentials.credential.thumbprintSha256,
              privateKey: credentials.credential.privateKey.reveal(),
              ...(credentials.credential.x5c === undefined ? {} : { x5c: credentials.credential.x5c }),
            },
          }
        : { clientSecret: credentials.credential.reveal() }),
      authority: `${base}/${credentials.tenantId}`,
      ...(insecure ? { knownAuthorities: [new URL(PLACEHOLDER_AUTHORITY).host] } : {}),
    },
    system: { networkClient: network.module },
  });

  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function acquire(): Promise<string> {
    network.failure = undefined;
    const asked = clock.now();
    try {
      // MSAL's own cache is skipped: ours decides when a token is renewed, at no cost per call.
      const result = await app.acquireTokenByClientCredential({
        scopes: [credentials.scope],
        skipCache: true,
      });
      if (result === null) throw new Error('the identity platform returned no token');
      const lifetimeMs = result.expiresOn === null ? 0 : result.expiresOn.getTime() - Date.now();
      cached = {
        token: result.accessToken,
        renewAt: asked + lifetimeMs - Math.min(RENEW_BEFORE_EXPIRY_MS, lifetimeMs / 2),
      };
      return result.accessToken;
    } catch (cause) {
      throw identityError(cause, network.failure, credentials, authority.host);
    }
  }

  return (forceRefresh) => {
    if (!forceRefresh && cached !== undefined && clock.now() < cached.renewAt)
      return Promise.resolve(cached.token);
    pending ??= acquire().finally(() => (pending = undefined));
    return pending;
  };
}

/** What a failed token request means for the admin, without repeating the server's own words. */
function identityError(
  cause: unknown,
  networkFailure: unknown,
  credentials: AppCredentials,
  host: string,
): Error {
  const refused = userErrorIn(networkFailure);
  if (refused !== undefined) return refused;
  if (networkFailure !== undefined)
    return new TransientError(
      'IDENTITY_UNREACHABLE',
      `The Microsoft identity platform at ${host} could not be reached to sign in application ${credentials.clientId}.`,
      { cause: networkFailure },
    );
  const text = cause instanceof Error ? cause.message : String(cause);
  const explained = explainIdentityError(text);
  const details = { tenantId: credentials.tenantId, clientId: credentials.clientId };
  if (explained !== undefined)
    return new UserError(explained.code, `${explained.problem} ${explained.fix}`, { cause, details });
  // Only a structured code is kept from the answer: the AADSTS number, else the OAuth error code.
  const errorCode = (cause as { errorCode?: unknown }).errorCode;
  const structured =
    /AADSTS\d+/.exec(text)?.[0] ??
    (typeof errorCode === 'string' && /^[a-z_]{1,40}$/.test(errorCode) ? errorCode : undefined);
  const code = structured === undefined ? '' : ` (${structured})`;
  return new UserError(
    'IDENTITY_FAILED',
    `Microsoft 365 refused to issue a token for application ${credentials.clientId} in tenant ${credentials.tenantId}${code}. Check the Directory (tenant) ID, the Application (client) ID and its secret or certificate.`,
    { cause, details },
  );
}

/**
 * MSAL's network client on Ferry's fetch. With `realOrigin`, requests to the placeholder authority
 * go to that plain-http origin and its address in the answers is mapped back. The last network
 * failure is kept: MSAL wraps it in an error of its own that loses it.
 */
function networkClient(
  doFetch: typeof fetch,
  realOrigin: string | undefined,
): { module: INetworkModule; failure: unknown } {
  const state: { module: INetworkModule; failure: unknown } = { module: undefined!, failure: undefined };
  const outbound = (url: string) =>
    realOrigin !== undefined && url.startsWith(PLACEHOLDER_AUTHORITY)
      ? realOrigin + url.slice(PLACEHOLDER_AUTHORITY.length)
      : url;
  const send = async <T>(url: string, init: RequestInit): Promise<NetworkResponse<T>> => {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(outbound(url), init);
      text = await response.text();
    } catch (error) {
      state.failure = error;
      throw error;
    }
    if (realOrigin !== undefined) text = text.replaceAll(realOrigin, PLACEHOLDER_AUTHORITY);
    let body: unknown = {};
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      // Not JSON: MSAL reports a failed request; the text itself is never shown.
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), body: body as T };
  };
  state.module = {
    sendGetRequestAsync: (url, options) => send(url, { headers: options?.headers ?? {} }),
    sendPostRequestAsync: (url, options) =>
      send(url, {
        method: 'POST',
        headers: options?.headers ?? {},
        ...(options?.body === undefined ? {} : { body: options.body }),
      }),
  };
  return state;
}
