import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server as TcpServer,
  type Socket,
} from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FerryError, UserError } from '../../src/domain/errors.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { createGraphTransport } from '../../src/graph/transport.ts';
import { createOutbound, type Outbound } from '../../src/net/outbound-http.ts';
import { OutboundRefusedError } from '../../src/net/outbound-policy.ts';
import { createSoapTransport } from '../../src/zimbra/soap-transport.ts';
import { buildTestApp } from '../support/build-test-app.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createWorkgroupWithAgents, type SignedInAgent } from './msp-fixtures.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let database: TestDatabase;
let strict: Awaited<ReturnType<typeof buildTestApp>>['app'];
let allowing: Awaited<ReturnType<typeof buildTestApp>>['app'];
let strictOutbound: Outbound;
let allowingOutbound: Outbound;
let manager: SignedInAgent;
let administrator: SignedInAgent;
let stub: Server;
let stubUrl = '';
let stubHandler: Handler = (_req, res) => res.end();
let stubRequests = 0;
let hung: TcpServer;
let hungUrl = '';
const hungSockets: Socket[] = [];
let closedUrl = '';

/** Small timeouts: a server that never answers fails within a fraction of a second. */
const TIMEOUTS = { connectTimeoutMs: 300, headersTimeoutMs: 300, bodyTimeoutMs: 300 };

const listen = async (server: Server | TcpServer) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  stub = createHttpServer((req, res) => {
    stubRequests += 1;
    req.resume();
    req.on('end', () => stubHandler(req, res));
  });
  stubUrl = `http://127.0.0.1:${await listen(stub)}`;
  hung = createTcpServer((socket) => hungSockets.push(socket));
  hungUrl = `http://127.0.0.1:${await listen(hung)}`;
  const closed = createTcpServer();
  closedUrl = `http://127.0.0.1:${await listen(closed)}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  database = await createTestDatabase();
  strictOutbound = createOutbound({ allowedPrivateNetworks: [], ...TIMEOUTS });
  allowingOutbound = loopbackOutbound(TIMEOUTS);
  ({ app: strict } = await buildTestApp(database.db, { outbound: strictOutbound }));
  ({ app: allowing } = await buildTestApp(database.db, { outbound: allowingOutbound }));
  ({ manager, administrator } = await createWorkgroupWithAgents(database.db, 'Outbound'));
});

afterAll(async () => {
  await strict.close();
  await allowing.close();
  await strictOutbound.close();
  await allowingOutbound.close();
  await database.close();
  for (const socket of hungSockets) socket.destroy();
  await new Promise<void>((resolve) => hung.close(() => resolve()));
  await new Promise<void>((resolve) => stub.close(() => resolve()));
});

interface Check {
  check: string;
  ok: boolean;
  code?: string;
  message: string;
  fix?: string;
}

async function createEndpoint(body: Record<string, unknown>, who = manager): Promise<string> {
  const response = await allowing.inject({
    method: 'POST',
    url: '/api/endpoints',
    headers: who.headers,
    payload: { name: `Endpoint ${Math.random()}`, ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

async function validate(app: typeof strict, id: string, who = manager) {
  const response = await app.inject({
    method: 'POST',
    url: `/api/endpoints/${id}/validate`,
    headers: who.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ ok: boolean; checks: Check[] }>();
}

const zimbraUserMode = (serverUrl: string) => ({
  kind: 'zimbra',
  serverUrl,
  adminUrl: serverUrl,
  provideCredentials: false,
});

const soapJson: (body: unknown, status?: number) => Handler =
  (body, status = 200) =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

describe('validating an endpoint on a loopback address', () => {
  it('is refused without the allow-list, before any request reaches the server, and says how to allow it', async () => {
    stubHandler = soapJson({ Body: { NoOpResponse: {} } });
    const before = stubRequests;
    const result = await validate(strict, await createEndpoint(zimbraUserMode(stubUrl)));
    expect(result.ok).toBe(false);
    const [check] = result.checks;
    expect(check?.code).toBe('OUTBOUND_ADDRESS_REFUSED');
    expect(check?.message).toContain('Connecting to 127.0.0.1 is not allowed: it is a loopback address.');
    expect(check?.message).toContain('set FERRY_ALLOWED_PRIVATE_NETWORKS=127.0.0.1/32');
    expect(check?.fix).toContain('FERRY_ALLOWED_PRIVATE_NETWORKS');
    expect(stubRequests).toBe(before);
  });

  it('refuses a name that resolves to loopback as well', async () => {
    const before = stubRequests;
    const port = new URL(stubUrl).port;
    const result = await validate(strict, await createEndpoint(zimbraUserMode(`http://localhost:${port}`)));
    expect(result.checks[0]?.code).toBe('OUTBOUND_ADDRESS_REFUSED');
    expect(result.checks[0]?.message).toMatch(
      /Connecting to localhost is not allowed: it resolves to (127\.0\.0\.1|::1), a loopback address/,
    );
    expect(stubRequests).toBe(before);
  });

  it('refuses the identity platform of a Microsoft 365 endpoint on loopback', async () => {
    const id = await createEndpoint({
      kind: 'm365',
      applicationId: '44444444-4444-4444-8444-444444444444',
      tenantId: '33333333-3333-4333-8333-333333333333',
      clientSecret: 'secret',
      provideCredentials: true,
      authorityUrl: stubUrl,
      graphUrl: stubUrl,
    });
    const result = await validate(strict, id);
    expect(result.checks[0]).toMatchObject({ ok: false, code: 'OUTBOUND_ADDRESS_REFUSED' });
  });

  it('connects when loopback is in FERRY_ALLOWED_PRIVATE_NETWORKS', async () => {
    stubHandler = soapJson({ Body: { NoOpResponse: {} } });
    const before = stubRequests;
    const result = await validate(allowing, await createEndpoint(zimbraUserMode(stubUrl)));
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(stubRequests).toBe(before + 1);
  });
});

describe('what a validation tells', () => {
  it('reads the same for a closed port, a server that never answers and a TLS handshake with a plain port', async () => {
    const messages: string[] = [];
    for (const url of [closedUrl, hungUrl, stubUrl.replace('http:', 'https:')]) {
      stubHandler = (_req, res) => res.end('plain http');
      const result = await validate(allowing, await createEndpoint(zimbraUserMode(url)));
      expect(result.ok).toBe(false);
      const check = result.checks[0]!;
      // The address the agent entered is named as entered; the rest must not differ.
      const told = `${check.code} ${check.message} ${check.fix}`;
      messages.push(told.replaceAll(/:\d+/g, ':PORT').replaceAll('https:', 'http:'));
    }
    expect(new Set(messages).size, messages.join('\n')).toBe(1);
    expect(messages[0]).toContain('could not connect to 127.0.0.1:PORT');
  });

  it('never repeats the text of a foreign answer: a SOAP fault reason, an HTML page', async () => {
    stubHandler = soapJson(
      {
        Body: {
          Fault: {
            Reason: { Text: 'BANNER-fault internal.corp build 7' },
            Detail: { Error: { Code: 'custom.WEIRD' } },
          },
        },
      },
      500,
    );
    const admin = await createEndpoint({
      kind: 'zimbra',
      serverUrl: stubUrl,
      adminUrl: stubUrl,
      provideCredentials: true,
      adminUsername: 'admin@example.com',
      adminPassword: 'pw',
    });
    const faulted = await validate(allowing, admin);
    expect(faulted.ok).toBe(false);
    expect(JSON.stringify(faulted)).not.toContain('BANNER');
    expect(JSON.stringify(faulted)).not.toContain('custom.WEIRD');

    stubHandler = (_req, res) =>
      res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>BANNER-html</h1>');
    const html = await validate(allowing, admin);
    expect(html.ok).toBe(false);
    expect(JSON.stringify(html)).not.toContain('BANNER');
  });

  it('still explains a Zimbra fault Ferry knows, in its own words', async () => {
    stubHandler = soapJson(
      {
        Body: {
          Fault: {
            Reason: { Text: 'BANNER authentication failed for [admin@example.com]' },
            Detail: { Error: { Code: 'account.AUTH_FAILED' } },
          },
        },
      },
      500,
    );
    const result = await validate(
      allowing,
      await createEndpoint({
        kind: 'zimbra',
        serverUrl: stubUrl,
        adminUrl: stubUrl,
        provideCredentials: true,
        adminUsername: 'admin@example.com',
        adminPassword: 'pw',
      }),
    );
    expect(result.checks[0]).toMatchObject({ code: 'account.AUTH_FAILED' });
    expect(result.checks[0]?.message).toContain('Zimbra refused the username or password');
    expect(JSON.stringify(result)).not.toContain('BANNER');
  });

  it('is limited to 10 a minute per agent, with a clear 429', async () => {
    const id = await createEndpoint(zimbraUserMode(stubUrl), administrator);
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 11; i++) {
      const response = await strict.inject({
        method: 'POST',
        url: `/api/endpoints/${id}/validate`,
        headers: administrator.headers,
      });
      statuses.push(response.statusCode);
      last = response.body;
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(JSON.parse(last)).toMatchObject({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringContaining('at most 10 times a minute per agent'),
      },
    });
    // Another agent still validates.
    expect((await validate(strict, id)).ok).toBe(false);
  });
});

describe('the clients on the outbound layer', () => {
  it('give up on a server that accepts but never answers with a transient error, within the timeout', async () => {
    const soap = createSoapTransport({
      url: hungUrl,
      adminUrl: undefined,
      maxAttempts: 1,
      fetch: allowingOutbound.fetch,
    });
    const zimbraError = await soap
      .call({ port: 'user', request: 'NoOpRequest', namespace: 'urn:zimbraMail', body: {}, rateKey: 'a' })
      .catch((e: unknown) => e);
    expect(zimbraError).toBeInstanceOf(FerryError);
    expect((zimbraError as FerryError).kind).toBe('transient');

    const graph = createGraphTransport({
      graphUrl: hungUrl,
      getToken: () => Promise.resolve('token'),
      limits: MICROSOFT_LIMITS,
      maxAttempts: 1,
      fetch: allowingOutbound.fetch,
    });
    const graphError = await graph
      .request({ method: 'GET', path: '/v1.0/users/a@x', mailbox: 'a@x' })
      .catch((e: unknown) => e);
    expect(graphError).toBeInstanceOf(FerryError);
    expect((graphError as FerryError).kind).toBe('transient');
  });

  it('turn an answer whose body stalls into a transient error', async () => {
    stubHandler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"Body":');
    };
    const soap = createSoapTransport({
      url: stubUrl,
      adminUrl: undefined,
      maxAttempts: 1,
      fetch: allowingOutbound.fetch,
    });
    const error = await soap
      .call({ port: 'user', request: 'NoOpRequest', namespace: 'urn:zimbraMail', body: {}, rateKey: 'a' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).kind).toBe('transient');
  });

  it('do not retry a refused address: the refusal reaches the caller at once', async () => {
    const slept: number[] = [];
    const soap = createSoapTransport({
      url: stubUrl,
      adminUrl: undefined,
      fetch: strictOutbound.fetch,
      clock: { now: () => 0, sleep: (ms) => (slept.push(ms), Promise.resolve()) },
    });
    const error = await soap
      .call({ port: 'user', request: 'NoOpRequest', namespace: 'urn:zimbraMail', body: {}, rateKey: 'a' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect(error).toBeInstanceOf(UserError);
    expect(slept).toEqual([]);
  });
});
