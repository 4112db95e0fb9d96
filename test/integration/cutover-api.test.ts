import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAgent } from '../../src/db/agents.ts';
import { createApiToken } from '../../src/db/api-tokens.ts';
import { createWorkgroup } from '../../src/db/workgroups.ts';
import { startZimbraEmulator, type ZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { hashToken, newToken } from '../../src/secrets/tokens.ts';
import { buildTestApp } from '../support/build-test-app.ts';
import { startTestDnsServer, type TestDnsServer } from '../support/dns-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let resolvers: TestDnsServer[];
let zimbra: ZimbraEmulator;
let zimbraDir: string;
/** Bob's mail in Zimbra: three messages no pass has seen. */
const BOB_MESSAGES = [1_000, 2_000, 3_000];
const tokens: Record<string, string> = {};
let projectId: string;
const mailboxIds: Record<string, string> = {};

async function agentToken(workgroupId: string, email: string): Promise<string> {
  const agent = await createAgent(database.db, {
    workgroupId,
    email,
    name: email.split('@')[0]!,
    role: 'administrator',
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
  return (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
}
const admin = as('admin');

/** Zimbra's records as they are before the cutover, on every resolver. */
function publishZimbra(server: TestDnsServer): void {
  server.set('contoso.com', [
    { type: 'MX', priority: 10, exchange: 'mail.contoso.com' },
    { type: 'TXT', text: 'v=spf1 mx -all' },
  ]);
  server.set('autodiscover.contoso.com', [{ type: 'A', address: '192.0.2.10' }]);
  server.set('_autodiscover._tcp.contoso.com', [
    { type: 'SRV', priority: 0, weight: 0, port: 443, target: 'mail.contoso.com' },
  ]);
}

function publishMicrosoft(server: TestDnsServer): void {
  server.set('contoso.com', [
    { type: 'MX', priority: 0, exchange: 'contoso-com.mail.protection.outlook.com' },
    { type: 'TXT', text: 'v=spf1 include:spf.protection.outlook.com -all' },
    { type: 'TXT', text: 'MS=ms12345678' },
  ]);
  server.set('autodiscover.contoso.com', [{ type: 'CNAME', target: 'autodiscover.outlook.com' }]);
  server.set('_autodiscover._tcp.contoso.com', []);
}

/** A finished Full pass of alice: 10 mail items planned in Inbox, 4 migrated (one of 8 MB), 1 failed; 3 contacts. */
async function recordFinishedPass(): Promise<void> {
  const db = database.db;
  const { id: runId } = await db
    .insertInto('pass_runs')
    .values({ name: 'p: Full', pass: 'full', options: '{}', endpoints_sealed: 'unused', max_concurrent: 5 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const started = new Date('2026-12-01T10:00:00Z');
  const { id: runMailboxId } = await db
    .insertInto('run_mailboxes')
    .values({
      run_id: runId,
      source: 'alice@zimbra.example.com',
      destination: 'alice@contoso.com',
      status: 'completed_with_errors',
      started_at: started,
      finished_at: new Date(started.getTime() + 90_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('project_passes')
    .values({
      run_id: runId,
      project_id: projectId,
      pass: 'full',
      started_by: null,
      scheduled_at: null,
      launched_at: started,
    })
    .execute();
  await db
    .insertInto('project_run_mailboxes')
    .values({ run_mailbox_id: runMailboxId, project_mailbox_id: mailboxIds.alice! })
    .execute();
  await db
    .updateTable('project_mailboxes')
    .set({ last_run_mailbox_id: runMailboxId })
    .where('id', '=', mailboxIds.alice!)
    .execute();
  await db
    .insertInto('run_folders')
    .values([
      {
        run_mailbox_id: runMailboxId,
        source_folder_id: '2',
        path: 'Inbox',
        destination_folder_id: 'd2',
        source_count: 10,
        cursor: null,
        item_type: 'mail',
      },
      {
        run_mailbox_id: runMailboxId,
        source_folder_id: '7',
        path: 'Contacts',
        destination_folder_id: 'd7',
        source_count: 3,
        cursor: null,
        item_type: 'contacts',
      },
    ])
    .execute();
  const mail = (id: string, outcome: string, bytes: number) => ({
    run_mailbox_id: runMailboxId,
    source_item_id: id,
    item_type: 'mail',
    source_folder_id: '2',
    outcome,
    bytes,
    code: outcome === 'failed' ? 'TOO_LARGE' : null,
    message: null,
    subject: null,
  });
  await db
    .insertInto('run_items')
    .values([
      mail('1', 'migrated', 10_000),
      mail('2', 'migrated', 20_000),
      mail('3', 'migrated', 30_000),
      mail('4', 'migrated', 8_000_000),
      mail('5', 'failed', 6_000_000),
      ...['c1', 'c2', 'c3'].map((id) => ({
        ...mail(id, 'migrated', 500),
        item_type: 'contacts',
        source_folder_id: '7',
      })),
    ])
    .execute();
}

function eml(bytes: number): string {
  const head = 'From: carol@example.com\r\nTo: bob@zimbra.example.com\r\nSubject: hello\r\n\r\n';
  return head + 'x'.repeat(bytes - head.length);
}

beforeAll(async () => {
  zimbraDir = mkdtempSync(path.join(tmpdir(), 'ferry-cutover-'));
  writeFileSync(
    path.join(zimbraDir, 'server.json'),
    JSON.stringify({ admin: { name: 'admin@zimbra.example.com', password: 'admin-pw' } }),
  );
  const inbox = path.join(zimbraDir, 'accounts', 'bob@zimbra.example.com', 'mail', 'Inbox');
  mkdirSync(inbox, { recursive: true });
  BOB_MESSAGES.forEach((bytes, i) => writeFileSync(path.join(inbox, `0000${i + 1}.eml`), eml(bytes)));
  zimbra = await startZimbraEmulator({ dataDir: zimbraDir });
  database = await createTestDatabase();
  resolvers = [await startTestDnsServer(), await startTestDnsServer()];
  resolvers.forEach(publishZimbra);
  ({ app } = await buildTestApp(database.db, { dnsServers: resolvers.map((r) => r.address) }));
  const home = await createWorkgroup(database.db, 'Home MSP');
  const other = await createWorkgroup(database.db, 'Other MSP');
  tokens.admin = await agentToken(home.id, 'admin@home.example');
  tokens.outsider = await agentToken(other.id, 'admin@other.example');
  const customer = (
    await admin('POST', '/api/customers', { companyName: 'Contoso', primaryDomain: 'contoso.com' })
  ).json();
  const source = (
    await admin('POST', '/api/endpoints', {
      kind: 'zimbra',
      name: 'Zimbra',
      serverUrl: zimbra.url,
      adminUrl: zimbra.adminUrl,
      adminUsername: 'admin@zimbra.example.com',
      adminPassword: 'admin-pw',
    })
  ).json();
  const destination = (
    await admin('POST', '/api/endpoints', {
      kind: 'm365',
      name: 'Contoso',
      applicationId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      tenantId: 'contoso.onmicrosoft.com',
      clientSecret: 'secret',
    })
  ).json();
  const project = await admin('POST', '/api/projects', {
    name: 'Cutover',
    customerId: customer.id,
    sourceEndpointId: source.id,
    destinationEndpointId: destination.id,
  });
  expect(project.statusCode, project.body).toBe(201);
  projectId = project.json().id;
  for (const name of ['alice', 'bob']) {
    const added = await admin('POST', `/api/projects/${projectId}/mailboxes`, {
      source: `${name}@zimbra.example.com`,
      destination: `${name}@contoso.com`,
    });
    expect(added.statusCode, added.body).toBe(201);
  }
  const list = (await admin('GET', `/api/projects/${projectId}/mailboxes`)).json().items as {
    id: string;
    source: string;
  }[];
  for (const m of list) mailboxIds[m.source.split('@')[0]!] = m.id;
  await recordFinishedPass();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await Promise.all((resolvers ?? []).map((r) => r.close()));
  await database?.close();
  await zimbra?.close();
  rmSync(zimbraDir, { recursive: true, force: true });
});

describe('cutover assistant', () => {
  it('lists the project’s domains, the resolvers and defaults from its endpoints', async () => {
    const response = await admin('GET', `/api/projects/${projectId}/cutover`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      domains: [
        { domain: 'contoso.com', roles: ['destination'] },
        { domain: 'zimbra.example.com', roles: ['source'] },
      ],
      resolvers: resolvers.map((r) => r.address),
      defaults: {
        forwardingDomain: 'contoso.onmicrosoft.com',
        zimbraSmartHost: new URL(zimbra.url).hostname,
      },
    });
  });

  it('says "not yet" while the records point to Zimbra, "propagating" when one resolver has the change, "done" when all do', async () => {
    const state = async () => {
      const response = await admin('GET', `/api/projects/${projectId}/cutover/dns`);
      expect(response.statusCode, response.body).toBe(200);
      const contoso = (
        response.json().domains as {
          domain: string;
          state: string;
          checks: {
            kind: string;
            state: string;
            expected: string;
            answers: { resolver: string; records: string[] }[];
          }[];
        }[]
      ).find((d) => d.domain === 'contoso.com')!;
      return { domain: contoso.state, checks: Object.fromEntries(contoso.checks.map((c) => [c.kind, c])) };
    };

    const before = await state();
    expect(before.domain).toBe('not_yet');
    expect(before.checks.mx!.state).toBe('not_yet');
    expect(before.checks.mx!.answers.map((a) => a.records)).toEqual([
      ['10 mail.contoso.com'],
      ['10 mail.contoso.com'],
    ]);
    expect(before.checks.mx!.expected).toContain('contoso-com.mail.protection.outlook.com');
    expect(before.checks['autodiscover-cname']!.state).toBe('not_yet');
    expect(before.checks['autodiscover-srv']!.state).toBe('not_yet');
    expect(before.checks.spf!.state).toBe('not_yet');

    publishMicrosoft(resolvers[0]!);
    const halfway = await state();
    expect(halfway.domain).toBe('propagating');
    expect(halfway.checks.mx!.state).toBe('propagating');

    publishMicrosoft(resolvers[1]!);
    const after = await state();
    expect(after.domain).toBe('done');
    expect(Object.values(after.checks).map((c) => c.state)).toEqual(['done', 'done', 'done', 'done']);
    // Each resolver was asked on its own.
    for (const resolver of resolvers) expect(resolver.questions).toContain('contoso.com MX');
  });

  it('generates the batch’s commands, and refuses a host that is not one', async () => {
    const response = await admin('POST', `/api/projects/${projectId}/cutover/commands`, {
      mailboxIds: [mailboxIds.alice],
      batchName: 'Batch 1',
      forwardingDomain: 'contoso.onmicrosoft.com',
      zimbraSmartHost: 'mail.zimbra.example.com',
    });
    expect(response.statusCode, response.body).toBe(200);
    const { zimbra, exchange } = response.json();
    expect(zimbra.filename).toBe('Cutover-Batch-1-zimbra-forwarding.sh');
    expect(zimbra.script).toContain(
      "ferry_set 'alice@zimbra.example.com' zimbraMailForwardingAddress 'alice@contoso.onmicrosoft.com'",
    );
    expect(zimbra.script).not.toContain('bob@');
    expect(exchange.script).toContain("foreach ($name in @('contoso.com'))");

    const bad = await admin('POST', `/api/projects/${projectId}/cutover/commands`, {
      mailboxIds: [mailboxIds.alice],
      forwardingDomain: 'contoso.onmicrosoft.com',
      zimbraSmartHost: 'mail.example.com; rm -rf /',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('zimbraSmartHost');
  });

  it('compares source and destination counts per mailbox from what the passes recorded', async () => {
    const response = await admin('GET', `/api/projects/${projectId}/cutover/comparison`);
    expect(response.statusCode, response.body).toBe(200);
    const byName = Object.fromEntries(
      (response.json().mailboxes as { source: string }[]).map((m) => [m.source.split('@')[0], m]),
    );
    expect(byName.alice).toMatchObject({
      sourceItems: 13,
      destinationItems: 7,
      failedItems: 1,
      verdict: 'failed-items',
    });
    expect(byName.bob).toMatchObject({ sourceItems: 0, destinationItems: 0, verdict: 'not-migrated' });
  });

  it('is not there for another workgroup', async () => {
    for (const url of ['cutover', 'cutover/dns', 'cutover/comparison'])
      expect((await as('outsider')('GET', `/api/projects/${projectId}/${url}`)).statusCode).toBe(404);
  });
});

describe('duration estimate', () => {
  it('estimates what a Full pass still has to move, and says which mailboxes are unknown', async () => {
    const response = await admin('POST', `/api/projects/${projectId}/estimate`, {});
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{
      unknownMailboxes: number;
      durationMs: number;
      mailboxes: { source: string; durationMs: number }[];
    }>();
    expect(body.unknownMailboxes).toBe(1);
    const alice = body.mailboxes.find((m) => m.source.startsWith('alice'))!;
    // 10 planned, 4 in the destination: 6 left, at the mean size of the 5 seen (2,812,000 bytes).
    expect(alice).toMatchObject({ known: true, messages: 6, messageBytes: 6 * 2_812_000, contacts: 0 });
    expect(alice.durationMs).toBeGreaterThan(0);
    expect(body.durationMs).toBe(alice.durationMs);
    const bob = body.mailboxes.find((m) => m.source.startsWith('bob'));
    expect(bob).toMatchObject({ known: false, durationMs: 0 });
  });

  it('compares finished passes: the estimate for what they moved against their measured duration', async () => {
    const response = await admin('GET', `/api/projects/${projectId}/estimate/passes`);
    expect(response.statusCode, response.body).toBe(200);
    const [pass] = response.json().passes;
    expect(pass).toMatchObject({ pass: 'full', mailboxes: 1, items: 8, measuredMs: 90_000 });
    expect(pass.estimatedMs).toBeGreaterThan(0);
  });

  it('refuses mailboxes of another project', async () => {
    const response = await admin('POST', `/api/projects/${projectId}/estimate`, {
      mailboxIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(response.statusCode).toBe(400);
  });

  it('sizes mailboxes no pass has listed from Zimbra’s folder list when asked', async () => {
    const response = await admin('POST', `/api/projects/${projectId}/estimate`, { askZimbra: true });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{
      unknownMailboxes: number;
      mailboxes: {
        source: string;
        known: boolean;
        sizedFrom: string | null;
        messages: number;
        messageBytes: number;
        durationMs: number;
      }[];
    }>();
    expect(body.unknownMailboxes).toBe(0);
    const bob = body.mailboxes.find((m) => m.source.startsWith('bob'))!;
    expect(bob).toMatchObject({
      known: true,
      sizedFrom: 'zimbra',
      messages: 3,
      messageBytes: BOB_MESSAGES.reduce((a, b) => a + b, 0),
    });
    expect(bob.durationMs).toBeGreaterThan(0);
    // Alice keeps what her passes recorded.
    expect(body.mailboxes.find((m) => m.source.startsWith('alice'))).toMatchObject({
      sizedFrom: 'passes',
      messages: 6,
    });
  });
});

describe('ferry cutover', () => {
  const BIN = path.resolve(import.meta.dirname, '../../bin/ferry.js');
  const ferry = async (args: string[]) => {
    if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: zimbraDir,
      FERRY_URL: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
      FERRY_TOKEN: tokens.admin!,
      LOG_LEVEL: 'warn',
    };
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  };

  it('prints each domain’s DNS state and exits 1 while one is not done', { timeout: 60_000 }, async () => {
    const result = await ferry(['cutover', 'dns', 'Cutover']);
    // contoso.com is done (the test above switched it); zimbra.example.com has no Microsoft records.
    expect(result.stdout).toContain('contoso.com (destination): done');
    expect(result.stdout).toContain('zimbra.example.com (source): not yet');
    expect(result.status).toBe(1);
  });

  it('writes the batch scripts, and refuses a bad host with exit 2', { timeout: 60_000 }, async () => {
    const written = await ferry([
      'cutover',
      'commands',
      'Cutover',
      'alice@zimbra.example.com',
      '--forwarding-domain',
      'contoso.onmicrosoft.com',
      '--zimbra-host',
      'mail.zimbra.example.com',
      '--batch',
      'Batch 1',
      '--out',
      zimbraDir,
    ]);
    expect(written.status, written.stderr).toBe(0);
    expect(readFileSync(path.join(zimbraDir, 'Cutover-Batch-1-zimbra-forwarding.sh'), 'utf8')).toContain(
      "ferry_set 'alice@zimbra.example.com' zimbraMailForwardingAddress",
    );
    const refused = await ferry([
      'cutover',
      'commands',
      'Cutover',
      'alice@zimbra.example.com',
      '--forwarding-domain',
      'contoso.onmicrosoft.com',
      '--zimbra-host',
      'mail.example.com; reboot',
    ]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('zimbraSmartHost');
  });

  it('prints the estimate per mailbox and for the project', { timeout: 60_000 }, async () => {
    const result = await ferry(['cutover', 'estimate', 'Cutover']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/alice@zimbra\.example\.com\s+6\s/);
    expect(result.stdout).toContain('1 mailbox(es) left out');
  });
});
