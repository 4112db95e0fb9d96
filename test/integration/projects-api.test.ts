import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAgent } from '../../src/db/agents.ts';
import { createApiToken } from '../../src/db/api-tokens.ts';
import { type JobQueue, startJobQueue } from '../../src/db/job-queue.ts';
import { saveSettingsScript } from '../../src/db/settings-scripts.ts';
import { createWorkgroup } from '../../src/db/workgroups.ts';
import { forwardingStep } from '../../src/convert/powershell-script.ts';
import type { AgentRole } from '../../src/domain/agents.ts';
import { type RunningM365Emulator, startM365Emulator } from '../../src/emulators/m365/server.ts';
import { startZimbraEmulator, type ZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { hashToken, newToken } from '../../src/secrets/tokens.ts';
import { buildTestApp, recordingMailer } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TENANT = '0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
const CLIENT = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const SECRET = 'right-secret';

let database: TestDatabase;
let queue: JobQueue;
let zimbra: ZimbraEmulator;
let m365: RunningM365Emulator;
let dataDir: string;
const mailer = recordingMailer();
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let logLines: string[];
const tokens: Record<string, string> = {};
let customerId: string;

async function agentToken(workgroupId: string, email: string, role: AgentRole): Promise<string> {
  const agent = await createAgent(database.db, {
    workgroupId,
    email,
    name: email.split('@')[0]!,
    role,
    passwordHash: null,
  });
  const value = newToken('fry_');
  await createApiToken(database.db, {
    agentId: agent.id,
    name: 'test',
    tokenHash: hashToken(value),
    prefix: value.slice(0, 10),
  });
  return value;
}

function as(who: string) {
  return async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
}
const admin = as('admin');

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-projects-api-'));
  writeFileSync(
    path.join(dataDir, 'server.json'),
    JSON.stringify({ admin: { name: 'admin@zimbra.test', password: 'admin-pw' } }),
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
          apps: [{ clientId: CLIENT, secret: SECRET, permissions: ['Mail.ReadWrite', 'User.Read.All'] }],
        },
      ],
    },
  });
  database = await createTestDatabase();
  queue = await startJobQueue({ url: database.url, supervise: true, onError: () => undefined });
  ({ app, logLines } = await buildTestApp(database.db, { mailer, queue }));
  const home = await createWorkgroup(database.db, 'Home MSP');
  const other = await createWorkgroup(database.db, 'Other MSP');
  for (const role of ['administrator', 'manager', 'agent', 'inactive'] as const)
    tokens[role === 'administrator' ? 'admin' : role] = await agentToken(
      home.id,
      `${role}@home.example`,
      role,
    );
  tokens['agent2'] = await agentToken(home.id, 'agent2@home.example', 'agent');
  tokens['outsider'] = await agentToken(other.id, 'admin@other.example', 'administrator');
  const customer = await admin('POST', '/api/customers', {
    companyName: 'Fabrikam',
    primaryDomain: 'zimbra.test',
  });
  customerId = customer.json().id;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await queue?.stop({ graceful: false, close: true });
  await database?.close();
  await zimbra?.close();
  await m365?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const zimbraEndpoint = (overrides: Record<string, unknown> = {}) => ({
  kind: 'zimbra',
  name: 'Fabrikam Zimbra',
  serverUrl: zimbra.url,
  adminUrl: zimbra.adminUrl,
  adminUsername: 'admin@zimbra.test',
  adminPassword: 'admin-pw',
  ...overrides,
});
const m365Endpoint = (overrides: Record<string, unknown> = {}) => ({
  kind: 'm365',
  name: 'Contoso',
  applicationId: CLIENT,
  tenantId: TENANT,
  clientSecret: SECRET,
  authorityUrl: m365.authorityUrl,
  graphUrl: m365.graphUrl,
  ...overrides,
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function count(
  table: 'endpoints' | 'projects' | 'project_mailboxes' | 'pass_runs' | 'audit_log',
): Promise<number> {
  const { n } = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

async function newProject(name: string, who = 'admin') {
  const source = (await as(who)('POST', '/api/endpoints', zimbraEndpoint({ name: `${name} source` }))).json()
    .id as string;
  const destination = (
    await as(who)('POST', '/api/endpoints', m365Endpoint({ name: `${name} destination` }))
  ).json().id as string;
  const response = await as(who)('POST', '/api/projects', {
    name,
    customerId,
    sourceEndpointId: source,
    destinationEndpointId: destination,
  });
  expect(response.statusCode, response.body).toBe(201);
  return { id: response.json().id as string, source, destination };
}

describe('endpoints', () => {
  it('keeps secrets write-only: set / not set in answers, never the value, in no log line', async () => {
    const created = await admin(
      'POST',
      '/api/endpoints',
      m365Endpoint({ clientSecret: 'very-secret-value-1' }),
    );
    expect(created.statusCode).toBe(201);
    expect(created.json().m365.clientSecret).toEqual({ set: true });
    const id = created.json().id;
    const edited = await admin(
      'PUT',
      `/api/endpoints/${id}`,
      m365Endpoint({ name: 'Contoso renamed', clientSecret: undefined }),
    );
    expect(edited.json()).toMatchObject({ name: 'Contoso renamed', m365: { clientSecret: { set: true } } });
    const stored = await database.db
      .selectFrom('endpoints')
      .select('secret_sealed')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.secret_sealed).not.toContain('very-secret-value-1');
    const everything = [
      created.body,
      edited.body,
      (await admin('GET', `/api/endpoints/${id}`)).body,
      logLines.join('\n'),
    ].join('\n');
    expect(everything).not.toContain('very-secret-value-1');
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target', 'like', 'Contoso%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['endpoint.created', 'endpoint.updated']);
    expect(JSON.stringify(audit)).not.toContain('very-secret-value-1');
  });

  it('refuses bad endpoints with the reason per field and stores nothing', async () => {
    const before = await count('endpoints');
    const cases: [Record<string, unknown>, string, string][] = [
      [zimbraEndpoint({ adminPassword: 'pass,word' }), 'adminPassword', 'must not contain a comma'],
      [zimbraEndpoint({ adminPassword: undefined }), 'adminPassword', 'is required with Provide Credentials'],
      [zimbraEndpoint({ serverUrl: 'ftp://mail.example.com' }), 'serverUrl', 'http:// or https://'],
      [m365Endpoint({ applicationId: undefined }), 'applicationId', ''],
      [m365Endpoint({ tenantId: 'not a tenant' }), 'tenantId', 'Directory (tenant) ID'],
      [m365Endpoint({ clientSecret: undefined }), 'clientSecret', 'is required with Provide Credentials'],
      [m365Endpoint({ nationalCloud: 'mars' }), 'nationalCloud', ''],
    ];
    for (const [body, field, text] of cases) {
      const response = await admin('POST', '/api/endpoints', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      const problems = response.json().error.details.problems as { field: string; message: string }[];
      expect(problems.map((p) => p.field)).toContain(field);
      expect(problems.find((p) => p.field === field)!.message).toContain(text);
    }
    // Without Provide Credentials the Client Secret is optional; the validation then says it is missing.
    const optional = await admin(
      'POST',
      '/api/endpoints',
      m365Endpoint({ name: 'No secret', provideCredentials: false, clientSecret: undefined }),
    );
    expect(optional.json().m365.clientSecret).toEqual({ set: false });
    expect(await count('endpoints')).toBe(before + 1);
    const validation = await admin('POST', `/api/endpoints/${optional.json().id}/validate`);
    expect(
      validation
        .json<{ checks: { code?: string }[] }>()
        .checks.find((c) => c.code === 'CLIENT_SECRET_MISSING'),
    ).toBeDefined();
  });

  it('lists endpoints paged, beyond ten, searched in any case', async () => {
    for (let i = 0; i < 12; i++)
      await admin('POST', '/api/endpoints', zimbraEndpoint({ name: `Cust0mer Zimbra ${i}` }));
    const page = await admin('GET', '/api/endpoints?search=CUST0MER&pageSize=20');
    expect(page.json().total).toBe(12);
    expect(page.json().items).toHaveLength(12);
    expect(
      (await admin('GET', '/api/endpoints?search=cust0mer%20zimbra%201&pageSize=5'))
        .json<{ items: { name: string }[] }>()
        .items.map((e) => e.name),
    ).toEqual(['Cust0mer Zimbra 1', 'Cust0mer Zimbra 10', 'Cust0mer Zimbra 11']);
    expect((await admin('GET', '/api/endpoints?search=%25')).json().total).toBe(0);
  });

  it('shows the permissions and admin-consent link, and the zmprov commands', async () => {
    const m = (
      await admin(
        'POST',
        '/api/endpoints',
        m365Endpoint({ name: 'Setup M365', authorityUrl: undefined, graphUrl: undefined }),
      )
    ).json();
    const setup = (await admin('GET', `/api/endpoints/${m.id}/setup`)).json();
    expect((setup.m365.permissions as { permission: string }[]).map((p) => p.permission)).toEqual([
      'Mail.ReadWrite',
      'Contacts.ReadWrite',
      'Calendars.ReadWrite',
      'Tasks.ReadWrite.All',
      'User.Read.All',
      'MailboxSettings.ReadWrite',
    ]);
    expect(setup.m365.adminConsentUrl).toBe(
      `https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=${CLIENT}`,
    );
    const z = (
      await admin(
        'POST',
        '/api/endpoints',
        zimbraEndpoint({ name: 'Setup Zimbra', adminUsername: 'future-admin@fabrikam.example' }),
      )
    ).json();
    const zsetup = (await admin('GET', `/api/endpoints/${z.id}/setup`)).json();
    expect(zsetup.zimbra.createAdmin).toBe(
      "zmprov ca migration@fabrikam.example '<password without commas>' zimbraIsAdminAccount TRUE",
    );
    expect(zsetup.zimbra.promoteAdmin).toBe(
      'zmprov ma future-admin@fabrikam.example zimbraIsAdminAccount TRUE',
    );
  });

  it('explains validation failures in plain words, port by port and AADSTS code by code', async () => {
    const check = async (body: Record<string, unknown>) => {
      const id = (await admin('POST', '/api/endpoints', body)).json().id;
      return (await admin('POST', `/api/endpoints/${id}/validate`)).json<{
        ok: boolean;
        region: string | null;
        checks: { check: string; ok: boolean; code?: string; message: string; fix?: string }[];
      }>();
    };
    const good = await check(m365Endpoint({ name: 'Valid M365' }));
    expect(good.region).toBe('NA');
    expect(good.checks.map((c) => [c.check, c.ok])).toEqual([
      ['Directory (tenant) ID', true],
      ['Application (client) ID and Client Secret', true],
      ['Application permissions', false],
    ]);
    expect(good.checks[2]!.message).toContain('Contacts.ReadWrite (to create contacts and contact folders)');

    const wrongSecret = await check(
      m365Endpoint({ name: 'Bad secret', clientSecret: 'secret-id-not-value' }),
    );
    expect(wrongSecret.checks[1]).toMatchObject({
      ok: false,
      code: 'AADSTS7000215',
      message: 'The Client Secret is not valid for this application.',
    });
    expect(wrongSecret.checks[1]!.fix).toContain('Value (not its Secret ID)');
    const wrongApp = await check(
      m365Endpoint({ name: 'Bad app', applicationId: '99999999-9999-4999-8999-999999999999' }),
    );
    expect(wrongApp.checks[1]).toMatchObject({ ok: false, code: 'AADSTS700016' });
    const wrongTenant = await check(
      m365Endpoint({ name: 'Bad tenant', tenantId: 'nowhere.onmicrosoft.com' }),
    );
    expect(wrongTenant.checks[0]).toMatchObject({
      ok: false,
      code: 'AADSTS90002',
      message: 'The Directory (tenant) ID does not name an existing tenant.',
    });

    const zimbraOk = await check(zimbraEndpoint({ name: 'Valid Zimbra' }));
    expect(zimbraOk.ok).toBe(true);
    const wrongPassword = await check(zimbraEndpoint({ name: 'Bad password', adminPassword: 'nope' }));
    expect(wrongPassword.checks.map((c) => [c.check.split(' (')[0], c.ok, c.code])).toEqual([
      ['mail port', false, 'account.AUTH_FAILED'],
      ['admin port', false, 'account.AUTH_FAILED'],
    ]);
    const closed = await closedPort();
    const closedAdmin = await check(
      zimbraEndpoint({ name: 'Closed admin port', adminUrl: `http://127.0.0.1:${closed}` }),
    );
    expect(closedAdmin.checks[0]!.ok).toBe(true);
    expect(closedAdmin.checks[1]).toMatchObject({ ok: false, code: 'UNREACHABLE' });
    expect(closedAdmin.checks[1]!.message).toBe(
      `The admin port (http://127.0.0.1:${closed}) cannot be used. Ferry could not connect to 127.0.0.1:${closed}.`,
    );
    const unknownHost = await check(
      zimbraEndpoint({
        name: 'Unknown host',
        serverUrl: 'http://zimbra.invalid',
        adminUrl: 'http://zimbra.invalid:7071',
      }),
    );
    expect(unknownHost.checks[0]!.message).toContain('cannot be resolved (DNS)');
  });
});

describe('projects, mailboxes and options', () => {
  it('refuses a project with a foreign or wrong-kind endpoint or customer', async () => {
    const { source, destination } = await newProject('Kinds');
    const before = await count('projects');
    const swapped = await admin('POST', '/api/projects', {
      name: 'Swapped',
      customerId,
      sourceEndpointId: destination,
      destinationEndpointId: source,
    });
    expect(swapped.statusCode).toBe(400);
    expect(
      swapped
        .json<{ error: { details: { problems: { field: string }[] } } }>()
        .error.details.problems.map((p) => p.field),
    ).toEqual(['sourceEndpointId', 'destinationEndpointId']);
    const foreign = await as('outsider')('POST', '/api/projects', {
      name: 'Theft',
      customerId,
      sourceEndpointId: source,
      destinationEndpointId: destination,
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details.problems).toHaveLength(3);
    expect(await count('projects')).toBe(before);
  });

  it('Bulk Add: previews with line numbers, imports all or nothing, skips the admin, refuses duplicates', async () => {
    const { id } = await newProject('Bulk');
    const bad = [
      'source,destination',
      'alice@zimbra.test,alice@contoso.com',
      'admin@zimbra.test,admin@contoso.com',
      'bob@zimbra.test,not-an-address',
      'alice@zimbra.test,alice2@contoso.com',
    ].join('\n');
    const preview = (await admin('POST', `/api/projects/${id}/mailboxes/bulk-preview`, { csv: bad })).json();
    expect(preview.ok).toBe(false);
    expect(preview.skipped).toEqual([
      {
        line: 3,
        source: 'admin@zimbra.test',
        reason: 'is the Zimbra admin account: the migration signs in with it, it is not a mailbox to migrate',
      },
    ]);
    expect(preview.problems).toEqual([
      { line: 4, message: '"not-an-address" is not an email address' },
      { line: 5, message: 'alice@zimbra.test is already on line 2' },
    ]);
    const before = await count('project_mailboxes');
    const refused = await admin('POST', `/api/projects/${id}/mailboxes/bulk`, { csv: bad });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('CSV_ROW_INVALID');
    expect(refused.json().error.message).toContain('line 4:');
    expect(await count('project_mailboxes')).toBe(before);

    const exportCsv =
      '"alice@zimbra.test","id-1","account","Alice","active","cos"\n"carol@zimbra.test","id-2","account","Carol","active","cos"\n';
    const noDomain = (
      await admin('POST', `/api/projects/${id}/mailboxes/bulk-preview`, { csv: exportCsv })
    ).json();
    expect(noDomain.problems[0].message).toBe(
      'the Zimbra export names no destination: give the destination domain',
    );
    expect(
      (
        await admin('POST', `/api/projects/${id}/mailboxes/bulk`, {
          csv: exportCsv,
          destinationDomain: 'contoso.com',
        })
      ).json(),
    ).toEqual({ added: 2 });
    const again = (
      await admin('POST', `/api/projects/${id}/mailboxes/bulk-preview`, {
        csv: exportCsv,
        destinationDomain: 'contoso.com',
      })
    ).json();
    expect((again.problems as { line: number }[]).map((p) => p.line)).toEqual([1, 2]);
    expect(again.problems[0].message).toBe('alice@zimbra.test is already in the project');
    const single = await admin('POST', `/api/projects/${id}/mailboxes`, {
      source: 'ADMIN@zimbra.test',
      destination: 'x@contoso.com',
    });
    expect(single.statusCode).toBe(400);
    expect(single.json().error.details.problems[0].field).toBe('source');
    // The customer has a user per source address.
    const users = await database.db
      .selectFrom('customer_users')
      .select('email')
      .where('customer_id', '=', customerId)
      .execute();
    expect(users.map((u) => u.email)).toEqual(
      expect.arrayContaining(['alice@zimbra.test', 'carol@zimbra.test']),
    );
  });

  it('lists mailboxes searched, filtered by status and sorted', async () => {
    const { id } = await newProject('Listing');
    const csv = Array.from(
      { length: 30 },
      (_, i) => `user${String(i).padStart(2, '0')}@zimbra.test,u${i}@contoso.com`,
    ).join('\n');
    await admin('POST', `/api/projects/${id}/mailboxes/bulk`, { csv });
    const page = (
      await admin('GET', `/api/projects/${id}/mailboxes?search=USER1&sort=source&order=desc&pageSize=3`)
    ).json();
    expect(page.total).toBe(10);
    expect((page.items as { source: string }[]).map((m) => m.source)).toEqual([
      'user19@zimbra.test',
      'user18@zimbra.test',
      'user17@zimbra.test',
    ]);
    expect(page.items[0]).toMatchObject({
      status: 'not_started',
      statusLabel: 'Not Started',
      lastError: null,
    });
    expect((await admin('GET', `/api/projects/${id}/mailboxes?status=running`)).json().total).toBe(0);
    expect((await admin('GET', `/api/projects/${id}/mailboxes?status=not_started`)).json().total).toBe(30);
  });

  it('serves the settings PowerShell script of the project and of one mailbox, 404 for a mailbox not in it', async () => {
    const { id } = await newProject('Scripts');
    await admin('POST', `/api/projects/${id}/mailboxes/bulk`, {
      csv: 'Ann@zimbra.test,ann@contoso.com\nbob@zimbra.test,bob@contoso.com',
    });
    const mailboxes = (await admin('GET', `/api/projects/${id}/mailboxes?sort=source`)).json().items as {
      id: string;
    }[];
    await saveSettingsScript(database.db, {
      source: 'ann@zimbra.test',
      destination: 'ann@contoso.com',
      steps: [forwardingStep('ann@contoso.com', "o'neil@partner.example", false)],
      notMigrated: ['Filter not migrated, because it is an outgoing filter.'],
      notes: [],
      signatures: [],
    });
    const project = await admin('GET', `/api/projects/${id}/settings-script`);
    expect(project.statusCode).toBe(200);
    expect(project.headers['content-disposition']).toBe('attachment; filename="ferry-settings-Scripts.ps1"');
    expect(project.body).toContain(
      "Set-Mailbox -Identity 'ann@contoso.com' -ForwardingSmtpAddress 'o''neil@partner.example'",
    );
    expect(project.body).toContain('ann@zimbra.test -> ann@contoso.com: Filter not migrated');
    const bob = await admin('GET', `/api/projects/${id}/mailboxes/${mailboxes[1]!.id}/settings-script`);
    expect(bob.body).toContain('nothing: no mailbox needs PowerShell.');
    const other = await newProject('Other scripts');
    expect(
      (await admin('GET', `/api/projects/${other.id}/mailboxes/${mailboxes[0]!.id}/settings-script`))
        .statusCode,
    ).toBe(404);
  });

  it('refuses bad Advanced Options with every reason, and saves nothing', async () => {
    const { id } = await newProject('Options');
    const defaults = (await admin('GET', `/api/projects/${id}/options`)).json();
    expect(defaults).toMatchObject({ maxConcurrentMigrations: 5, useImpersonation: true, support: [] });
    expect(defaults.performanceGuidance).toContain('three (3) mailboxes per 1 Mbps');
    // The *Export options describe a Microsoft 365 source: a Zimbra source shows the Import ones only.
    expect(defaults.endpointSupport).toEqual([
      { key: 'ModernAuthClientIdImport', value: CLIENT, masked: false },
      { key: 'ModernAuthTenantIdImport', value: TENANT, masked: false },
      { key: 'ModernAuthClientSecretImport', value: '********', masked: true },
    ]);
    const bad = await admin('PUT', `/api/projects/${id}/options`, {
      support: [
        'ZimbraCalendarExpandInstances=2',
        'FolderMapping="^Inbox/(->x"',
        'ModernAuthClientIdImport=abc',
        'Bogus=1',
      ],
      folderFilter: '[unclosed',
      receivedAfter: '2024-05-01',
      receivedBefore: '2024-01-01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('OPTIONS_INVALID');
    const problems = bad.json().error.details.problems as { field: string; message: string }[];
    expect(problems.map((p) => p.field)).toEqual([
      'support.0',
      'support.1',
      'support.2',
      'support.3',
      'folderFilter',
      'receivedBefore',
    ]);
    expect(problems[0]!.message).toContain('the value must be 0 or 1');
    expect(problems[2]!.message).toContain('view-only');
    expect(problems[3]!.message).toContain('is not a known Support option');
    const range = await admin('PUT', `/api/projects/${id}/options`, { maxConcurrentMigrations: 101 });
    expect(range.statusCode).toBe(400);
    expect((await admin('GET', `/api/projects/${id}/options`)).json()).toEqual(defaults);
    const saved = await admin('PUT', `/api/projects/${id}/options`, {
      support: ['ZimbraCalendarExpandInstances=1'],
      maxConcurrentMigrations: 30,
    });
    expect(saved.statusCode).toBe(200);
    expect((await admin('GET', `/api/projects/${id}/options`)).json()).toMatchObject({
      support: ['ZimbraCalendarExpandInstances=1'],
      maxConcurrentMigrations: 30,
    });
  });

  it('refuses folder patterns RE2 cannot run in linear time, naming the construct and the pattern', async () => {
    const { id } = await newProject('Patterns');
    const refused = await admin('PUT', `/api/projects/${id}/options`, {
      folderFilter: '^Inbox(?=/Old)',
      support: ['FolderMapping="^(Archive)/\\1->Old"'],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.problems).toEqual([
      {
        field: 'support.0',
        message:
          'The Support option FolderMapping="^(Archive)/\\1->Old" is invalid: FolderMapping `^(Archive)/\\1`: a backreference `\\1` is not supported. Ferry uses RE2 syntax (no lookaround, no backreferences) so that no pattern can stall a migration.',
      },
      {
        field: 'folderFilter',
        message:
          'Folder filter `^Inbox(?=/Old)`: lookahead `(?=` is not supported. Ferry uses RE2 syntax (no lookaround, no backreferences) so that no pattern can stall a migration.',
      },
    ]);
    const accepted = await admin('PUT', `/api/projects/${id}/options`, { folderFilter: '(a+)+$' });
    expect(accepted.statusCode).toBe(200);
  });
});

describe('passes', () => {
  it('refuses Pre-Stage and Full without a User Migration Bundle licence and starts nothing', async () => {
    const { id } = await newProject('Unlicensed');
    await admin('POST', `/api/projects/${id}/mailboxes/bulk`, {
      csv: 'nolicence@zimbra.test,nl@contoso.com',
    });
    const mailboxIds = (await admin('GET', `/api/projects/${id}/mailboxes`))
      .json<{ items: { id: string }[] }>()
      .items.map((m) => m.id);
    const before = await count('pass_runs');
    for (const pass of ['prestage', 'full']) {
      const refused = await admin('POST', `/api/projects/${id}/passes`, { pass, mailboxIds });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({
        code: 'LICENCE_REQUIRED',
        details: { users: ['nolicence@zimbra.test'] },
      });
      expect(refused.json().error.message).toContain('Apply User Migration Bundle License');
    }
    const retry = await admin('POST', `/api/projects/${id}/passes`, { pass: 'retry', mailboxIds });
    expect(retry.json().error.code).toBe('NOTHING_TO_RETRY');
    expect(await count('pass_runs')).toBe(before);
  });

  it('honours a scheduled start, and stops mailboxes before and after it', { timeout: 40_000 }, async () => {
    const { id } = await newProject('Scheduled');
    await admin('POST', `/api/projects/${id}/mailboxes/bulk`, {
      csv: 's1@zimbra.test,s1@contoso.com\ns2@zimbra.test,s2@contoso.com',
    });
    const [m1, m2] = (await admin('GET', `/api/projects/${id}/mailboxes`)).json().items as { id: string }[];
    const at = new Date(Date.now() + 1500);
    const started = await admin('POST', `/api/projects/${id}/passes`, {
      pass: 'verify',
      mailboxIds: [m1!.id, m2!.id],
      scheduledAt: at.toISOString(),
    });
    expect(started.statusCode).toBe(202);
    expect(new Date(started.json().scheduledAt).getTime()).toBe(at.getTime());
    const waiting = (await admin('GET', `/api/projects/${id}/mailboxes/${m1!.id}`)).json();
    expect(waiting).toMatchObject({ status: 'queued', lastPass: 'verify' });
    expect(new Date(waiting.scheduledAt).getTime()).toBe(at.getTime());
    const busy = await admin('POST', `/api/projects/${id}/passes`, { pass: 'verify', mailboxIds: [m1!.id] });
    expect(busy.statusCode).toBe(409);
    // Stopped before its start: it never starts, and the other mailbox is not started early.
    expect((await admin('POST', `/api/projects/${id}/passes/stop`, { mailboxIds: [m2!.id] })).json()).toEqual(
      { stopped: 1 },
    );
    const run = await database.db
      .selectFrom('run_mailboxes')
      .select(['status', 'source'])
      .where('run_id', '=', started.json().runId)
      .orderBy('source')
      .execute();
    expect(run.map((r) => r.status)).toEqual(['waiting', 'stopped']);
    // The launcher starts the pass at its time (no migration worker runs here, so it stays queued).
    await expect
      .poll(
        async () =>
          (
            await database.db
              .selectFrom('project_passes')
              .select('launched_at')
              .where('run_id', '=', started.json().runId)
              .executeTakeFirstOrThrow()
          ).launched_at,
        { timeout: 20_000 },
      )
      .not.toBeNull();
    const launched = await database.db
      .selectFrom('run_mailboxes')
      .select('status')
      .where('run_id', '=', started.json().runId)
      .orderBy('source')
      .execute();
    expect(launched.map((r) => r.status)).toEqual(['queued', 'stopped']);
    expect((await admin('POST', `/api/projects/${id}/passes/stop`, { mailboxIds: [m1!.id] })).json()).toEqual(
      { stopped: 1 },
    );
    const m1After = (await admin('GET', `/api/projects/${id}/mailboxes/${m1!.id}`)).json();
    expect(m1After).toMatchObject({
      status: 'stopped',
      statusLabel: 'Stopped',
      lastError: 'STOPPED: stopped by administrator@home.example.',
    });
    expect(m1After.passes).toHaveLength(1);
    const history = (await admin('GET', `/api/projects/${id}/passes`)).json().passes;
    expect(history).toMatchObject([
      { pass: 'verify', passLabel: 'Verify Credentials', mailboxes: { stopped: 2 } },
    ]);
    const audit = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'pass.%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['pass.started', 'pass.stopped', 'pass.stopped']);
  });

  it('streams mailbox changes as server-sent events', async () => {
    const { id } = await newProject('Events');
    await admin('POST', `/api/projects/${id}/mailboxes`, {
      source: 'ev@zimbra.test',
      destination: 'ev@contoso.com',
    });
    const [mailbox] = (await admin('GET', `/api/projects/${id}/mailboxes`)).json().items as { id: string }[];
    await admin('POST', `/api/projects/${id}/passes`, { pass: 'verify', mailboxIds: [mailbox!.id] });
    const response = await admin('GET', `/api/projects/${id}/events?seconds=1`);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = response.body.split('\n\n').filter((e) => e !== '');
    expect(events[0]!.split('\n')[0]).toBe('event: mailbox');
    expect(JSON.parse(events[0]!.split('\n')[1]!.slice('data: '.length))).toMatchObject({
      id: mailbox!.id,
      status: 'queued',
      lastPass: 'verify',
    });
    expect(events.at(-1)).toBe('event: end\ndata: {}');
    await admin('POST', `/api/projects/${id}/passes/stop`, { mailboxIds: [mailbox!.id] });
  });
});

describe('Notify Users', () => {
  it('emails each user the date and time from the template, and refuses unknown placeholders', async () => {
    const { id } = await newProject('Notify');
    await admin('POST', `/api/customers/${customerId}/users`, {
      email: 'nora@zimbra.test',
      firstName: 'Nora',
    });
    await admin('POST', `/api/projects/${id}/mailboxes/bulk`, {
      csv: 'nora@zimbra.test,nora@contoso.com\nned@zimbra.test,ned@contoso.com',
    });
    const ids = (await admin('GET', `/api/projects/${id}/mailboxes`))
      .json<{ items: { id: string }[] }>()
      .items.map((m) => m.id);
    const bad = await admin('PUT', `/api/projects/${id}/notify-template`, {
      subject: 'Hi {{fristName}}',
      body: 'x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('{{fristName}}');
    await admin('PUT', `/api/projects/${id}/notify-template`, {
      subject: 'Moving {{email}}',
      body: 'Dear {{firstName}}, on {{date}} at {{time}}.',
    });
    mailer.sent.length = 0;
    const sent = await admin('POST', `/api/projects/${id}/notify`, {
      mailboxIds: ids,
      migrationAt: '2026-12-05T17:30:00Z',
      timeZone: 'Europe/Paris',
    });
    expect(sent.json()).toEqual({ sent: 2 });
    expect(mailer.sent.map((m) => [m.to, m.subject, m.text]).sort()).toEqual([
      [
        ['ned@zimbra.test'],
        'Moving ned@zimbra.test',
        'Dear ned, on Saturday, 5 December 2026 at 18:30 (Europe/Paris).',
      ],
      [
        ['nora@zimbra.test'],
        'Moving nora@zimbra.test',
        'Dear Nora, on Saturday, 5 December 2026 at 18:30 (Europe/Paris).',
      ],
    ]);
  });
});

describe('authorisation', () => {
  it('lets every active role do service work, refuses Inactive, and hides other workgroups (404)', async () => {
    const { id, source } = await newProject('Guarded');
    await admin('POST', `/api/projects/${id}/mailboxes`, {
      source: 'g@zimbra.test',
      destination: 'g@contoso.com',
    });
    const [mailbox] = (await admin('GET', `/api/projects/${id}/mailboxes`)).json().items as { id: string }[];
    const reads: [string, string][] = [
      ['GET', `/api/endpoints/${source}`],
      ['GET', `/api/endpoints/${source}/setup`],
      ['GET', `/api/projects/${id}`],
      ['GET', `/api/projects/${id}/summary`],
      ['GET', `/api/projects/${id}/options`],
      ['GET', `/api/projects/${id}/mailboxes`],
      ['GET', `/api/projects/${id}/mailboxes/${mailbox!.id}`],
      ['GET', `/api/projects/${id}/mailboxes/${mailbox!.id}/statistics`],
      ['GET', `/api/projects/${id}/passes`],
      ['GET', `/api/projects/${id}/statistics`],
      ['GET', `/api/projects/${id}/notify-template`],
      ['GET', `/api/projects/${id}/settings-script`],
      ['GET', `/api/projects/${id}/mailboxes/${mailbox!.id}/settings-script`],
    ];
    await database.db.updateTable('workgroups').set({ project_sharing: true }).execute();
    for (const who of ['admin', 'manager', 'agent']) {
      for (const [method, url] of reads)
        expect((await as(who)(method as 'GET', url)).statusCode, `${who} ${url}`).toBe(200);
    }
    for (const [method, url] of reads) {
      const inactive = await as('inactive')(method as 'GET', url);
      expect(inactive.statusCode).toBe(403);
      const outsider = await as('outsider')(method as 'GET', url);
      expect(outsider.statusCode, url).toBe(404);
      expect(outsider.json().error.code).toBe('NOT_FOUND');
    }
    const writes: [string, string, unknown][] = [
      ['PUT', `/api/endpoints/${source}`, zimbraEndpoint({ name: 'Stolen' })],
      ['DELETE', `/api/endpoints/${source}`, undefined],
      ['POST', `/api/endpoints/${source}/validate`, undefined],
      ['PUT', `/api/projects/${id}/options`, {}],
      ['POST', `/api/projects/${id}/mailboxes`, { source: 'x@zimbra.test', destination: 'x@contoso.com' }],
      ['DELETE', `/api/projects/${id}/mailboxes/${mailbox!.id}`, undefined],
      ['POST', `/api/projects/${id}/passes`, { pass: 'verify', mailboxIds: [mailbox!.id] }],
      ['POST', `/api/projects/${id}/passes/stop`, { mailboxIds: [mailbox!.id] }],
      ['POST', `/api/projects/${id}/statistics/request`, undefined],
      [
        'POST',
        `/api/projects/${id}/notify`,
        { mailboxIds: [mailbox!.id], migrationAt: '2026-12-05T17:30:00Z' },
      ],
      ['DELETE', `/api/projects/${id}`, undefined],
    ];
    const auditBefore = await count('audit_log');
    for (const [method, url, payload] of writes) {
      expect((await as('outsider')(method as 'POST', url, payload)).statusCode, url).toBe(404);
      expect((await as('inactive')(method as 'POST', url, payload)).statusCode, url).toBe(403);
    }
    expect(await count('audit_log')).toBe(auditBefore);
    expect((await as('outsider')('GET', '/api/endpoints')).json().items).toEqual([]);
    expect((await as('outsider')('GET', '/api/projects')).json().items).toEqual([]);
    // An Agent does service work: edits options and starts a free pass.
    expect(
      (await as('agent')('PUT', `/api/projects/${id}/options`, { maxConcurrentMigrations: 3 })).statusCode,
    ).toBe(200);
  });

  it('with Project Sharing off, Agents see only the projects they created; Managers see all', async () => {
    await database.db.updateTable('workgroups').set({ project_sharing: false }).execute();
    const mine = await newProject('Agent two project', 'agent2');
    const theirs = await newProject('Admin project');
    const names = async (who: string) =>
      (await as(who)('GET', '/api/projects?pageSize=500'))
        .json<{ items: { name: string }[] }>()
        .items.map((p) => p.name);
    expect(await names('agent2')).toEqual(['Agent two project']);
    expect(await names('manager')).toEqual(expect.arrayContaining(['Agent two project', 'Admin project']));
    expect((await as('agent2')('GET', `/api/projects/${theirs.id}`)).statusCode).toBe(404);
    expect((await as('agent')('GET', `/api/projects/${mine.id}`)).statusCode).toBe(404);
    await database.db.updateTable('workgroups').set({ project_sharing: true }).execute();
    expect((await as('agent')('GET', `/api/projects/${mine.id}`)).statusCode).toBe(200);
  });
});
