import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

import { simpleParser } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { createFirstAdministrator } from '../../src/api/first-administrator.ts';
import { type JobQueue, startJobQueue } from '../../src/db/job-queue.ts';
import { KNOWN_PERMISSIONS } from '../../src/emulators/m365/config.ts';
import { type RunningM365Emulator, startM365Emulator } from '../../src/emulators/m365/server.ts';
import { generateSeed, type SeedSummary } from '../../src/emulators/seed/generate-seed.ts';
import { startZimbraEmulator, type ZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { createMailer } from '../../src/mailer/create-mailer.ts';
import { parseKeyRing } from '../../src/secrets/master-key.ts';
import { createSecretBox } from '../../src/secrets/secret-box.ts';
import { startMigrationWorkers } from '../../src/worker/migration-workers.ts';
import { buildTestApp, cookiesOf } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';

const TENANT = '5b3a2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d';
const CLIENT = '8f7e6d5c-4b3a-4291-8c7d-1a2b3c4d5e6f';
const ADMIN = {
  workgroupName: 'Northwind MSP',
  name: 'Nina Admin',
  email: 'nina@northwind.example',
  password: 'seed guide walk 2026',
};

let database: TestDatabase;
let queue: JobQueue;
let workers: Awaited<ReturnType<typeof startMigrationWorkers>>;
let zimbra: ZimbraEmulator;
let m365: RunningM365Emulator;
let seed: SeedSummary;
let seedDir: string;
let smtp: SMTPServer;
const received: { to: string; raw: string }[] = [];
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let headers: Record<string, string>;

beforeAll(async () => {
  seedDir = mkdtempSync(path.join(tmpdir(), 'ferry-seed-guide-'));
  seed = await generateSeed({
    outDir: path.join(seedDir, 'zimbra'),
    accounts: 2,
    messages: 8,
    seed: 7,
    domain: 'northwind.example',
    specialAccounts: false,
    huge: true,
  });
  zimbra = await startZimbraEmulator({ dataDir: seed.outDir });
  m365 = await startM365Emulator({
    // Every 4th message create fails with a server error, whose outcome Ferry cannot know: Ferry
    // looks each one up by its stamp and tries again within the pass.
    faults: '500=@3/4~/mailFolders/[^/]+/messages$',
    config: {
      tenants: [
        {
          id: TENANT,
          domains: ['contoso.com'],
          region: 'EU',
          apps: [{ clientId: CLIENT, secret: 'the-client-secret', permissions: [...KNOWN_PERMISSIONS] }],
          autoCreateUsers: true,
          // The first user's mailbox takes messages of at most 10 KB: its larger ones fail for good
          // (ErrorMessageSizeExceeded), so its pass completes with errors for Retry Errors to take.
          users: [
            {
              userPrincipalName: `${seed.accounts[0]!.email.split('@')[0]}@contoso.com`,
              mailbox: true,
              maxMessageSizeMB: 0.01,
            },
          ],
        },
      ],
    },
  });
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as { port: number }).port;

  database = await createTestDatabase();
  queue = await startJobQueue({ url: database.url, supervise: false, onError: () => undefined });
  workers = await startMigrationWorkers({
    db: database.db,
    // The same key ring as the test app: workers open the endpoints the API sealed.
    sealer: createSecretBox(parseKeyRing(`test:${Buffer.alloc(32, 7).toString('base64')}`)),
    logger: pino({ level: 'silent' }),
    limits: MICROSOFT_LIMITS,
    outbound: loopbackOutbound(),
    maxMailboxes: 100,
  });
  ({ app } = await buildTestApp(database.db, {
    queue,
    mailer: await createMailer({
      smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
      dataDir: seedDir,
      from: 'ferry@northwind.example',
    }),
  }));
  await createFirstAdministrator(database.db, ADMIN);
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: ADMIN.email, password: ADMIN.password },
  });
  const cookies = cookiesOf(login.headers['set-cookie']);
  headers = { cookie: cookies.header, 'x-csrf-token': cookies.values['ferry_csrf']! };
}, 120_000);

afterAll(async () => {
  await app?.close();
  await workers?.stop();
  await queue?.stop({ graceful: false, close: true });
  await database?.close();
  await zimbra?.close();
  await m365?.close();
  await new Promise<void>((resolve) => (smtp === undefined ? resolve() : smtp.close(() => resolve())));
  rmSync(seedDir, { recursive: true, force: true });
});

async function call<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
  expected = 200,
) {
  const response = await app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(expected);
  return response.json<T>();
}

interface Mailbox {
  id: string;
  source: string;
  status: string;
  lastPass: string | null;
  lastError: string | null;
}

async function runPass(projectId: string, body: Record<string, unknown>): Promise<Mailbox[]> {
  await call('POST', `/api/projects/${projectId}/passes`, body, 202);
  return passDone(projectId);
}

async function passDone(projectId: string): Promise<Mailbox[]> {
  for (;;) {
    const page = await call<{ items: Mailbox[] }>('GET', `/api/projects/${projectId}/mailboxes`);
    if (page.items.every((m) => !['queued', 'running'].includes(m.status))) return page.items;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

it('walks the seed guide end to end against both emulators', async () => {
  const accounts = seed.accounts.map((a) => a.email);

  // Purchase: User Migration Bundle licences by card, available at once.
  const order = await call<{ status: string }>(
    'POST',
    '/api/licenses/orders',
    {
      quantity: 5,
      paymentMethod: 'card',
      card: { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2031, cvc: '123' },
    },
    201,
  );
  expect(order.status).toBe('paid');

  // Add Customer, with its users (vanity domain), then Apply User Migration Bundle License.
  const customer = await call<{ id: string }>(
    'POST',
    '/api/customers',
    { companyName: 'Northwind Traders', primaryDomain: 'northwind.example' },
    201,
  );
  const userIds: string[] = [];
  for (const email of accounts) {
    userIds.push(
      (await call<{ id: string }>('POST', `/api/customers/${customer.id}/users`, { email }, 201)).id,
    );
  }
  const applied = await call<{ applied: unknown[] }>('POST', '/api/licenses/apply', {
    customerUserIds: userIds,
  });
  expect(applied.applied).toHaveLength(2);

  // Endpoints: Zimbra 6.5+ with Provide Credentials, Microsoft 365 with the app's ids and secret.
  const source = await call<{ id: string; zimbra: { adminPassword: { set: boolean } } }>(
    'POST',
    '/api/endpoints',
    {
      kind: 'zimbra',
      name: 'Northwind Zimbra',
      serverUrl: zimbra.url,
      adminUrl: zimbra.adminUrl,
      provideCredentials: true,
      adminUsername: seed.admin.name,
      adminPassword: seed.admin.password,
    },
    201,
  );
  expect(source.zimbra.adminPassword).toEqual({ set: true });
  const destination = await call<{ id: string }>(
    'POST',
    '/api/endpoints',
    {
      kind: 'm365',
      name: 'Contoso 365',
      applicationId: CLIENT,
      tenantId: TENANT,
      provideCredentials: true,
      clientSecret: 'the-client-secret',
      authorityUrl: m365.authorityUrl,
      graphUrl: m365.graphUrl,
    },
    201,
  );

  // Create Project (Mailbox Project), then Save and Go to Summary validates both endpoints.
  const project = await call<{ id: string }>(
    'POST',
    '/api/projects',
    {
      name: 'Northwind to Contoso',
      customerId: customer.id,
      sourceEndpointId: source.id,
      destinationEndpointId: destination.id,
    },
    201,
  );
  const validation = await call<{
    ok: boolean;
    regionNotice: string;
    source: { checks: { check: string; ok: boolean }[] };
  }>('POST', `/api/projects/${project.id}/validate`);
  expect(validation.source.checks.map((c) => [c.check.split(' (')[0], c.ok])).toEqual([
    ['mail port', true],
    ['admin port', true],
  ]);
  expect(validation.ok).toBe(true);
  expect(validation.regionNotice).toBe(
    "Automatically detected destination tenant's region and assigned to the 'Ferry Datacenter' in Europe.",
  );
  const summary = await call<{ destination: { region: string } }>(
    'GET',
    `/api/projects/${project.id}/summary`,
  );
  expect(summary.destination.region).toBe('EU');

  // Bulk Add from the Zimbra admin-console export (8.8.15 p31+ layout), destinations rewritten to contoso.com.
  const csv = [
    ...accounts.map(
      (a, i) => `${a},0000000${i}-aaaa-4bbb-8ccc-000000000000,account,User ${i},active,cos-1,,`,
    ),
    `all@northwind.example,11111111-aaaa-4bbb-8ccc-000000000000,dl,All staff,active,,,`,
  ].join('\r\n');
  const preview = await call<{ ok: boolean; rows: { source: string; destination: string }[] }>(
    'POST',
    `/api/projects/${project.id}/mailboxes/bulk-preview`,
    { csv, destinationDomain: 'contoso.com' },
  );
  expect(preview.ok).toBe(true);
  expect(preview.rows.map((r) => r.destination)).toEqual(
    accounts.map((a) => `${a.split('@')[0]}@contoso.com`),
  );
  expect(
    await call(
      'POST',
      `/api/projects/${project.id}/mailboxes/bulk`,
      { csv, destinationDomain: 'contoso.com' },
      201,
    ),
  ).toEqual({ added: 2 });

  // Advanced Options: Support ZimbraCalendarExpandInstances=1, Performance 2 at once.
  await call('PUT', `/api/projects/${project.id}/options`, {
    support: ['ZimbraCalendarExpandInstances=1'],
    maxConcurrentMigrations: 2,
  });
  const ids = (await call<{ items: Mailbox[] }>('GET', `/api/projects/${project.id}/mailboxes`)).items.map(
    (m) => m.id,
  );

  const verified = await runPass(project.id, { pass: 'verify', mailboxIds: ids });
  expect(verified.map((m) => [m.status, m.lastPass])).toEqual([
    ['completed', 'verify'],
    ['completed', 'verify'],
  ]);

  const prestaged = await runPass(project.id, {
    pass: 'prestage',
    mailboxIds: ids,
    prestage: { daysAgo: 90 },
  });
  expect(prestaged.every((m) => m.lastPass === 'prestage' && m.status.startsWith('completed'))).toBe(true);

  const full = await runPass(project.id, { pass: 'full', mailboxIds: ids });
  expect(full.every((m) => m.lastPass === 'full')).toBe(true);
  // ZimbraCalendarExpandInstances=1 keeps recurring meetings as series (it only adds occurrences
  // the series would miss), never a calendar of single events.
  for (const destination of preview.rows.map((r) => r.destination)) {
    const mailbox = (await (await fetch(`${m365.graphUrl}/_emulator/mailboxes/${destination}`)).json()) as {
      calendars: { events: { recurrence?: unknown }[] }[];
    };
    const events = mailbox.calendars.flatMap((c) => c.events);
    expect(events.filter((e) => e.recurrence !== null && e.recurrence !== undefined).length).toBeGreaterThan(
      0,
    );
  }
  const withErrors = full.filter((m) => m.status === 'completed_with_errors').map((m) => m.id);
  expect(withErrors.length).toBeGreaterThan(0);
  // A pass that completed with errors says why, as the dashboard's red error.
  for (const mailbox of full.filter((m) => m.status === 'completed_with_errors'))
    expect(mailbox.lastError).toMatch(/^ITEMS_FAILED: \d+ items? could not be migrated \([A-Z_]+ ×\d+/);
  const notRetryable = full.find((m) => m.status === 'completed');
  if (notRetryable !== undefined) {
    const refused = await app.inject({
      method: 'POST',
      url: `/api/projects/${project.id}/passes`,
      headers,
      payload: { pass: 'retry', mailboxIds: [notRetryable.id] },
    });
    expect(refused.json().error.code).toBe('NOTHING_TO_RETRY');
    expect(refused.json().error.message).toContain(`${notRetryable.source} completed without errors`);
  }

  // Retry Errors on the whole selection retries those with errors and names the others.
  const started = await call<{ mailboxes: number; skipped: { source: string; reason: string }[] }>(
    'POST',
    `/api/projects/${project.id}/passes`,
    { pass: 'retry', mailboxIds: ids },
    202,
  );
  expect(started.mailboxes).toBe(withErrors.length);
  expect(started.skipped.map((s) => s.source)).toEqual(
    full.filter((m) => m.status === 'completed').map((m) => m.source),
  );
  const retried = await passDone(project.id);
  expect(retried.filter((m) => withErrors.includes(m.id)).every((m) => m.lastPass === 'retry')).toBe(true);

  // Pre-Stage and Full completed for both users: four licence uses, Verify and Retry free.
  const uses = await database.db
    .selectFrom('licence_log')
    .select(['user_email', 'pass'])
    .where('event', '=', 'used')
    .execute();
  expect(uses.map((u) => `${u.pass}:${u.user_email}`).sort()).toEqual(
    [...accounts.map((a) => `full:${a}`), ...accounts.map((a) => `prestage:${a}`)].sort(),
  );

  const statistics = await call<{
    project: { mailboxes: number; migrated: { mail: { migrated: number; failed: number } } };
    mailboxes: {
      source: string;
      destination: string;
      migrated: { calendar: { migrated: number } };
      lastPassItems: { calendar: { failed: number } };
      folders: { path: string; source: number; atDestination: number; failed: number; verdict: string }[];
    }[];
  }>('GET', `/api/projects/${project.id}/statistics`);
  const sourceMessages = seed.accounts.reduce((sum, a) => sum + a.mail.messages, 0);
  expect(statistics.project.mailboxes).toBe(2);
  // Every message is migrated once, but those still failing after Retry Errors.
  const { migrated, failed } = statistics.project.migrated.mail;
  expect(migrated + failed).toBe(sourceMessages);
  expect(migrated).toBeGreaterThan(sourceMessages / 2);
  // Calendar items count as the tenant holds them: each series, its changed occurrences, and singles.
  for (const mailbox of statistics.mailboxes) {
    const dump = (await (
      await fetch(`${m365.graphUrl}/_emulator/mailboxes/${mailbox.destination}`)
    ).json()) as {
      calendars: { events: { exceptionOccurrences?: unknown[] }[] }[];
    };
    const inTenant = dump.calendars
      .flatMap((c) => c.events)
      .reduce((sum, e) => sum + 1 + (e.exceptionOccurrences?.length ?? 0), 0);
    if (mailbox.lastPassItems.calendar.failed === 0)
      expect(mailbox.migrated.calendar.migrated, mailbox.source).toBe(inTenant);
  }
  // Reconciliation, folder by folder, against the seed's own counts.
  for (const account of seed.accounts) {
    const folders = statistics.mailboxes.find((m) => m.source === account.email)!.folders;
    for (const [folder, expected] of Object.entries(account.mail.folders)) {
      const row = folders.find((f) => f.path === folder)!;
      expect(row.source, `${account.email} ${folder}`).toBe(expected.messages);
      expect(row.atDestination + row.failed, `${account.email} ${folder}`).toBe(expected.messages);
      expect(row.verdict).toBe(row.failed > 0 ? 'failed-items' : 'complete');
    }
  }

  // Request Statistics: the report reaches the requesting agent through a real SMTP server.
  expect(await call('POST', `/api/projects/${project.id}/statistics/request`, undefined, 202)).toEqual({
    sentTo: [ADMIN.email],
  });
  // (The licence purchase sent its own email to the agent earlier.)
  const isReport = (m: { raw: string }) => m.raw.includes('Subject: Ferry statistics');
  await expect.poll(() => received.filter(isReport).length).toBe(1);
  const delivered = received.find(isReport)!;
  expect(delivered.to).toBe(ADMIN.email);
  const mail = await simpleParser(delivered.raw);
  expect(mail.subject).toBe('Ferry statistics: Northwind to Contoso');
  // mailparser resolves the HTML's cid: reference to the inline chart it names.
  expect(mail.html).toContain('<img src="data:image/png;base64,');
  const chart = mail.attachments.find((a) => a.contentType === 'image/png')!;
  expect(chart.cid).toBe('statistics-chart@ferry');
  expect(chart.content.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(chart.content.readUInt32BE(16)).toBe(240);
  const idat = chart.content.indexOf('IDAT');
  expect(
    inflateSync(chart.content.subarray(idat + 4, idat + 4 + chart.content.readUInt32BE(idat - 4))).length,
  ).toBe((240 * 3 + 1) * 240);
  const report = mail.attachments.find((a) => a.contentType === 'text/csv')!;
  const lines = report.content.toString('utf8').trim().split('\r\n');
  expect(lines[0]).toMatch(/^source,destination,status,last pass,mail migrated,mail failed/);
  expect(
    lines
      .slice(1)
      .map((l) => l.split(',')[0])
      .sort(),
  ).toEqual([...accounts].sort());
}, 120_000);
