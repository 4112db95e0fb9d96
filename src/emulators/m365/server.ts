import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import {
  createFaultInjector,
  EXCHANGE_FAULT_KINDS,
  NO_FAULTS,
  parseFaultSpec,
  type Fault,
} from '../faults.ts';
import { runBatch } from './batch.ts';
import { defaultConfig, m365EmulatorConfigSchema, type M365EmulatorConfig } from './config.ts';
import type { Services } from './context.ts';
import { Directory } from './directory.ts';
import { GraphError, errorResponse, newRequestId, type GraphResponse } from './errors.ts';
import { COMMITTING_FAULTS, faultError, REFUSING_FAULTS, withinQuota } from './exchange-faults.ts';
import { prepare, run, toErrorResponse, type GraphCall } from './graph.ts';
import { encodeBody, headerMap, readBody, writeResponse } from './http-io.ts';
import { handleIdentity } from './identity.ts';
import { createLatency, latencyKind, type LatencyKind, type LatencyPlan } from './latency.ts';
import type { Mailbox } from './mailbox.ts';
import { UploadSessions } from './resources/upload-sessions.ts';
import { dumpMailbox } from './state-dump.ts';
import { Throttle, type Limits } from './throttle.ts';
import { TokenStore } from './tokens.ts';

export { parseM365Config, m365EmulatorConfigSchema, type M365EmulatorConfig } from './config.ts';

/** Graph's per-request body limit [D]. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const DEFAULT_TOKEN_LIFETIME_SEC = 3599;

export interface M365EmulatorOptions {
  config?: M365EmulatorConfig;
  host?: string;
  port?: number;
  limits?: Limits;
  faults?: string;
  tokenLifetimeSec?: number;
  /** Offer the beta personal distribution lists API (default true); false answers as Graph does without it. */
  distributionLists?: boolean;
  /** Service time per request (see latency.ts); none when unset, so test suites stay fast. */
  latency?: LatencyPlan | undefined;
  /**
   * How long a repeated event transactionId returns the event it created, in milliseconds: 0 never,
   * Infinity (default) forever. Microsoft documents no window [U].
   */
  transactionIdWindowMs?: number;
}

export interface RunningM365Emulator {
  readonly authorityUrl: string;
  readonly graphUrl: string;
  close(): Promise<void>;
}

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

/** What a request is, known from its headers and URL alone: who it counts against, how to answer it. */
type Arrival =
  | { kind: 'answer'; respond: (body: Buffer) => GraphResponse | Promise<GraphResponse> }
  | {
      kind: 'mailbox';
      app: string;
      mailbox: Mailbox;
      latency: LatencyKind;
      respond: (body: Buffer) => Promise<GraphResponse>;
    };

/** Methods whose bodies count toward the 150 MB upload budget [D: throttling-limits, Outlook]. */
const UPLOADING_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT']);

/** Body bytes a POST, PATCH or PUT declares (Content-Length), charged when it arrives. */
function declaredUpload(method: string, headers: Record<string, string>): number {
  if (!UPLOADING_METHODS.has(method)) return 0;
  const length = Number(headers['content-length']);
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}

/** Starts the emulated Microsoft identity platform + Microsoft Graph on one port. */
export async function startM365Emulator(options: M365EmulatorOptions = {}): Promise<RunningM365Emulator> {
  const config =
    options.config === undefined ? defaultConfig() : m365EmulatorConfigSchema.parse(options.config);
  const directory = new Directory(config);
  const tokens = new TokenStore(options.tokenLifetimeSec ?? DEFAULT_TOKEN_LIFETIME_SEC);
  const throttle = new Throttle(options.limits ?? 'microsoft');
  const latency = options.latency === undefined ? undefined : createLatency(options.latency);
  const faults =
    options.faults === undefined || options.faults === ''
      ? NO_FAULTS
      : createFaultInjector(parseFaultSpec(options.faults, EXCHANGE_FAULT_KINDS));
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const baseUrl = `http://${host}:${address.port}`;
  const services: Services = {
    directory,
    uploads: new UploadSessions(baseUrl),
    baseUrl,
    distributionLists: options.distributionLists ?? true,
    transactionIdWindowMs: options.transactionIdWindowMs ?? Number.POSITIVE_INFINITY,
  };

  function graph(method: string, url: URL, headers: Record<string, string>, requestId: string): Arrival {
    const version = url.pathname.startsWith('/beta/') ? 'beta' : 'v1.0';
    const check = tokens.check(headers.authorization);
    if (!check.ok) {
      throw new GraphError(401, 'InvalidAuthenticationToken', check.message, {
        'WWW-Authenticate': WWW_AUTHENTICATE,
      });
    }
    const call: GraphCall = {
      method,
      version,
      path: url.pathname.slice(version.length + 1),
      query: url.searchParams,
      headers,
    };
    if (call.path === '/$batch' && call.method === 'POST') {
      return {
        kind: 'answer',
        respond: (body) => runBatch(services, throttle, latency, version, body, check.grant),
      };
    }
    const prepared = prepare(services, call, check.grant);
    if (prepared.kind === 'answer') return { kind: 'answer', respond: () => prepared.response };
    return {
      kind: 'mailbox',
      app: check.grant.clientId,
      mailbox: prepared.mailbox,
      latency: latencyKind(method, prepared.route.pattern),
      respond: (body) => run(services, call, check.grant, prepared, body, requestId),
    };
  }

  function upload(
    method: string,
    url: URL,
    headers: Record<string, string>,
    fault: Fault | undefined,
  ): Arrival {
    if (headers.authorization !== undefined) {
      // The upload URL is pre-authenticated for outlook.office.com: "Do not specify an Authorization
      // request header" [D: https://learn.microsoft.com/en-us/graph/outlook-large-attachments]. A Graph
      // token sent anyway is refused for its audience [O: microsoftgraph/msgraph-sdk-java#409].
      throw new GraphError(
        401,
        'InvalidAudienceForResource',
        `The audience claim value is invalid for current resource. Audience claim is 'https://graph.microsoft.com', request url is '${url.origin}${url.pathname}'.`,
      );
    }
    const session = services.uploads.find(url.pathname, url.searchParams.get('authtoken'));
    if (session !== undefined && fault?.kind === 'expire') services.uploads.expire(session);
    if (session === undefined || fault?.kind === 'expire') {
      // "404 … indicates the upload session no longer exists" [D: driveItem createUploadSession,
      // best practices]; Exchange's code for a missing object.
      throw new GraphError(404, 'ErrorItemNotFound', 'The upload session was not found or has expired.');
    }
    return {
      kind: 'mailbox',
      app: session.clientId,
      mailbox: session.mailbox,
      latency: method === 'PUT' ? 'upload' : 'delete',
      respond: async (body) => {
        const handle = () => services.uploads.handle(session, method, headers['content-range'], body);
        return method === 'PUT' ? withinQuota(session.mailbox, body.length, handle) : handle();
      },
    };
  }

  function emulatorState(url: URL): GraphResponse {
    if (url.pathname === '/_emulator/stats') {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: { mailboxes: throttle.stats(), latency: latency?.plan ?? 'off' },
      };
    }
    const upn = /^\/_emulator\/mailboxes\/([^/]+)$/.exec(url.pathname)?.[1];
    const user = upn === undefined ? undefined : directory.userByUpn(decodeURIComponent(upn));
    if (user === undefined) {
      throw new GraphError(404, 'ErrorItemNotFound', 'No such mailbox in the emulator.');
    }
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: dumpMailbox(services, directory.mailbox(user)),
    };
  }

  /** Routes a request from its URL and headers, before its body is read. Throws GraphError. */
  function arrive(
    method: string,
    url: URL,
    headers: Record<string, string>,
    fault: Fault | undefined,
    requestId: string,
    clientRequestId: string,
  ): Arrival {
    if (url.pathname.startsWith('/_emulator/')) return { kind: 'answer', respond: () => emulatorState(url) };
    if (/^\/(v1\.0|beta)\//.test(url.pathname)) return graph(method, url, headers, requestId);
    if (url.pathname.startsWith('/api/v2.0/')) return upload(method, url, headers, fault);
    return {
      kind: 'answer',
      respond: (body) =>
        handleIdentity(method, url.pathname, body, directory, tokens, baseUrl) ??
        errorResponse(new GraphError(404, 'NotFound', 'Unknown endpoint.'), requestId, clientRequestId),
    };
  }

  /**
   * One request. A mailbox request counts as in flight from its arrival (headers read, mailbox known
   * from the URL) until its answer is written, as Outlook counts its 4 concurrent requests [D:
   * https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits]; the latency
   * model's service time is spent inside that span.
   */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const url = new URL(req.url ?? '/', baseUrl);
    const headers = headerMap(req);
    const method = req.method ?? 'GET';
    const clientRequestId = headers['client-request-id'] ?? requestId;
    let release = (): void => undefined;
    res.on('close', () => release());
    const fault: Fault | undefined = url.pathname.startsWith('/_emulator/')
      ? undefined
      : faults.decide(url.pathname);
    const refusal = fault !== undefined && REFUSING_FAULTS.has(fault.kind) ? faultError(fault) : undefined;
    if (fault?.kind === 'revoke') tokens.revoke(headers.authorization);
    let arrival: Arrival | undefined;
    let failure: unknown;
    let charge = (_bytes: number): void => undefined;
    const declared = declaredUpload(method, headers);
    if (refusal === undefined) {
      try {
        arrival = arrive(method, url, headers, fault, requestId, clientRequestId);
        if (arrival.kind === 'mailbox') {
          const admission = throttle.admit(
            arrival.app,
            arrival.mailbox.user.userPrincipalName.toLowerCase(),
            declared,
          );
          if (!admission.ok) throw admission.error;
          release = admission.release;
          charge = admission.charge;
        }
      } catch (error) {
        failure = error;
      }
    }
    const { bytes, tooLarge } = await readBody(req, MAX_REQUEST_BYTES);
    let response: GraphResponse;
    try {
      if (refusal !== undefined) throw refusal;
      if (arrival === undefined || failure !== undefined) throw failure;
      if (tooLarge) {
        throw new GraphError(413, 'RequestEntityTooLarge', 'The maximum request length supported is 4MB.');
      }
      if (arrival.kind === 'mailbox') {
        if (UPLOADING_METHODS.has(method)) charge(bytes.length - declared);
        const ms = latency?.delayMs(arrival.latency, bytes.length) ?? 0;
        if (ms > 0) {
          throttle.served(arrival.mailbox.user.userPrincipalName.toLowerCase(), ms);
          await delay(ms);
        }
      }
      response = await arrival.respond(bytes);
      if (fault !== undefined && COMMITTING_FAULTS.has(fault.kind)) {
        const afterCommit = faultError(fault);
        if (afterCommit !== undefined) throw afterCommit;
      }
    } catch (error) {
      response = toErrorResponse(error, requestId, clientRequestId);
    }
    if (fault?.kind === 'slow') await delay(fault.param ?? 1000);
    if (fault?.kind === 'commit-drop') {
      res.socket?.destroy();
      return;
    }
    const body = encodeBody(response.body);
    const outHeaders = {
      'Cache-Control': 'private',
      'request-id': requestId,
      'client-request-id': clientRequestId,
      ...response.headers,
    };
    writeResponse(
      res,
      response.status,
      outHeaders,
      body,
      fault?.kind === 'reset' ? (fault.param ?? Math.floor(body.length / 2)) : undefined,
    );
    if (fault?.kind !== 'reset') res.once('finish', () => release());
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.socket?.destroy());
  });

  return {
    authorityUrl: baseUrl,
    graphUrl: baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
