/**
 * The emulated Zimbra server: a user listener (/service/soap, REST, content servlet) and an admin
 * listener (/service/admin/soap hosting admin, account and mail services, REST, content servlet),
 * with the DoSFilter and the shared fault injection (`--faults`) in front of both. The user
 * listener also takes `POST /_emulator/reload` (no Zimbra API): the data directory is read again
 * and edited items get new modified sequences (reload.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createFaultInjector, type Fault, NO_FAULTS, parseFaultSpec } from '../faults.ts';
import { createTokenStore } from './auth-tokens.ts';
import { loadDirectory } from './data-dir.ts';
import { createDosFilter } from './dos-filter.ts';
import { createHandlerTable } from './handlers/index.ts';
import { reloadDirectory } from './reload.ts';
import { handleRest, restToken, type RestRequest } from './rest.ts';
import { dispatchSoap, type Port, soapToken } from './soap-dispatch.ts';
import { envelope, isObject, type Json } from './soap-envelope.ts';
import { createTraceSource, faultJson, faults } from './soap-faults.ts';
import type { EmulatorState } from './state.ts';
import { atLeast } from './versions.ts';

export interface ZimbraEmulatorOptions {
  dataDir: string;
  host?: string;
  port?: number;
  adminPort?: number;
  version?: string;
  faults?: string;
  adminTokenLifetimeMs?: number;
  delegatedTokenLifetimeMs?: number;
  userTokenLifetimeMs?: number;
  dosFilterMaxRequestsPerSec?: number;
  /**
   * Status of a DoSFilter refusal: Jetty's DoSFilter answers its `tooManyCode` init parameter, 503
   * by default in the Jetty 9.3 Zimbra 8.x shipped and 429 in later Jetty releases (Jetty DoSFilter
   * javadoc; field reports of Zimbra 9/10 behind newer Jetty).
   */
  dosFilterStatus?: 503 | 429;
}

export interface ZimbraEmulator {
  readonly url: string;
  readonly adminUrl: string;
  close(): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const JSON_TYPE = 'text/javascript; charset=utf-8';
const GATEWAY_TIMEOUT =
  '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export async function startZimbraEmulator(options: ZimbraEmulatorOptions): Promise<ZimbraEmulator> {
  const directory = loadDirectory(options.dataDir, options.version);
  const injector = options.faults ? createFaultInjector(parseFaultSpec(options.faults)) : NO_FAULTS;
  const dos = createDosFilter(atLeast(directory.version, 8) ? (options.dosFilterMaxRequestsPerSec ?? 30) : 0);
  const urls = { user: '', admin: '' };
  const state: EmulatorState = {
    directory,
    tokens: createTokenStore(),
    lifetimes: {
      userMs: options.userTokenLifetimeMs ?? 2 * 86_400_000,
      adminMs: options.adminTokenLifetimeMs ?? 12 * 3_600_000,
      delegatedMs: options.delegatedTokenLifetimeMs ?? 3_600_000,
    },
    nextTrace: createTraceSource(),
    urls,
  };
  const handlers = createHandlerTable();

  const serve =
    (port: Port) =>
    async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (port === 'user' && url.pathname === '/_emulator/reload') {
        if (req.method !== 'POST')
          return send(res, { status: 405, headers: {}, body: Buffer.alloc(0) }, undefined);
        state.directory = reloadDirectory(state.directory, loadDirectory(options.dataDir, options.version));
        return send(res, { status: 204, headers: {}, body: Buffer.alloc(0) }, undefined);
      }
      const cookies = parseCookies(req.headers.cookie);
      const isSoap = isSoapPath(url.pathname, port);
      let envelopeJson: Json | undefined;
      if (isSoap) envelopeJson = parseEnvelope(body);
      const token = isSoap
        ? envelopeJson &&
          soapToken(
            envelopeJson,
            cookies['ZM_AUTH_TOKEN'] ?? (port === 'admin' ? cookies['ZM_ADMIN_AUTH_TOKEN'] : undefined),
          )
        : restToken({ url, cookies, authorization: req.headers.authorization }, port);
      const fault = injector.decide(url.pathname);
      if (fault?.kind === 'revoke' && token) state.tokens.revoke(token);
      if (fault?.kind === 'slow') await delay(fault.param ?? 1000);
      const now = Date.now();
      const check = token ? state.tokens.check(token, now) : undefined;
      const dosKey = check?.ok ? `acct:${check.claims.accountId}` : `ip:${req.socket.remoteAddress ?? ''}`;
      let reply: Reply;
      if (fault && ['500', '503', '504'].includes(fault.kind)) reply = injectedReply(fault, isSoap, state);
      else if (dos.reject(dosKey, now)) {
        reply = { status: options.dosFilterStatus ?? 503, headers: {}, body: Buffer.alloc(0) };
      } else reply = route(state, handlers, port, req, url, cookies, envelopeJson);
      send(res, reply, fault);
    };

  const userServer = createServer((req, res) => void serve('user')(req, res).catch(() => res.destroy()));
  const adminServer = createServer((req, res) => void serve('admin')(req, res).catch(() => res.destroy()));
  const host = options.host ?? '127.0.0.1';
  urls.user = await listen(userServer, options.port ?? 0, host);
  urls.admin = await listen(adminServer, options.adminPort ?? 0, host);
  return {
    url: urls.user,
    adminUrl: urls.admin,
    close: () => Promise.all([userServer, adminServer].map(closeServer)).then(() => undefined),
  };
}

function isSoapPath(path: string, port: Port): boolean {
  const base = port === 'admin' ? '/service/admin/soap' : '/service/soap';
  return path === base || path.startsWith(`${base}/`);
}

function route(
  state: EmulatorState,
  handlers: ReturnType<typeof createHandlerTable>,
  port: Port,
  req: IncomingMessage,
  url: URL,
  cookies: Record<string, string>,
  envelopeJson: Json | undefined,
): Reply {
  if (isSoapPath(url.pathname, port)) {
    if (req.method !== 'POST') {
      return {
        status: 405,
        headers: { 'Content-Type': 'text/plain' },
        body: Buffer.from('HTTP method GET is not supported by this URL\n'),
      };
    }
    if (!envelopeJson) {
      return soapReply(
        500,
        envelope(
          {},
          'Fault',
          faultJson(faults.parseError('request is not a JSON SOAP envelope'), state.nextTrace()),
          undefined,
        ),
      );
    }
    const cookie =
      cookies['ZM_AUTH_TOKEN'] ?? (port === 'admin' ? cookies['ZM_ADMIN_AUTH_TOKEN'] : undefined);
    const result = dispatchSoap(state, handlers, port, envelopeJson, cookie);
    return soapReply(result.status, result.body);
  }
  const rest = handleRest(
    state,
    port,
    { url, cookies, authorization: req.headers.authorization } satisfies RestRequest,
    Date.now(),
  );
  return rest;
}

function soapReply(status: number, json: Json): Reply {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: Buffer.from(JSON.stringify(json), 'utf8') };
}

function injectedReply(fault: Fault, isSoap: boolean, state: EmulatorState): Reply {
  if (fault.kind === '503') return { status: 503, headers: {}, body: Buffer.alloc(0) };
  if (fault.kind === '504') {
    return { status: 504, headers: { 'Content-Type': 'text/html' }, body: Buffer.from(GATEWAY_TIMEOUT) };
  }
  if (isSoap) {
    return soapReply(
      500,
      envelope({}, 'Fault', faultJson(faults.failure('injected fault'), state.nextTrace()), undefined),
    );
  }
  return {
    status: 500,
    headers: { 'Content-Type': 'text/html' },
    body: Buffer.from('<html><body><h2>HTTP ERROR 500</h2></body></html>\n'),
  };
}

function send(res: ServerResponse, reply: Reply, fault: Fault | undefined): void {
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(reply.body.length) });
  if (fault?.kind === 'reset') {
    const cut = Math.min(reply.body.length, fault.param ?? Math.floor(reply.body.length / 2));
    res.write(reply.body.subarray(0, cut), () => res.socket?.destroy());
    return;
  }
  res.end(reply.body);
}

function parseEnvelope(body: Buffer): Json | undefined {
  const text = body
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return cookies;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${shown}:${address.port}`);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
