import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createFaultInjector, NO_FAULTS, parseFaultSpec, type Fault } from '../faults.ts';
import { runBatch } from './batch.ts';
import { defaultConfig, m365EmulatorConfigSchema, type M365EmulatorConfig } from './config.ts';
import type { Services } from './context.ts';
import { Directory } from './directory.ts';
import { GraphError, errorResponse, newRequestId, type GraphResponse } from './errors.ts';
import { prepare, run, toErrorResponse, type GraphCall } from './graph.ts';
import { encodeBody, headerMap, readBody, writeResponse } from './http-io.ts';
import { handleIdentity } from './identity.ts';
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
}

export interface RunningM365Emulator {
  readonly authorityUrl: string;
  readonly graphUrl: string;
  close(): Promise<void>;
}

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

function faultResponse(
  kind: '500' | '503' | '504',
  requestId: string,
  clientRequestId: string,
): GraphResponse {
  if (kind === '503') {
    return errorResponse(
      new GraphError(
        503,
        'serviceNotAvailable',
        'The service is temporarily unavailable. Please retry later.',
        { 'Retry-After': '2' },
      ),
      requestId,
      clientRequestId,
    );
  }
  if (kind === '504') {
    return errorResponse(
      new GraphError(504, 'UnknownError', 'The gateway did not receive a timely response.'),
      requestId,
      clientRequestId,
    );
  }
  return errorResponse(
    new GraphError(500, 'generalException', 'General exception while processing.'),
    requestId,
    clientRequestId,
  );
}

/** Starts the emulated Microsoft identity platform + Microsoft Graph on one port. */
export async function startM365Emulator(options: M365EmulatorOptions = {}): Promise<RunningM365Emulator> {
  const config =
    options.config === undefined ? defaultConfig() : m365EmulatorConfigSchema.parse(options.config);
  const directory = new Directory(config);
  const tokens = new TokenStore(options.tokenLifetimeSec ?? DEFAULT_TOKEN_LIFETIME_SEC);
  const throttle = new Throttle(options.limits ?? 'microsoft');
  const faults =
    options.faults === undefined || options.faults === ''
      ? NO_FAULTS
      : createFaultInjector(parseFaultSpec(options.faults));
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
  };

  async function graph(
    req: IncomingMessage,
    url: URL,
    headers: Record<string, string>,
    body: Buffer,
    hold: (release: () => void) => void,
    requestId: string,
  ) {
    const version = url.pathname.startsWith('/beta/') ? 'beta' : 'v1.0';
    const check = tokens.check(headers.authorization);
    if (!check.ok) {
      throw new GraphError(401, 'InvalidAuthenticationToken', check.message, {
        'WWW-Authenticate': WWW_AUTHENTICATE,
      });
    }
    const call: GraphCall = {
      method: req.method ?? 'GET',
      version,
      path: url.pathname.slice(version.length + 1),
      query: url.searchParams,
      headers,
    };
    if (call.path === '/$batch' && call.method === 'POST') {
      return runBatch(services, throttle, version, body, check.grant);
    }
    const prepared = prepare(services, call, check.grant);
    if (prepared.kind === 'answer') return prepared.response;
    const uploaded = ['POST', 'PATCH', 'PUT'].includes(call.method) ? body.length : 0;
    const admission = throttle.admit(
      check.grant.clientId,
      prepared.mailbox.user.userPrincipalName.toLowerCase(),
      uploaded,
    );
    if (!admission.ok) throw admission.error;
    hold(admission.release);
    return run(services, call, check.grant, prepared, body, requestId);
  }

  function upload(
    req: IncomingMessage,
    url: URL,
    headers: Record<string, string>,
    body: Buffer,
    hold: (release: () => void) => void,
  ) {
    const session = services.uploads.find(url.pathname, url.searchParams.get('authtoken'));
    if (session === undefined) {
      throw new GraphError(404, 'ErrorItemNotFound', 'The upload session was not found or has expired.');
    }
    const method = req.method ?? 'PUT';
    const admission = throttle.admit(
      session.clientId,
      session.mailbox.user.userPrincipalName.toLowerCase(),
      method === 'PUT' ? body.length : 0,
    );
    if (!admission.ok) throw admission.error;
    hold(admission.release);
    return services.uploads.handle(session, method, headers['content-range'], body);
  }

  function emulatorState(url: URL): GraphResponse {
    if (url.pathname === '/_emulator/stats') {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: { mailboxes: throttle.stats() },
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const url = new URL(req.url ?? '/', baseUrl);
    const headers = headerMap(req);
    const clientRequestId = headers['client-request-id'] ?? requestId;
    let release = (): void => undefined;
    res.on('close', () => release());
    const hold = (fn: () => void): void => {
      release = fn;
    };
    const fault: Fault | undefined = url.pathname.startsWith('/_emulator/')
      ? undefined
      : faults.decide(url.pathname);
    const { bytes, tooLarge } = await readBody(req, MAX_REQUEST_BYTES);
    let response: GraphResponse;
    try {
      if (fault?.kind === '500' || fault?.kind === '503' || fault?.kind === '504') {
        response = faultResponse(fault.kind, requestId, clientRequestId);
      } else {
        if (fault?.kind === 'revoke') tokens.revoke(headers.authorization);
        const isGraph = /^\/(v1\.0|beta)\//.test(url.pathname);
        if (tooLarge) {
          throw new GraphError(413, 'RequestEntityTooLarge', 'The maximum request length supported is 4MB.');
        }
        if (url.pathname.startsWith('/_emulator/')) response = emulatorState(url);
        else if (isGraph) response = await graph(req, url, headers, bytes, hold, requestId);
        else if (url.pathname.startsWith('/api/v2.0/')) response = upload(req, url, headers, bytes, hold);
        else {
          response =
            handleIdentity(req.method ?? 'GET', url.pathname, bytes, directory, tokens, baseUrl) ??
            errorResponse(new GraphError(404, 'NotFound', 'Unknown endpoint.'), requestId, clientRequestId);
        }
      }
    } catch (error) {
      response = toErrorResponse(error, requestId, clientRequestId);
    }
    if (fault?.kind === 'slow') await delay(fault.param ?? 1000);
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
