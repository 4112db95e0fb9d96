import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFirstAdministrator } from '../../src/api/first-administrator.ts';
import { createAgent } from '../../src/db/agents.ts';
import { createSetupToken } from '../../src/db/setup-tokens.ts';
import { hashPassword } from '../../src/secrets/password-hash.ts';
import { hashToken, newToken } from '../../src/secrets/tokens.ts';
import { buildTestApp, cookiesOf } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ADMIN = {
  workgroupName: 'Acme MSP',
  name: 'Ada Admin',
  email: 'ada@msp.example',
  password: 'correct horse battery',
};

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let logLines: string[];

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app, logLines } = await buildTestApp(database.db));
});

afterAll(async () => {
  await app.close();
  await database.close();
});

async function signIn(email: string, password: string, remoteAddress = '127.0.0.1') {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
    remoteAddress,
  });
  return { response, cookies: cookiesOf(response.headers['set-cookie']) };
}

/** Moves the account's sign-in attempts into the past, as if the caller had waited. */
async function backdateAttempts(email: string, ms: number) {
  await sql`update login_attempts set at = at - ${`${ms} milliseconds`}::interval where lower(email) = ${email.toLowerCase()}`.execute(
    database.db,
  );
}

describe('first Administrator setup', () => {
  it('says setup is needed, refuses a wrong link, and creates the Administrator with a valid one', async () => {
    expect((await app.inject('/api/setup')).json()).toEqual({ needed: true });
    const token = newToken();
    await createSetupToken(database.db, hashToken(token), new Date(Date.now() + 60_000));

    const wrong = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { ...ADMIN, token: 'nope' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('SETUP_LINK_INVALID');

    const created = await app.inject({ method: 'POST', url: '/api/setup', payload: { ...ADMIN, token } });
    expect(created.statusCode).toBe(201);
    expect(created.json().agent).toMatchObject({ email: ADMIN.email, role: 'administrator' });
    const session = cookiesOf(created.headers['set-cookie']);
    const me = await app.inject({ url: '/api/auth/me', headers: { cookie: session.header } });
    expect(me.json().agent.name).toBe(ADMIN.name);

    const again = await app.inject({ method: 'POST', url: '/api/setup', payload: { ...ADMIN, token } });
    expect(again.statusCode).toBe(409);
    expect((await app.inject('/api/setup')).json()).toEqual({ needed: false });
  });

  it('rejects a too-short password with a field-level validation error', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { ...ADMIN, password: 'short', token: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(response.json().error.message).toContain('password');
  });
});

describe('authentication', () => {
  it('answers 401 in the one error shape on every protected route without credentials', async () => {
    const spec = (await app.inject('/api/openapi.json')).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const publicRoutes = new Set([
      'GET /api/health',
      'GET /api/setup',
      'POST /api/setup',
      'POST /api/auth/login',
      'POST /api/invitations/lookup',
      'POST /api/invitations/accept',
      'POST /api/password-resets/lookup',
      'POST /api/password-resets/complete',
    ]);
    const checked: string[] = [];
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const method of Object.keys(methods)) {
        const route = `${method.toUpperCase()} ${path}`;
        if (publicRoutes.has(route)) continue;
        const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const response = await app.inject({ method: method.toUpperCase() as 'GET', url });
        expect(response.statusCode, route).toBe(401);
        expect(response.json().error.code, route).toBe('UNAUTHENTICATED');
        checked.push(route);
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining(['GET /api/auth/me', 'GET /api/tokens', 'POST /api/tokens']),
    );
  });

  it('serves health, the OpenAPI document and the docs page without authentication', async () => {
    expect((await app.inject('/api/health')).json()).toMatchObject({ status: 'ok', db: { status: 'ok' } });
    expect((await app.inject('/api/openapi.json')).json().openapi).toBe('3.1.0');
    expect((await app.inject('/api/docs')).statusCode).toBeLessThan(400);
  });

  it('slows down guessing per account without locking the right password out', async () => {
    const email = 'locked@msp.example';
    const { id: workgroupId } = await database.db
      .selectFrom('workgroups')
      .select('id')
      .executeTakeFirstOrThrow();
    await createAgent(database.db, {
      workgroupId,
      email,
      name: 'Lou',
      role: 'agent',
      passwordHash: await hashPassword('the right password'),
    });
    const attacker = '203.0.113.7';
    for (let attempt = 0; attempt < 5; attempt++) {
      const { response } = await signIn(email, 'wrong password', attacker);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('SIGN_IN_FAILED');
    }
    // The sixth attempt comes too soon, whoever sends it: it waits 1 second, then 2, then 4.
    const tooSoon = await signIn(email, 'the right password', '198.51.100.2');
    expect(tooSoon.response.statusCode).toBe(429);
    expect(tooSoon.response.json().error).toMatchObject({
      code: 'SIGN_IN_DELAYED',
      message: 'Too many failed sign-ins for this account; try again in 1 second.',
    });
    expect(tooSoon.response.headers['retry-after']).toBe('1');

    await backdateAttempts(email, 2_000);
    expect((await signIn(email, 'still wrong', attacker)).response.statusCode).toBe(401);
    expect((await signIn(email, 'the right password', attacker)).response.headers['retry-after']).toBe('2');

    await backdateAttempts(email, 3_000);
    const owner = await signIn(email, 'the right password', '198.51.100.2');
    expect(owner.response.statusCode).toBe(200);
    // A success clears the slate.
    expect((await signIn(email, 'wrong again', attacker)).response.statusCode).toBe(401);
  });

  it('gives the same answer for an unknown email as for a wrong password', async () => {
    const { response } = await signIn('nobody@msp.example', 'whatever it is');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it('requires the CSRF token on cookie-authenticated changes', async () => {
    const { response, cookies } = await signIn(ADMIN.email, ADMIN.password);
    expect(response.statusCode).toBe(200);
    expect(response.headers['set-cookie']?.toString()).toMatch(/ferry_session=[^;]+;.*HttpOnly/i);
    const withoutCsrf = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: cookies.header },
      payload: { name: 'x' },
    });
    expect(withoutCsrf.statusCode).toBe(403);
    expect(withoutCsrf.json().error.code).toBe('CSRF_FAILED');
    const withCsrf = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: cookies.header, 'x-csrf-token': cookies.values.ferry_csrf },
      payload: { name: 'x' },
    });
    expect(withCsrf.statusCode).toBe(201);
  });

  it('ends the session on sign-out', async () => {
    const { cookies } = await signIn(ADMIN.email, ADMIN.password);
    const out = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: cookies.header, 'x-csrf-token': cookies.values.ferry_csrf },
    });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie: cookies.header } })).statusCode).toBe(
      401,
    );
  });

  it('refuses inactive agents', async () => {
    const { id: workgroupId } = await database.db
      .selectFrom('workgroups')
      .select('id')
      .executeTakeFirstOrThrow();
    await createAgent(database.db, {
      workgroupId,
      email: 'gone@msp.example',
      name: 'Gone',
      role: 'inactive',
      passwordHash: await hashPassword('a fine password'),
    });
    expect((await signIn('gone@msp.example', 'a fine password')).response.statusCode).toBe(401);
  });
});

describe('personal API tokens', () => {
  it('authenticate as Bearer until revoked, and their value is shown only once', async () => {
    const { cookies } = await signIn(ADMIN.email, ADMIN.password);
    const headers = { cookie: cookies.header, 'x-csrf-token': cookies.values.ferry_csrf! };
    const created = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers,
      payload: { name: 'ci' },
    });
    const { value, token } = created.json<{ value: string; token: { id: string; prefix: string } }>();
    expect(value.startsWith(token.prefix)).toBe(true);

    const bearer = { authorization: `Bearer ${value}` };
    expect((await app.inject({ url: '/api/auth/me', headers: bearer })).json().agent.email).toBe(ADMIN.email);
    const listed = await app.inject({ url: '/api/tokens', headers: bearer });
    expect(JSON.stringify(listed.json())).not.toContain(value);

    // Bearer requests need no CSRF token: no browser sends them on its own.
    const revoked = await app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: bearer });
    expect(revoked.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/auth/me', headers: bearer })).statusCode).toBe(401);
  });

  it('cannot be revoked by another agent', async () => {
    const other = await createFirstAdministrator(database.db, {
      workgroupName: 'Other MSP',
      name: 'Otto',
      email: 'otto@other.example',
      password: 'another good password',
    });
    const { cookies } = await signIn(ADMIN.email, ADMIN.password);
    const headers = { cookie: cookies.header, 'x-csrf-token': cookies.values.ferry_csrf! };
    const created = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers,
      payload: { name: 'mine' },
    });
    const { cookies: otherCookies } = await signIn(other.email, 'another good password');
    const attempt = await app.inject({
      method: 'DELETE',
      url: `/api/tokens/${created.json().token.id}`,
      headers: { cookie: otherCookies.header, 'x-csrf-token': otherCookies.values.ferry_csrf! },
    });
    expect(attempt.statusCode).toBe(404);
  });
});

describe('secrets in logs and responses', () => {
  it('never logs a password, a session cookie or a token value', async () => {
    const { cookies } = await signIn(ADMIN.email, ADMIN.password);
    const headers = { cookie: cookies.header, 'x-csrf-token': cookies.values.ferry_csrf! };
    const { value } = (
      await app.inject({ method: 'POST', url: '/api/tokens', headers, payload: { name: 'log' } })
    ).json();
    await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${value}` } });
    const logs = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of [
      ADMIN.password,
      cookies.values.ferry_session!,
      cookies.values.ferry_csrf!,
      value as string,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('answers unknown routes in the one error shape, and only to a signed-in agent', async () => {
    expect((await app.inject('/api/nothing-here')).statusCode).toBe(401);
    const { cookies } = await signIn(ADMIN.email, ADMIN.password);
    const response = await app.inject({ url: '/api/nothing-here', headers: { cookie: cookies.header } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: expect.any(String), details: {} },
    });
  });
});
