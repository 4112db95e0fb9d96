import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { MailboxError } from '../domain/errors.ts';
import { GraphRequestError, GraphUnavailableError } from './graph-error.ts';
import { MICROSOFT_LIMITS } from './mailbox-budget.ts';
import { createGraphTransport, parseRetryAfter } from './transport.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let baseUrl = '';
let script: Handler[] = [];
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const next = script.shift() ?? ((_q, r) => r.writeHead(500).end('no script'));
      next(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  script = [];
  seen.length = 0;
});

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res
      .writeHead(status, { 'content-type': 'application/json', 'request-id': 'rid-1', ...headers })
      .end(JSON.stringify(body));
  };
const graphError = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(
    status,
    { error: { code, message: `${code} happened`, innerError: { 'request-id': 'rid-e' } } },
    headers,
  );

function transport(overrides: { getToken?: (force: boolean) => Promise<string> } = {}) {
  const slept: number[] = [];
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      slept.push(ms);
      clock.t += ms;
      await Promise.resolve();
    },
  };
  const t = createGraphTransport({
    graphUrl: baseUrl,
    getToken: overrides.getToken ?? (() => Promise.resolve('token-1')),
    limits: MICROSOFT_LIMITS,
    clock,
    random: () => 0.5,
    fetch,
  });
  return { t, slept };
}

describe('Graph transport', () => {
  it('sends the token, a client-request-id and the ImmutableId preference', async () => {
    script.push(json(200, { id: 'm1' }));
    const { t } = transport();
    const response = await t.request<{ id: string }>({
      method: 'POST',
      path: '/v1.0/users/a@x/messages',
      mailbox: 'a@x',
      json: { subject: 's' },
    });
    expect(response.body.id).toBe('m1');
    expect(response.requestId).toBe('rid-1');
    expect(seen[0]?.headers.authorization).toBe('Bearer token-1');
    expect(seen[0]?.headers['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0]?.headers.prefer).toBe('IdType="ImmutableId"');
    expect(JSON.parse(seen[0]!.body)).toEqual({ subject: 's' });
  });

  it('waits Retry-After (fractional seconds) on 429 and then succeeds, counting the throttle', async () => {
    script.push(graphError(429, 'ApplicationThrottled', { 'retry-after': '2.128' }), json(201, { id: 'm2' }));
    const { t, slept } = transport();
    const response = await t.request({
      method: 'POST',
      path: '/v1.0/users/b@x/messages',
      mailbox: 'b@x',
      json: {},
    });
    expect(response.status).toBe(201);
    expect(slept).toEqual([2128]);
    expect(t.stats('b@x')).toMatchObject({ requests: 2, throttled: 1, throttledWaitMs: 2128 });
  });

  it('does not repeat a create answered 503, even with Retry-After: Exchange may have committed it', async () => {
    script.push(graphError(503, 'ServiceUnavailable', { 'retry-after': '1' }), json(201, { id: 'm3' }));
    const { t } = transport();
    const error = await t
      .request({ method: 'POST', path: '/v1.0/x', mailbox: 'c@x', json: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect((error as GraphUnavailableError).mayHaveSucceeded).toBe(true);
    expect((error as GraphUnavailableError).retryAfterMs).toBe(1000);
    expect(seen).toHaveLength(1);
  });

  it('retries a read answered 503 with Retry-After', async () => {
    script.push(graphError(503, 'ServiceUnavailable', { 'retry-after': '1' }), json(200, { value: [] }));
    const { t } = transport();
    expect((await t.request({ method: 'GET', path: '/v1.0/x', mailbox: 'c@x' })).status).toBe(200);
  });

  it('stops the mailbox when Exchange says it is full', async () => {
    script.push(graphError(400, 'ErrorQuotaExceeded'));
    const { t } = transport();
    const error = await t
      .request({ method: 'POST', path: '/v1.0/x', mailbox: 'full@x', json: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailboxError);
    expect((error as MailboxError).code).toBe('MAILBOX_FULL');
  });

  it('retries a read after 500/504 with jittered backoff', async () => {
    script.push(graphError(500, 'UnknownError'), graphError(504, 'GatewayTimeout'), json(200, { value: [] }));
    const { t, slept } = transport();
    expect((await t.request({ method: 'GET', path: '/v1.0/x', mailbox: 'd@x' })).status).toBe(200);
    expect(slept).toEqual([500, 1000]);
  });

  it('does not repeat a create whose outcome is unknown, and says so', async () => {
    script.push(graphError(504, 'GatewayTimeout'));
    const { t } = transport();
    const error = await t
      .request({ method: 'POST', path: '/v1.0/x', mailbox: 'e@x', json: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect((error as GraphUnavailableError).mayHaveSucceeded).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('treats an answer cut mid-body like a lost connection: a create says it may have succeeded, a repeatable call retries', async () => {
    const cut: Handler = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '400' });
      res.write('{"id":"ev', () => res.destroy());
    };
    script.push(cut);
    const { t } = transport();
    const error = await t
      .request({ method: 'POST', path: '/v1.0/x', mailbox: 'f@x', json: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect((error as GraphUnavailableError).mayHaveSucceeded).toBe(true);

    script.push(cut, json(201, { id: 'ev-1' }));
    const retried = await t.request<{ id: string }>({
      method: 'POST',
      path: '/v1.0/x',
      mailbox: 'f@x',
      json: { transactionId: 't-1' },
      repeatable: true,
    });
    expect(retried.body).toEqual({ id: 'ev-1' });
    expect(seen.map((s) => s.body)).toEqual(['{}', '{"transactionId":"t-1"}', '{"transactionId":"t-1"}']);
  });

  it('refreshes the token once after InvalidAuthenticationToken', async () => {
    script.push(graphError(401, 'InvalidAuthenticationToken'), json(200, {}));
    const forced: boolean[] = [];
    const { t } = transport({
      getToken: (force) => {
        forced.push(force);
        return Promise.resolve(force || forced.includes(true) ? 'token-2' : 'token-1');
      },
    });
    await t.request({ method: 'GET', path: '/v1.0/x', mailbox: 'f@x' });
    expect(forced).toContain(true);
    expect(seen[1]?.headers.authorization).toBe('Bearer token-2');
  });

  it('turns a refusal into an error carrying Graph code, request ids and the mailbox', async () => {
    script.push(graphError(404, 'MailboxNotEnabledForRESTAPI'));
    const { t } = transport();
    const error = await t
      .request({ method: 'GET', path: '/v1.0/users/g@x', mailbox: 'g@x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    const failure = (error as GraphRequestError).failure;
    expect(failure).toMatchObject({
      status: 404,
      graphCode: 'MailboxNotEnabledForRESTAPI',
      requestId: 'rid-1',
    });
    expect((error as GraphRequestError).message).toContain('client-request-id');
    expect((error as GraphRequestError).context.user).toBe('g@x');
  });

  it('uploads a range to a pre-authenticated URL without the token, throttled like any call', async () => {
    script.push(
      graphError(429, 'ApplicationThrottled', { 'retry-after': '1' }),
      json(200, { nextExpectedRanges: ['4'] }),
    );
    const { t, slept } = transport();
    const bytes = new Uint8Array([9, 1, 2, 3, 4, 9]).subarray(1, 5);
    const response = await t.upload<{ nextExpectedRanges: string[] }>({
      url: `${baseUrl}/api/v2.0/Users('u')/AttachmentSessions('s')?authtoken=secret`,
      mailbox: 'h@x',
      bytes,
      contentRange: 'bytes 0-3/8',
    });
    expect(response.body.nextExpectedRanges).toEqual(['4']);
    expect(slept).toEqual([1000]);
    expect(seen[1]?.headers.authorization).toBeUndefined();
    expect(seen[1]?.headers['content-range']).toBe('bytes 0-3/8');
    expect(seen[1]?.headers['content-length']).toBe('4');
    expect(seen[1]?.body).toBe('\u0001\u0002\u0003\u0004');
    expect(t.stats('h@x')).toMatchObject({ requests: 2, throttled: 1, uploadBytes: 8 });
  });

  it('keeps the upload token out of errors', async () => {
    script.push(graphError(404, 'ErrorItemNotFound'));
    const { t } = transport();
    const error = await t
      .upload({
        url: `${baseUrl}/api/v2.0/S?authtoken=secret`,
        mailbox: 'i@x',
        bytes: new Uint8Array(1),
        contentRange: 'bytes 0-0/1',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as GraphRequestError).message).not.toContain('secret');
  });

  it('parses Retry-After forms', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
