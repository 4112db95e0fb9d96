import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from '@azure/msal-node';

import { UserError } from '../domain/errors.ts';
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

export type TokenProvider = (forceRefresh: boolean) => Promise<string>;

/**
 * MSAL refuses plain-http authorities, but emulators and local identity proxies speak http. For
 * those, MSAL is given a placeholder https authority and a network client that sends its requests
 * to the real http address and maps the addresses in the answers back.
 */
const PLACEHOLDER_AUTHORITY = 'https://ferry-http-authority.invalid';

export function createTokenProvider(credentials: AppCredentials): TokenProvider {
  const authority = new URL(credentials.authorityUrl);
  const insecure = authority.protocol === 'http:';
  const base = insecure ? PLACEHOLDER_AUTHORITY : credentials.authorityUrl.replace(/\/$/, '');
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
    ...(insecure ? { system: { networkClient: rewritingNetworkClient(authority.origin) } } : {}),
  });
  return async (forceRefresh) => {
    try {
      const result = await app.acquireTokenByClientCredential({
        scopes: [credentials.scope],
        skipCache: forceRefresh,
      });
      if (result === null) throw new Error('the identity platform returned no token');
      return result.accessToken;
    } catch (cause) {
      const text = cause instanceof Error ? cause.message : String(cause);
      const explained = explainIdentityError(text);
      throw new UserError(
        explained?.code ?? 'IDENTITY_FAILED',
        explained === undefined
          ? `Microsoft 365 refused to issue a token for application ${credentials.clientId} in tenant ${credentials.tenantId}: ${text}`
          : `${explained.problem} ${explained.fix}`,
        { cause, details: { tenantId: credentials.tenantId, clientId: credentials.clientId } },
      );
    }
  };
}

function rewritingNetworkClient(realOrigin: string): INetworkModule {
  const outbound = (url: string) =>
    url.startsWith(PLACEHOLDER_AUTHORITY) ? realOrigin + url.slice(PLACEHOLDER_AUTHORITY.length) : url;
  const send = async <T>(url: string, init: RequestInit): Promise<NetworkResponse<T>> => {
    const response = await fetch(outbound(url), init);
    const text = (await response.text()).replaceAll(realOrigin, PLACEHOLDER_AUTHORITY);
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: (text === '' ? {} : JSON.parse(text)) as T,
    };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, { headers: options?.headers ?? {} }),
    sendPostRequestAsync: (url, options) =>
      send(url, {
        method: 'POST',
        headers: options?.headers ?? {},
        ...(options?.body === undefined ? {} : { body: options.body }),
      }),
  };
}
