import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import tls from 'node:tls';

import {
  Agent,
  buildConnector,
  type Dispatcher,
  EnvHttpProxyAgent,
  fetch as undiciFetch,
  type RequestInit as UndiciRequestInit,
} from 'undici';

import { UserError } from '../domain/errors.ts';
import type { IpNetwork } from '../domain/ip-networks.ts';
import {
  checkingLookup,
  createOutboundPolicy,
  type OutboundPolicy,
  type Resolve,
  systemResolve,
} from './outbound-policy.ts';

export interface OutboundOptions {
  /** FERRY_ALLOWED_PRIVATE_NETWORKS: the only non-public networks connections may reach. */
  readonly allowedPrivateNetworks: readonly IpNetwork[];
  /** FERRY_CA_FILE: PEM certificates trusted besides Node's default authorities. */
  readonly caFile?: string | undefined;
  readonly httpsProxy?: string | undefined;
  readonly httpProxy?: string | undefined;
  readonly noProxy?: string | undefined;
  /** Connections kept open to one origin at most (Graph takes 4 per mailbox, many mailboxes share it). */
  readonly connectionsPerHost?: number;
  readonly connectTimeoutMs?: number;
  /** From sending the request to the end of the answer's headers. */
  readonly headersTimeoutMs?: number;
  /** Longest silence while the answer's body arrives. */
  readonly bodyTimeoutMs?: number;
  /** Name resolution; the operating system's by default (tests give their own names). */
  readonly resolve?: Resolve;
}

/**
 * Ferry's one way out to Zimbra, the identity platform and Graph: `fetch` through an undici agent
 * that keeps connections alive per origin, bounds each phase with a timeout (a hung server becomes a
 * network error, which the clients retry), and checks every address it connects to against the
 * outbound policy.
 */
export interface Outbound {
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

export const OUTBOUND_DEFAULTS = {
  connectionsPerHost: 64,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 120_000,
  bodyTimeoutMs: 120_000,
} as const;

/** How long a proxied target's local resolution is trusted before it is checked again. */
const TARGET_CHECK_TTL_MS = 60_000;

export function createOutbound(options: OutboundOptions): Outbound {
  const policy = createOutboundPolicy(options.allowedPrivateNetworks);
  const resolve = options.resolve ?? systemResolve;
  const ca = trustedAuthorities(options.caFile);
  const connectTimeout = options.connectTimeoutMs ?? OUTBOUND_DEFAULTS.connectTimeoutMs;
  // HTTP/1.1 as before (Node's own fetch): per-origin pools of kept-alive connections.
  const connector = buildConnector({
    allowH2: false,
    timeout: connectTimeout,
    lookup: checkingLookup(policy, resolve),
    ...(ca === undefined ? {} : { ca }),
  });
  // Names are checked in the lookup; an address written in the URL never reaches a lookup.
  const connect: buildConnector.connector = (target, callback) => {
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    const refusal = isIP(host) === 0 ? undefined : policy.check(host, host);
    if (refusal !== undefined) callback(refusal, null);
    else connector(target, callback);
  };
  const agentOptions = {
    connect,
    allowH2: false,
    connectTimeout,
    connections: options.connectionsPerHost ?? OUTBOUND_DEFAULTS.connectionsPerHost,
    headersTimeout: options.headersTimeoutMs ?? OUTBOUND_DEFAULTS.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs ?? OUTBOUND_DEFAULTS.bodyTimeoutMs,
  };
  const proxied = options.httpsProxy !== undefined || options.httpProxy !== undefined;
  const dispatcher: Dispatcher = proxied
    ? new EnvHttpProxyAgent({
        ...agentOptions,
        // Empty strings, not undefined: undici would otherwise read the environment itself.
        httpProxy: options.httpProxy ?? '',
        httpsProxy: options.httpsProxy ?? '',
        noProxy: options.noProxy ?? '',
        ...(ca === undefined ? {} : { requestTls: { ca }, proxyTls: { ca } }),
      }).compose(proxiedTargetCheck(policy, resolve))
    : new Agent(agentOptions);
  const outboundFetch = (input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as unknown as UndiciRequestInit),
      dispatcher,
    });
  return {
    fetch: outboundFetch,
    close: () => dispatcher.close(),
  };
}

/**
 * Through a proxy the proxy resolves the target's name, not Ferry, so no lookup of ours guards the
 * connection. Each request's target is resolved here first and refused when an address it has is;
 * a name Ferry cannot resolve itself is left to the proxy (and to the proxy's own rules).
 */
function proxiedTargetCheck(
  policy: OutboundPolicy,
  resolve: Resolve,
): Dispatcher.DispatcherComposeInterceptor {
  const checked = new Map<string, { until: number; refusal: Error | undefined }>();
  const check = async (hostname: string): Promise<Error | undefined> => {
    const host = hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) return policy.check(host, host);
    const known = checked.get(host);
    if (known !== undefined && known.until > Date.now()) return known.refusal;
    const addresses = await resolve(host).catch(() => []);
    const refusal = addresses.map((a) => policy.check(host, a.address)).find((r) => r !== undefined);
    checked.set(host, { until: Date.now() + TARGET_CHECK_TTL_MS, refusal });
    return refusal;
  };
  return (dispatch) => (opts, handler) => {
    void check(new URL(String(opts.origin)).hostname).then((refusal) => {
      if (refusal === undefined) dispatch(opts, handler);
      else handler.onResponseError?.(null as unknown as Dispatcher.DispatchController, refusal);
    });
    return true;
  };
}

/** Node's default authorities plus FERRY_CA_FILE; undefined keeps Node's defaults untouched. */
function trustedAuthorities(caFile: string | undefined): string[] | undefined {
  if (caFile === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (cause) {
    throw new UserError('CA_FILE_UNREADABLE', `FERRY_CA_FILE names ${caFile}, which Ferry cannot read.`, {
      cause,
    });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new UserError(
      'CA_FILE_INVALID',
      `FERRY_CA_FILE names ${caFile}, which holds no PEM certificate (a "-----BEGIN CERTIFICATE-----" block).`,
    );
  return [...tls.getCACertificates('default'), pem];
}
