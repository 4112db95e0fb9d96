import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAgent } from '../../src/db/agents.ts';
import { listAudit } from '../../src/db/audit-log.ts';
import type { AgentRole } from '../../src/domain/agents.ts';
import { hashPassword } from '../../src/secrets/password-hash.ts';
import { buildTestApp, cookiesOf, recordingMailer } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createWorkgroupWithAgents } from './msp-fixtures.ts';

const COMMON = 'This password is on a list of commonly used passwords; choose another.';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
const mailer = recordingMailer();
let workgroups = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app } = await buildTestApp(database.db, { mailer, publicUrl: 'https://ferry.acct.example' }));
});

afterAll(async () => {
  await app.close();
  await database.close();
});

type Headers = Record<string, string>;

/** A workgroup whose agent of the given role also has a password. */
async function workgroupWithPasswordAgent(role: AgentRole = 'agent', password = 'my first good password') {
  const wg = await createWorkgroupWithAgents(database.db, `Accounts MSP ${++workgroups}`);
  const agent = await createAgent(database.db, {
    workgroupId: wg.workgroupId,
    email: `pat${workgroups}@acct.example`,
    name: 'Pat',
    role,
    passwordHash: await hashPassword(password),
  });
  return { wg, agent, password };
}

async function signIn(email: string, password: string, remoteAddress = '127.0.0.1') {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
    remoteAddress,
  });
  const cookies = cookiesOf(response.headers['set-cookie']);
  return {
    response,
    headers: { cookie: cookies.header, 'x-csrf-token': cookies.values.ferry_csrf ?? '' } as Headers,
  };
}

async function newToken(headers: Headers, body: object = { name: 'script' }) {
  return app.inject({ method: 'POST', url: '/api/tokens', headers, payload: body });
}

const me = (headers: Headers) => app.inject({ url: '/api/auth/me', headers });

async function auditActions(workgroupId: string) {
  return (await listAudit(database.db, workgroupId, 500)).reverse();
}

describe('changing your own password', () => {
  it('needs the current password, applies the policy, and ends every other session and token', async () => {
    const { wg, agent, password } = await workgroupWithPasswordAgent();
    const here = await signIn(agent.email, password);
    const elsewhere = await signIn(agent.email, password);
    const token = (await newToken(here.headers)).json<{ value: string }>().value;
    const bearer = { authorization: `Bearer ${token}` };

    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: here.headers,
      payload: { currentPassword: 'not my password', newPassword: 'a brand new passphrase' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: 'CURRENT_PASSWORD_WRONG',
      details: { field: 'currentPassword' },
    });

    const common = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: here.headers,
      payload: { currentPassword: password, newPassword: 'Password1234' },
    });
    expect(common.statusCode).toBe(400);
    expect(common.json().error.details.problems).toEqual([{ field: 'newPassword', message: COMMON }]);

    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: here.headers,
      payload: { currentPassword: password, newPassword: 'a brand new passphrase' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });

    expect((await me(here.headers)).statusCode).toBe(200);
    expect((await me(elsewhere.headers)).statusCode).toBe(401);
    expect((await me(bearer)).statusCode).toBe(401);
    expect((await signIn(agent.email, password)).response.statusCode).toBe(401);
    expect((await signIn(agent.email, 'a brand new passphrase')).response.statusCode).toBe(200);

    const audit = await auditActions(wg.workgroupId);
    const change = audit.find((entry) => entry.action === 'agent.password_changed');
    expect(change).toMatchObject({
      agentId: agent.id,
      target: agent.email,
      details: { sessionsEnded: 1, tokensRevoked: 1 },
    });
    expect(audit.map((entry) => entry.action)).toContain('agent.password_change_refused');
    expect(JSON.stringify(audit)).not.toContain('a brand new passphrase');
  });

  it('keeps the API token that made the change, and ends the sessions', async () => {
    const { agent, password } = await workgroupWithPasswordAgent();
    const session = await signIn(agent.email, password);
    const kept = { authorization: `Bearer ${(await newToken(session.headers)).json().value}` };
    const other = { authorization: `Bearer ${(await newToken(session.headers)).json().value}` };
    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: kept,
      payload: { currentPassword: password, newPassword: 'changed from the command line' },
    });
    expect(changed.json()).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
    expect((await me(kept)).statusCode).toBe(200);
    expect((await me(other)).statusCode).toBe(401);
    expect((await me(session.headers)).statusCode).toBe(401);
  });
});

describe('password reset by an Administrator', () => {
  function linkTokenOf(text: string): string {
    const match = /https:\/\/ferry\.acct\.example\/reset-password\?token=(\S+)/.exec(text);
    expect(match).not.toBeNull();
    return decodeURIComponent(match![1]!);
  }

  it('emails a one-time link; setting the password ends every session and token of the agent', async () => {
    const { wg, agent, password } = await workgroupWithPasswordAgent();
    const session = await signIn(agent.email, password);
    const bearer = { authorization: `Bearer ${(await newToken(session.headers)).json().value}` };

    const byManager = await app.inject({
      method: 'POST',
      url: `/api/agents/${agent.id}/password-reset`,
      headers: wg.manager.headers,
    });
    expect(byManager.statusCode).toBe(403);

    const sentBefore = mailer.sent.length;
    const first = await app.inject({
      method: 'POST',
      url: `/api/agents/${agent.id}/password-reset`,
      headers: wg.administrator.headers,
    });
    expect(first.statusCode).toBe(202);
    const firstToken = linkTokenOf(mailer.sent[sentBefore]!.text);
    await app.inject({
      method: 'POST',
      url: `/api/agents/${agent.id}/password-reset`,
      headers: wg.administrator.headers,
    });
    const mail = mailer.sent[sentBefore + 1]!;
    expect(mail.to).toEqual([agent.email]);
    const token = linkTokenOf(mail.text);
    // Only the hash of the link is stored.
    const stored = await database.db.selectFrom('password_resets').select('token_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    const replaced = await app.inject({
      method: 'POST',
      url: '/api/password-resets/lookup',
      payload: { token: firstToken },
    });
    expect(replaced.statusCode).toBe(404);
    expect(replaced.json().error.code).toBe('PASSWORD_RESET_INVALID');
    const lookup = await app.inject({
      method: 'POST',
      url: '/api/password-resets/lookup',
      payload: { token },
    });
    expect(lookup.json()).toMatchObject({ email: agent.email });
    // Until the new password is set, the agent keeps working.
    expect((await me(bearer)).statusCode).toBe(200);

    const tooShort = await app.inject({
      method: 'POST',
      url: '/api/password-resets/complete',
      payload: { token, password: 'elevenchars' },
    });
    expect(tooShort.statusCode).toBe(400);
    const completed = await app.inject({
      method: 'POST',
      url: '/api/password-resets/complete',
      payload: { token, password: 'reset to something new' },
    });
    expect(completed.statusCode).toBe(200);
    expect(completed.json().agent.id).toBe(agent.id);
    const fresh = cookiesOf(completed.headers['set-cookie']);
    expect((await me({ cookie: fresh.header })).statusCode).toBe(200);
    expect((await me(session.headers)).statusCode).toBe(401);
    expect((await me(bearer)).statusCode).toBe(401);
    expect((await signIn(agent.email, 'reset to something new')).response.statusCode).toBe(200);

    const again = await app.inject({
      method: 'POST',
      url: '/api/password-resets/complete',
      payload: { token, password: 'and once more again' },
    });
    expect(again.statusCode).toBe(404);

    const actions = (await auditActions(wg.workgroupId)).map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining(['agent.password_reset_requested', 'agent.password_reset']),
    );
  });

  it('cannot reset an agent of another workgroup', async () => {
    const { agent } = await workgroupWithPasswordAgent();
    const other = await createWorkgroupWithAgents(database.db, `Accounts other ${++workgroups}`);
    const response = await app.inject({
      method: 'POST',
      url: `/api/agents/${agent.id}/password-reset`,
      headers: other.administrator.headers,
    });
    expect(response.statusCode).toBe(404);
  });
});

describe('password policy', () => {
  async function acceptInvitation(password: string) {
    const wg = await createWorkgroupWithAgents(database.db, `Policy MSP ${++workgroups}`);
    const sentBefore = mailer.sent.length;
    await app.inject({
      method: 'POST',
      url: '/api/agents/invitations',
      headers: wg.administrator.headers,
      payload: { email: `new${workgroups}@policy.example`, role: 'agent' },
    });
    const token = decodeURIComponent(/invite\?token=(\S+)/.exec(mailer.sent[sentBefore]!.text)![1]!);
    return app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      payload: { token, name: 'New', password },
    });
  }

  it('refuses 11 characters and common passwords, and accepts 12, 128 and 200 characters', async () => {
    const short = await acceptInvitation('abcdefghijk');
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details.problems[0].message).toMatch(/at least 12 characters/);
    const common = await acceptInvitation('password1234');
    expect(common.statusCode).toBe(400);
    expect(common.json().error.details.problems[0]).toEqual({ field: 'password', message: COMMON });
    for (const length of [12, 128, 200]) {
      const response = await acceptInvitation('pq'.repeat(length / 2));
      expect(response.statusCode, `${length} characters`).toBe(201);
    }
    expect((await acceptInvitation('x'.repeat(257))).statusCode).toBe(400);
  });

  it('applies to the first Administrator too', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { workgroupName: 'W', name: 'N', email: 'n@w.example', password: 'password1234', token: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.problems).toEqual([{ field: 'password', message: COMMON }]);
  });
});

describe('API token expiry and last use', () => {
  it('expires after the days chosen (90 by default) and refuses longer than a year', async () => {
    const { agent, password } = await workgroupWithPasswordAgent();
    const { headers } = await signIn(agent.email, password);
    const day = 24 * 60 * 60 * 1000;
    const expiresIn = async (body: object) => {
      const created = await newToken(headers, body);
      expect(created.statusCode).toBe(201);
      return (new Date(created.json().token.expiresAt).getTime() - Date.now()) / day;
    };
    expect(await expiresIn({ name: 'default' })).toBeCloseTo(90, 1);
    expect(await expiresIn({ name: 'week', expiresInDays: 7 })).toBeCloseTo(7, 1);
    const at = new Date(Date.now() + 30 * day).toISOString();
    expect(await expiresIn({ name: 'date', expiresAt: at })).toBeCloseTo(30, 1);
    expect((await newToken(headers, { name: 'long', expiresInDays: 366 })).statusCode).toBe(400);
    const past = await newToken(headers, { name: 'past', expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe('TOKEN_EXPIRY_INVALID');

    const listed = await app.inject({ url: '/api/tokens', headers });
    const { tokens } = listed.json<{ tokens: { name: string; expiresAt: string }[] }>();
    expect(tokens.map((t) => t.name)).toEqual(['date', 'week', 'default']);
    expect(tokens.every((t) => new Date(t.expiresAt).getTime() > Date.now())).toBe(true);
  });

  it('refuses an expired token with a clear 401 and audits the attempt', async () => {
    const { wg, agent, password } = await workgroupWithPasswordAgent();
    const { headers } = await signIn(agent.email, password);
    const created = (await newToken(headers, { name: 'old script' })).json();
    await database.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', created.token.id)
      .execute();
    const response = await me({ authorization: `Bearer ${created.value}` });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('TOKEN_EXPIRED');
    expect(response.json().error.message).toContain('("old script") expired on');
    const actions = (await auditActions(wg.workgroupId)).map((entry) => entry.action);
    expect(actions).toContain('token.expired_used');
  });

  it('records the last use, writing it at most once a minute', async () => {
    const { agent, password } = await workgroupWithPasswordAgent();
    const { headers } = await signIn(agent.email, password);
    const created = (await newToken(headers)).json();
    const bearer = { authorization: `Bearer ${created.value}` };
    const lastUsed = async () =>
      (
        await database.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', created.token.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    expect(await lastUsed()).toBeNull();
    await me(bearer);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await me(bearer);
    expect(await lastUsed()).toEqual(first);
    await sql`update api_tokens set last_used_at = last_used_at - interval '2 minutes' where id = ${created.token.id}`.execute(
      database.db,
    );
    await me(bearer);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(first!.getTime());
    const listed = (await app.inject({ url: '/api/tokens', headers })).json();
    expect(listed.tokens[0].lastUsedAt).not.toBeNull();
  });
});

describe('audit of sign-ins and tokens', () => {
  it('logs successes, failures with the email, IP and reason but never the password, delays, token creation and revocation', async () => {
    const { wg, agent, password } = await workgroupWithPasswordAgent();
    for (let attempt = 0; attempt < 5; attempt++)
      await signIn(agent.email, 'guess number one', '203.0.113.9');
    await sql`update login_attempts set at = at - interval '5 seconds' where email = ${agent.email}`.execute(
      database.db,
    );
    const { headers } = await signIn(agent.email, password, '198.51.100.4');
    const created = (await newToken(headers, { name: 'audited' })).json();
    await app.inject({ method: 'DELETE', url: `/api/tokens/${created.token.id}`, headers });

    const audit = await auditActions(wg.workgroupId);
    const failures = audit.filter((entry) => entry.action === 'agent.sign_in_failed');
    expect(failures).toHaveLength(5);
    expect(failures[0]!.details).toMatchObject({
      email: agent.email,
      ip: '203.0.113.9',
      reason: 'wrong_password',
    });
    expect(audit.find((entry) => entry.action === 'agent.sign_in_delayed')?.details).toMatchObject({
      consecutiveFailures: 5,
      delaySeconds: 1,
    });
    expect(audit.find((entry) => entry.action === 'agent.signed_in')?.details).toMatchObject({
      ip: '198.51.100.4',
    });
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['token.created', 'token.revoked']),
    );
    expect(JSON.stringify(audit)).not.toContain('guess number one');
    expect(JSON.stringify(audit)).not.toContain(password);
  });

  it('answers the same for an unknown email, also once it is slowed down', async () => {
    const email = 'nobody-here@acct.example';
    const answers = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const { response } = await signIn(email, 'some guess or other', '203.0.113.10');
      answers.push(`${response.statusCode} ${response.json().error.code}`);
    }
    expect(answers).toEqual([...Array(5).fill('401 SIGN_IN_FAILED'), '429 SIGN_IN_DELAYED']);
  });
});

describe('security headers', () => {
  const expectHeaders = (headers: Record<string, unknown>) => {
    const csp = String(headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
  };

  it('are on API responses, errors included, with HSTS when Ferry is reached over https', async () => {
    const health = await app.inject('/api/health');
    expectHeaders(health.headers);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expectHeaders((await app.inject('/api/tokens')).headers);
    const docs = await app.inject('/api/docs/');
    expectHeaders(docs.headers);
    // The API reference allows Swagger UI's one inline style by its hash, and nothing else inline.
    expect(docs.headers['content-security-policy']).toContain("style-src 'self' 'sha256-");
    expect((await app.inject('/api/health')).headers['content-security-policy']).toContain(
      "style-src 'self';",
    );
  });

  it('are on the console page, without HSTS over plain http', async () => {
    const webDir = await mkdtemp(path.join(tmpdir(), 'ferry-web-'));
    await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>Ferry</title>');
    const plain = await buildTestApp(database.db, { webDir, publicUrl: 'http://ferry.lan:8080' });
    try {
      const page = await plain.app.inject('/projects');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>Ferry</title>');
      expectHeaders(page.headers);
      expect(page.headers['strict-transport-security']).toBeUndefined();
      expect(String(page.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    } finally {
      await plain.app.close();
      await rm(webDir, { recursive: true });
    }
  });
});
