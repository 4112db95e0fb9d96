/**
 * `npm run demo`: Ferry at work without a Zimbra server or a Microsoft 365 tenant. Starts both
 * emulators (Zimbra seeded with a handful of realistic mailboxes), starts Ferry on its embedded
 * database, walks the seed guide through the API (workgroup, licences, customer, endpoints,
 * project, Bulk Add, Verify Credentials, Full pass), prints the statistics and leaves the console
 * running until Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';

import { KNOWN_PERMISSIONS } from '../src/emulators/m365/config.ts';
import { startM365Emulator } from '../src/emulators/m365/server.ts';
import { generateSeed } from '../src/emulators/seed/generate-seed.ts';
import { startZimbraEmulator } from '../src/emulators/zimbra/server.ts';

const TENANT = '7d3c9a52-1b6e-4f08-9c2d-5e4a3b2c1d0f';
const CLIENT = 'c0ffee00-1234-4a5b-8c6d-0e1f2a3b4c5d';
const CLIENT_SECRET = `demo-${randomBytes(12).toString('hex')}`;
const ADMIN = {
  workgroupName: 'Demo MSP',
  name: 'Dana Demo',
  email: 'dana@demo-msp.example',
  password: `demo-${randomBytes(6).toString('hex')}`,
};
const port = Number(process.env.PORT ?? 8080);

const out = (line = '') => process.stdout.write(`${line}\n`);
const step = (text: string) => out(`\n== ${text}`);

const root = path.resolve('data');
mkdirSync(root, { recursive: true });
const dataDir = mkdtempSync(path.join(root, 'demo-'));
// Readable by others: when Ferry runs as root, its embedded PostgreSQL runs as another user.
chmodSync(dataDir, 0o755);

step(`Generating a Zimbra with a handful of mailboxes in ${dataDir}`);
const seed = await generateSeed({
  outDir: path.join(dataDir, 'zimbra'),
  accounts: 4,
  messages: 40,
  seed: 2026,
  domain: 'fabrikam.example',
  specialAccounts: false,
});
for (const account of seed.accounts)
  out(
    `  ${account.email}: ${account.mail.messages} messages, ${account.contacts.contacts} contacts, ${account.calendar.events} events, ${account.tasks.tasks} tasks`,
  );

const zimbra = await startZimbraEmulator({ dataDir: seed.outDir });
const m365 = await startM365Emulator({
  config: {
    tenants: [
      {
        id: TENANT,
        domains: ['contoso.example'],
        region: 'EU',
        apps: [{ clientId: CLIENT, secret: CLIENT_SECRET, permissions: [...KNOWN_PERMISSIONS] }],
        autoCreateUsers: true,
      },
    ],
  },
});
out(`  Zimbra emulator: ${zimbra.url} (admin ${zimbra.adminUrl}); Microsoft 365 emulator: ${m365.graphUrl}`);

step('Starting Ferry (ferry start) on the embedded database');
const ferry: ChildProcess = spawn(process.execPath, [path.resolve('bin/ferry.js'), 'start'], {
  env: {
    ...process.env,
    FERRY_DATA_DIR: path.join(dataDir, 'ferry'),
    PORT: String(port),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The emulators listen on loopback, which Ferry refuses unless the administrator allows it.
    FERRY_ALLOWED_PRIVATE_NETWORKS: '127.0.0.0/8,::1/128',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let printed = '';
ferry.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
const setupToken = await new Promise<string>((resolve, reject) => {
  const timer = setInterval(() => {
    const token = /setup\?token=(\S+)/.exec(printed)?.[1];
    if (token !== undefined) {
      clearInterval(timer);
      resolve(token);
    } else if (ferry.exitCode !== null) {
      clearInterval(timer);
      reject(new Error(`ferry start exited with ${ferry.exitCode}:\n${printed}`));
    }
  }, 100);
}).catch(async (error: unknown) => {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  await zimbra.close();
  await m365.close();
  process.exit(1);
});
const url = /listening on (http:\/\/\S+)/.exec(printed)![1]!;

let stopping = false;
const stop = async (exitCode = 0, fromTerminal = false) => {
  if (stopping) return;
  stopping = true;
  out('\nStopping Ferry and the emulators…');
  const exited = new Promise((resolve) => ferry.once('exit', resolve));
  // Ctrl-C in a terminal reaches Ferry too (same process group), and a second signal would cut its
  // drain short: give it a moment to notice before asking it ourselves.
  if (fromTerminal) await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
  if (ferry.exitCode === null && ferry.signalCode === null) ferry.kill('SIGTERM');
  await exited;
  await zimbra.close();
  await m365.close();
  process.exit(exitCode);
};
process.on('SIGINT', () => void stop(0, true));
process.on('SIGTERM', () => void stop());

let headers: Record<string, string> = {};
async function api<T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return (text === '' ? null : JSON.parse(text)) as T;
}

try {
  step('Creating the demo workgroup and its Administrator');
  const setup = await fetch(`${url}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...ADMIN, token: setupToken }),
  });
  if (!setup.ok) throw new Error(`setup failed: ${await setup.text()}`);
  const cookies = setup.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = cookies.find((c) => c.startsWith('ferry_csrf='))!.split('=')[1]!;
  headers = { cookie: cookies.join('; '), 'x-csrf-token': decodeURIComponent(csrf) };
  const { value: token } = await api<{ value: string }>('POST', '/api/tokens', { name: 'demo script' });
  headers = { authorization: `Bearer ${token}` };

  step('Purchase: 10 User Migration Bundle licences with the test card');
  await api('POST', '/api/licenses/orders', {
    quantity: 10,
    paymentMethod: 'card',
    card: {
      number: '4242424242424242',
      expiryMonth: 12,
      expiryYear: new Date().getFullYear() + 3,
      cvc: '123',
    },
  });

  step('Add Customer Fabrikam, its users, and Apply User Migration Bundle License');
  const customer = await api<{ id: string }>('POST', '/api/customers', {
    companyName: 'Fabrikam',
    primaryDomain: 'fabrikam.example',
  });
  const userIds: string[] = [];
  for (const account of seed.accounts) {
    const [firstName, lastName] = account.displayName.split(' ');
    userIds.push(
      (
        await api<{ id: string }>('POST', `/api/customers/${customer.id}/users`, {
          email: account.email,
          firstName,
          lastName,
        })
      ).id,
    );
  }
  await api('POST', '/api/licenses/apply', { customerUserIds: userIds });

  step('Endpoints: Zimbra 6.5+ and Microsoft 365, wired to the emulators');
  const source = await api<{ id: string }>('POST', '/api/endpoints', {
    kind: 'zimbra',
    name: 'Fabrikam Zimbra',
    serverUrl: zimbra.url,
    adminUrl: zimbra.adminUrl,
    provideCredentials: true,
    adminUsername: seed.admin.name,
    adminPassword: seed.admin.password,
  });
  const destination = await api<{ id: string }>('POST', '/api/endpoints', {
    kind: 'm365',
    name: 'Contoso Microsoft 365',
    applicationId: CLIENT,
    tenantId: TENANT,
    provideCredentials: true,
    clientSecret: CLIENT_SECRET,
    authorityUrl: m365.authorityUrl,
    graphUrl: m365.graphUrl,
  });

  step('Create Project, then Save and Go to Summary (endpoint validation)');
  const project = await api<{ id: string }>('POST', '/api/projects', {
    name: 'Fabrikam to Contoso',
    customerId: customer.id,
    sourceEndpointId: source.id,
    destinationEndpointId: destination.id,
  });
  const validation = await api<{
    ok: boolean;
    regionNotice: string | null;
    source: { checks: { check: string; ok: boolean; message: string }[] };
    destination: { checks: { check: string; ok: boolean; message: string }[] };
  }>('POST', `/api/projects/${project.id}/validate`);
  for (const check of [...validation.source.checks, ...validation.destination.checks])
    out(`  [${check.ok ? 'ok' : 'FAIL'}] ${check.check}: ${check.message}`);
  if (validation.regionNotice !== null) out(`  ${validation.regionNotice}`);

  step('Bulk Add from the Zimbra admin-console export');
  const csv = seed.accounts
    .map((a, i) => `"${a.email}","id-${i}","account","${a.displayName}","active","default"`)
    .join('\n');
  const added = await api<{ added: number }>('POST', `/api/projects/${project.id}/mailboxes/bulk`, {
    csv,
    destinationDomain: 'contoso.example',
  });
  out(`  ${added.added} mailboxes added`);
  await api('PUT', `/api/projects/${project.id}/options`, {
    support: ['ZimbraCalendarExpandInstances=1'],
    maxConcurrentMigrations: 5,
  });

  const mailboxIds = (
    await api<{ items: { id: string }[] }>('GET', `/api/projects/${project.id}/mailboxes`)
  ).items.map((m) => m.id);
  for (const pass of ['verify', 'full'] as const) {
    step(pass === 'verify' ? 'Verify Credentials' : 'Full Migration');
    await api('POST', `/api/projects/${project.id}/passes`, { pass, mailboxIds });
    for (;;) {
      const { items } = await api<{
        items: {
          source: string;
          status: string;
          statusLabel: string;
          progress: { itemsDone: number } | null;
          lastError: string | null;
        }[];
      }>('GET', `/api/projects/${project.id}/mailboxes`);
      const left = items.filter((m) => m.status === 'queued' || m.status === 'running');
      const inFlight = items.reduce((sum, m) => sum + (m.progress?.itemsDone ?? 0), 0);
      process.stdout.write(
        `\r  ${items.length - left.length}/${items.length} mailboxes done${left.length > 0 ? `, ${inFlight} items in flight` : ''}   `,
      );
      if (left.length === 0) {
        out();
        for (const m of items)
          out(`  ${m.source}: ${m.statusLabel}${m.lastError === null ? '' : ` — ${m.lastError}`}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  step('Statistics');
  const statistics = await api<{
    project: { migrated: Record<string, { migrated: number; bytes: number }>; failedItems: number };
    mailboxes: { source: string; migrated: Record<string, { migrated: number }> }[];
  }>('GET', `/api/projects/${project.id}/statistics`);
  for (const m of statistics.mailboxes)
    out(
      `  ${m.source}: ${Object.entries(m.migrated)
        .map(([type, c]) => `${c.migrated} ${type}`)
        .join(', ')}`,
    );
  out(
    `  In all: ${Object.entries(statistics.project.migrated)
      .map(([type, c]) => `${c.migrated} ${type}`)
      .join(', ')}; ${statistics.project.failedItems} failed`,
  );
  out(
    `  Signatures and forwarding without a copy are in the PowerShell script: ${url}/api/projects/${project.id}/settings-script (signed in).`,
  );
  await api('POST', `/api/projects/${project.id}/statistics/request`);
  out(
    `  Request Statistics sent the report to ${ADMIN.email} (written to ${path.join(dataDir, 'ferry', 'outbox')}).`,
  );

  step('Ferry is running');
  out(`  Console:  ${url}`);
  out(`  Sign in:  ${ADMIN.email}`);
  out(`  Password: ${ADMIN.password}`);
  out('  Press Ctrl-C to stop.');
} catch (error) {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  await stop(1);
}
