import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { REQUIRED_GRAPH_PERMISSIONS } from '../../src/domain/endpoint-settings.ts';
import { type RunningM365Emulator, startM365Emulator } from '../../src/emulators/m365/server.ts';
import { startZimbraEmulator, type ZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { buildTestApp } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createWorkgroupWithAgents, type SignedInAgent } from './msp-fixtures.ts';

const TENANT = '0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
const CLIENT = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const CLIENT_SECRET = 'right-secret';
const ADMIN_PASSWORD = 'admin-pw';

let database: TestDatabase;
let dataDir: string;
let zimbra: ZimbraEmulator;
let m365: RunningM365Emulator;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let agent: SignedInAgent;
let customerId: string;

/** Host B: any server the secret was not entered for; it counts every request that reaches it. */
let hostB: Server;
let hostBUrl: string;
const reachedB: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-secret-binding-'));
  writeFileSync(
    path.join(dataDir, 'server.json'),
    JSON.stringify({ admin: { name: 'admin@zimbra.test', password: ADMIN_PASSWORD } }),
  );
  mkdirSync(path.join(dataDir, 'accounts', 'alice@zimbra.test', 'mail', 'Inbox'), { recursive: true });
  zimbra = await startZimbraEmulator({ dataDir });
  m365 = await startM365Emulator({
    config: {
      tenants: [
        {
          id: TENANT,
          domains: ['contoso.com'],
          region: 'NA',
          apps: [
            {
              clientId: CLIENT,
              secret: CLIENT_SECRET,
              permissions: REQUIRED_GRAPH_PERMISSIONS.map((p) => p.permission),
            },
          ],
        },
      ],
    },
  });
  hostB = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      reachedB.push(`${request.method} ${request.url} ${body}`);
      response.writeHead(503).end();
    });
  });
  await new Promise<void>((resolve) => hostB.listen(0, '127.0.0.1', resolve));
  hostBUrl = `http://127.0.0.1:${(hostB.address() as { port: number }).port}`;
  database = await createTestDatabase();
  ({ app } = await buildTestApp(database.db));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const workgroup = await createWorkgroupWithAgents(database.db, 'Binding MSP');
  agent = workgroup.agent;
  customerId = (
    await call('POST', '/api/customers', { companyName: 'Fabrikam', primaryDomain: 'zimbra.test' })
  ).json<{ id: string }>().id;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
  await zimbra?.close();
  await m365?.close();
  await new Promise<void>((resolve) => (hostB ? hostB.close(() => resolve()) : resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  reachedB.length = 0;
});

function ferry(args: string[], input = '') {
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: dataDir,
    FERRY_URL: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    FERRY_TOKEN: agent.headers.authorization.slice('Bearer '.length),
    LOG_LEVEL: 'warn',
  };
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [path.resolve(import.meta.dirname, '../../bin/ferry.js'), ...args],
      {
        env,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return app.inject({ method, url, headers: agent.headers, ...(payload === undefined ? {} : { payload }) });
}

const zimbraBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'zimbra',
  name: `Fabrikam Zimbra ${Math.random()}`,
  serverUrl: zimbra.url,
  adminUrl: zimbra.adminUrl,
  adminUsername: 'admin@zimbra.test',
  ...overrides,
});
const m365Body = (overrides: Record<string, unknown> = {}) => ({
  kind: 'm365',
  name: `Contoso ${Math.random()}`,
  applicationId: CLIENT,
  tenantId: TENANT,
  authorityUrl: m365.authorityUrl,
  graphUrl: m365.graphUrl,
  ...overrides,
});

async function created(body: Record<string, unknown>): Promise<string> {
  const response = await call('POST', '/api/endpoints', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

async function stored(id: string) {
  return database.db
    .selectFrom('endpoints')
    .select(['settings', 'secret_sealed'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

async function validate(id: string) {
  const response = await call('POST', `/api/endpoints/${id}/validate`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ ok: boolean; checks: unknown[] }>();
}

async function lastAudit(action: string) {
  const row = await database.db
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return row.details;
}

describe('a stored Zimbra admin password stays with the server it was entered for', () => {
  it.each([
    ['serverUrl', 'The server URL changed'],
    ['adminUrl', 'The admin URL changed'],
  ])(
    'an Agent moving the %s to host B without the password is refused; Validate then sends nothing to B',
    async (field, changed) => {
      const id = await created(zimbraBody({ adminPassword: ADMIN_PASSWORD }));
      const before = await stored(id);

      const refused = await call('PUT', `/api/endpoints/${id}`, zimbraBody({ [field]: hostBUrl }));
      expect(refused.statusCode, refused.body).toBe(400);
      const error = refused.json<{
        error: { code: string; message: string; details: { problems: unknown } };
      }>().error;
      expect(error.code).toBe('SECRET_BOUND_TO_DESTINATION');
      expect(error.message).toBe(
        `${changed}, so the stored Admin password cannot be kept: enter it again to save this change. Ferry never sends a stored password to a different server.`,
      );
      expect(error.details.problems).toEqual([expect.objectContaining({ field: 'adminPassword' })]);
      expect(await stored(id)).toEqual(before);

      expect((await validate(id)).ok).toBe(true);
      expect(reachedB).toEqual([]);

      const saved = await call(
        'PUT',
        `/api/endpoints/${id}`,
        zimbraBody({ [field]: hostBUrl, adminPassword: 'password-for-b' }),
      );
      expect(saved.statusCode, saved.body).toBe(200);
      const after = await stored(id);
      expect(after.secret_sealed).not.toBeNull();
      expect(after.secret_sealed).not.toBe(before.secret_sealed);
      const audit = await lastAudit('endpoint.updated');
      expect(audit).toMatchObject({
        endpointId: id,
        destinationChanged: [field],
        secretsCleared: ['adminPassword'],
        mailboxPasswordsCleared: 0,
      });
      expect(JSON.stringify(audit)).not.toMatch(/admin-pw|password-for-b/);

      // The counting host is real: the password entered for B does go to B.
      await validate(id);
      expect(reachedB.some((line) => line.includes('password-for-b'))).toBe(true);
      expect(reachedB.some((line) => line.includes(ADMIN_PASSWORD))).toBe(false);
    },
  );

  it('keeps the password for edits that do not move it: name, admin username, trailing slash, case of the scheme', async () => {
    const id = await created(zimbraBody({ adminPassword: ADMIN_PASSWORD }));
    const before = await stored(id);
    const upperScheme = zimbra.url.replace(/^http:/, 'HTTP:');
    const response = await call(
      'PUT',
      `/api/endpoints/${id}`,
      zimbraBody({
        name: 'Renamed Zimbra',
        serverUrl: `${upperScheme}/`,
        adminUrl: `${zimbra.adminUrl}/`,
        adminUsername: 'other-admin@zimbra.test',
      }),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect((await stored(id)).secret_sealed).toBe(before.secret_sealed);
    expect(await lastAudit('endpoint.updated')).toMatchObject({ destinationChanged: [], secretsCleared: [] });
  });
});

describe('a stored Microsoft 365 Client Secret stays with the tenant and cloud it was entered for', () => {
  it.each([
    ['tenantId', { tenantId: 'fabrikam-evil.onmicrosoft.com' }, 'The Directory (tenant) ID changed'],
    ['nationalCloud', { nationalCloud: 'usGovernment' }, 'The national cloud changed'],
    ['authorityUrl', { authorityUrl: 'HOST_B' }, 'The identity address (authority URL) changed'],
    ['graphUrl', { graphUrl: 'HOST_B' }, 'The Graph address changed'],
  ])(
    'moving the %s without the Client Secret is refused; Validate then sends nothing to B',
    async (field, change, changed) => {
      const id = await created(m365Body({ clientSecret: CLIENT_SECRET }));
      const before = await stored(id);
      const moved = Object.fromEntries(
        Object.entries(change).map(([key, value]) => [key, value === 'HOST_B' ? hostBUrl : value]),
      );

      const refused = await call('PUT', `/api/endpoints/${id}`, m365Body(moved));
      expect(refused.statusCode, refused.body).toBe(400);
      const error = refused.json<{ error: { code: string; message: string } }>().error;
      expect(error.code).toBe('SECRET_BOUND_TO_DESTINATION');
      expect(error.message).toBe(
        `${changed}, so the stored Client Secret cannot be kept: enter it again to save this change. Ferry never sends a stored secret to a different destination.`,
      );
      expect(await stored(id)).toEqual(before);
      const validation = await validate(id);
      expect(validation.ok, JSON.stringify(validation.checks)).toBe(true);
      expect(reachedB).toEqual([]);

      const saved = await call(
        'PUT',
        `/api/endpoints/${id}`,
        m365Body({ ...moved, clientSecret: 'secret-for-b' }),
      );
      expect(saved.statusCode, saved.body).toBe(200);
      expect((await stored(id)).secret_sealed).not.toBe(before.secret_sealed);
      const audit = await lastAudit('endpoint.updated');
      expect(audit['destinationChanged']).toContain(field);
      expect(audit['secretsCleared']).toEqual(['clientSecret']);
      expect(JSON.stringify(audit)).not.toMatch(/right-secret|secret-for-b/);
      if (field === 'authorityUrl') {
        // The counting host is real: once the secret is entered for it, Validate does reach it
        // (Validate signs in at the authority; it does not call Graph).
        await validate(id);
        expect(reachedB).not.toEqual([]);
      }
    },
  );

  it('keeps the secret when only the name, the case of the tenant or a trailing slash of the Graph address changes', async () => {
    const id = await created(m365Body({ clientSecret: CLIENT_SECRET }));
    const before = await stored(id);
    const response = await call(
      'PUT',
      `/api/endpoints/${id}`,
      m365Body({ name: 'Renamed', tenantId: TENANT.toUpperCase(), graphUrl: `${m365.graphUrl}/` }),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect((await stored(id)).secret_sealed).toBe(before.secret_sealed);
  });
});

describe('mailbox passwords of regular-user mode stay with the server they were entered for', () => {
  async function userModeProject(serverUrl = zimbra.url) {
    const source = await created(zimbraBody({ provideCredentials: false, serverUrl }));
    const destination = await created(m365Body({ clientSecret: CLIENT_SECRET }));
    const project = await call('POST', '/api/projects', {
      name: `Regular users ${Math.random()}`,
      customerId,
      sourceEndpointId: source,
      destinationEndpointId: destination,
    });
    expect(project.statusCode, project.body).toBe(201);
    const projectId = project.json<{ id: string }>().id;
    const mailbox = await call('POST', `/api/projects/${projectId}/mailboxes`, {
      source: 'alice@zimbra.test',
      destination: 'alice@contoso.com',
      sourcePassword: 'alice-pw',
    });
    expect(mailbox.statusCode, mailbox.body).toBe(201);
    return { source, destination, projectId, mailboxId: mailbox.json<{ id: string }>().id };
  }

  const passwordOf = async (mailboxId: string) =>
    (
      await database.db
        .selectFrom('project_mailboxes')
        .select('source_password_sealed')
        .where('id', '=', mailboxId)
        .executeTakeFirstOrThrow()
    ).source_password_sealed;

  it('refuses to move the server URL while they are stored, and clears them only when confirmed', async () => {
    const { source, mailboxId } = await userModeProject();
    const sealed = await passwordOf(mailboxId);
    expect(sealed).not.toBeNull();
    const body = zimbraBody({ provideCredentials: false, serverUrl: hostBUrl });

    const refused = await call('PUT', `/api/endpoints/${source}`, body);
    expect(refused.statusCode, refused.body).toBe(400);
    const error = refused.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('SECRET_BOUND_TO_DESTINATION');
    expect(error.message).toContain(
      'The server URL changed, and 1 mailbox password is stored for the old server',
    );
    expect(error.message).toContain('clearMailboxPasswords');
    expect(await passwordOf(mailboxId)).toBe(sealed);
    expect((await stored(source)).settings).toMatchObject({ serverUrl: zimbra.url });

    const confirmed = await call('PUT', `/api/endpoints/${source}`, { ...body, clearMailboxPasswords: true });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ mailboxPasswordsCleared: 1 });
    expect(await passwordOf(mailboxId)).toBeNull();
    expect(await lastAudit('endpoint.updated')).toMatchObject({
      destinationChanged: ['serverUrl'],
      secretsCleared: ['mailboxPasswords'],
      mailboxPasswordsCleared: 1,
    });
  });

  it('keeps them when only the admin URL moves: regular-user mode never sends them there', async () => {
    const { source, mailboxId } = await userModeProject();
    const sealed = await passwordOf(mailboxId);
    const response = await call(
      'PUT',
      `/api/endpoints/${source}`,
      zimbraBody({ provideCredentials: false, adminUrl: hostBUrl }),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(await passwordOf(mailboxId)).toBe(sealed);
  });

  it('refuses a project switch to a source endpoint at another server unless clearing them is confirmed', async () => {
    const { projectId, destination, mailboxId } = await userModeProject();
    const sealed = await passwordOf(mailboxId);
    const sameServer = await created(zimbraBody({ provideCredentials: false, serverUrl: `${zimbra.url}/` }));
    const otherServer = await created(zimbraBody({ provideCredentials: false, serverUrl: hostBUrl }));
    const edit = (sourceEndpointId: string, extra: object = {}) =>
      call('PUT', `/api/projects/${projectId}`, {
        name: 'Switched',
        customerId,
        sourceEndpointId,
        destinationEndpointId: destination,
        ...extra,
      });

    const kept = await edit(sameServer);
    expect(kept.statusCode, kept.body).toBe(200);
    expect(await passwordOf(mailboxId)).toBe(sealed);

    const refused = await edit(otherServer);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json<{ error: { message: string } }>().error.message).toContain(
      '1 mailbox password is stored for the old one',
    );
    expect(await passwordOf(mailboxId)).toBe(sealed);

    const confirmed = await edit(otherServer, { clearMailboxPasswords: true });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ sourceEndpointId: otherServer, mailboxPasswordsCleared: 1 });
    expect(await passwordOf(mailboxId)).toBeNull();
    expect(await lastAudit('project.updated')).toMatchObject({
      secretsCleared: ['mailboxPasswords'],
      mailboxPasswordsCleared: 1,
    });
  });
});

describe('ferry endpoints edit', () => {
  it('refuses a new server URL without --password-stdin (exit 2), and saves it with the password', async () => {
    const id = await created(zimbraBody({ adminPassword: ADMIN_PASSWORD }));
    const before = await stored(id);
    const refused = await ferry(['endpoints', 'edit', id, '--server-url', hostBUrl]);
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('The server URL changed, so the stored Admin password cannot be kept');
    expect(await stored(id)).toEqual(before);

    const saved = await ferry(
      ['endpoints', 'edit', id, '--server-url', hostBUrl, '--password-stdin'],
      'pw-for-b\n',
    );
    expect(saved.status, saved.stderr).toBe(0);
    expect((await stored(id)).settings).toMatchObject({ serverUrl: hostBUrl });
  });

  it('clears mailbox passwords with --clear-mailbox-passwords and says how many', async () => {
    const source = await created(zimbraBody({ provideCredentials: false }));
    const destination = await created(m365Body({ clientSecret: CLIENT_SECRET }));
    const projectId = (
      await call('POST', '/api/projects', {
        name: `CLI users ${Math.random()}`,
        customerId,
        sourceEndpointId: source,
        destinationEndpointId: destination,
      })
    ).json<{ id: string }>().id;
    const added = await call('POST', `/api/projects/${projectId}/mailboxes`, {
      source: 'alice@zimbra.test',
      destination: 'alice@contoso.com',
      sourcePassword: 'alice-pw',
    });
    expect(added.statusCode, added.body).toBe(201);

    const refused = await ferry(['endpoints', 'edit', source, '--server-url', hostBUrl]);
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('--clear-mailbox-passwords');
    const saved = await ferry([
      'endpoints',
      'edit',
      source,
      '--server-url',
      hostBUrl,
      '--clear-mailbox-passwords',
    ]);
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('Cleared 1 mailbox password(s) stored for the old server');
  });
});
