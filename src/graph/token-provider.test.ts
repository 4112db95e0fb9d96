import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../domain/errors.ts';
import { Secret } from '../domain/secret.ts';
import { createTokenProvider } from './token-provider.ts';

let server: Server;
let origin = '';
let tokenRequests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const tenant = (req.url ?? '').split('/')[1] ?? '';
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('openid-configuration')) {
        if (tenant === 'no-such-tenant') {
          res.statusCode = 400;
          res.end(
            JSON.stringify({
              error: 'invalid_tenant',
              error_description: "AADSTS90002: Tenant 'no-such-tenant' not found.",
            }),
          );
          return;
        }
        const base = `${origin}/${tenant}`;
        res.end(
          JSON.stringify({
            token_endpoint: `${base}/oauth2/v2.0/token`,
            issuer: `${base}/v2.0`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            jwks_uri: `${base}/discovery/v2.0/keys`,
            end_session_endpoint: `${base}/oauth2/v2.0/logout`,
            response_types_supported: ['code'],
          }),
        );
        return;
      }
      tokenRequests += 1;
      const form = new URLSearchParams(body);
      if (form.get('client_secret') !== 'right') {
        res.statusCode = 401;
        res.end(
          JSON.stringify({
            error: 'invalid_client',
            error_description: 'AADSTS7000215: Invalid client secret provided.',
            error_codes: [7000215],
          }),
        );
        return;
      }
      res.end(
        JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: `token-${tokenRequests}` }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const credentials = (secret: string, tenantId = 'contoso-tenant') => ({
  authorityUrl: origin,
  tenantId,
  clientId: '00000000-0000-4000-8000-0000000000a1',
  credential: new Secret(secret),
  scope: 'https://graph.microsoft.com/.default',
});

describe('token provider', () => {
  it('gets a client-credentials token from a plain-http authority, caches it and refreshes on demand', async () => {
    const getToken = createTokenProvider(credentials('right'), { fetch });
    const first = await getToken(false);
    expect(first).toMatch(/^token-\d+$/);
    expect(await getToken(false)).toBe(first);
    expect(await getToken(true)).not.toBe(first);
  });

  it('explains a wrong client secret in plain words', async () => {
    const error = await createTokenProvider(credentials('wrong'), { fetch })(false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('AADSTS7000215');
    expect((error as UserError).message).toContain('Value (not its Secret ID)');
    expect((error as UserError).message).not.toContain('wrong');
  });

  it('explains an unknown tenant in plain words', async () => {
    const error = await createTokenProvider(credentials('right', 'no-such-tenant'), { fetch })(false).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/Directory \(tenant\) ID|tenant/);
  });

  it('asks the identity platform once for 50 concurrent callers, and once for 50 concurrent renewals', async () => {
    const getToken = createTokenProvider(credentials('right'), { fetch });
    const before = tokenRequests;
    const tokens = await Promise.all(Array.from({ length: 50 }, () => getToken(false)));
    expect(tokenRequests - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const renewed = await Promise.all(Array.from({ length: 50 }, () => getToken(true)));
    expect(tokenRequests - before).toBe(2);
    expect(new Set(renewed).size).toBe(1);
    expect(renewed[0]).not.toBe(tokens[0]);
  });

  it('keeps a token until shortly before it expires, then renews it', async () => {
    const clock = { t: 0, now: () => clock.t, sleep: () => Promise.resolve() };
    const getToken = createTokenProvider(credentials('right'), { fetch, clock });
    const first = await getToken(false);
    clock.t += 50 * 60_000; // the token lives 3599 s; renewal starts 5 minutes before the end
    expect(await getToken(false)).toBe(first);
    clock.t += 6 * 60_000;
    expect(await getToken(false)).not.toBe(first);
  });

  it('repeats no text of a refusal it cannot explain, only its code', async () => {
    const error = await createTokenProvider(credentials('right', 'odd-tenant'), {
      fetch: async (input, init) => {
        if (!(input as string).includes('/token')) return fetch(input, init);
        return new Response(
          JSON.stringify({ error: 'invalid_request', error_description: 'secret internal banner 42' }),
          { status: 400, headers: { 'content-type': 'application/json' } },
        );
      },
    })(false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).not.toContain('banner');
    expect((error as UserError).message).toContain('invalid_request');
  });
});
