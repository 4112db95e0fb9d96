import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { createAgent } from '../../src/db/agents.ts';
import { createApiToken } from '../../src/db/api-tokens.ts';
import { type JobQueue, startJobQueue } from '../../src/db/job-queue.ts';
import { createWorkgroup } from '../../src/db/workgroups.ts';
import { type RunningM365Emulator, startM365Emulator } from '../../src/emulators/m365/server.ts';
import { startZimbraEmulator, type ZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { parseKeyRing } from '../../src/secrets/master-key.ts';
import { createSecretBox } from '../../src/secrets/secret-box.ts';
import { hashToken, newToken } from '../../src/secrets/tokens.ts';
import { startMigrationWorkers } from '../../src/worker/migration-workers.ts';
import { buildTestApp } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/ferry.js');
const TENANT = '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f';
const CLIENT = '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a';

let database: TestDatabase;
let queue: JobQueue;
let workers: Awaited<ReturnType<typeof startMigrationWorkers>>;
let zimbra: ZimbraEmulator;
let m365: RunningM365Emulator;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let dir: string;
let env: Record<string, string>;

function ferry(args: string[], input = '') {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ferry-projects-cli-'));
  const zimbraDir = path.join(dir, 'zimbra');
  mkdirSync(path.join(zimbraDir, 'accounts', 'alice@zimbra.test', 'mail', 'Inbox'), { recursive: true });
  writeFileSync(
    path.join(zimbraDir, 'server.json'),
    JSON.stringify({ admin: { name: 'admin@zimbra.test', password: 'admin-pw' } }),
  );
  writeFileSync(
    path.join(zimbraDir, 'accounts', 'alice@zimbra.test', 'mail', 'Inbox', '1.eml'),
    'From: bob@partner.test\r\nTo: alice@zimbra.test\r\nSubject: Hello\r\nDate: Mon, 02 Sep 2024 08:00:00 +0000\r\n\r\nHi.\r\n',
  );
  zimbra = await startZimbraEmulator({ dataDir: zimbraDir });
  m365 = await startM365Emulator({
    config: {
      tenants: [
        {
          id: TENANT,
          domains: ['contoso.com'],
          apps: [
            {
              clientId: CLIENT,
              secret: 'cli-secret',
              // Verify Credentials of a project moving rules checks MailboxSettings (inbox rules).
              permissions: ['Mail.ReadWrite', 'User.Read.All', 'MailboxSettings.ReadWrite'],
            },
          ],
          autoCreateUsers: true,
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
  const workgroup = await createWorkgroup(database.db, 'CLI MSP');
  const agent = await createAgent(database.db, {
    workgroupId: workgroup.id,
    email: 'cli@msp.example',
    name: 'Cli',
    role: 'agent',
    passwordHash: null,
  });
  const token = newToken('fry_');
  await createApiToken(database.db, {
    agentId: agent.id,
    name: 'cli',
    tokenHash: hashToken(token),
    prefix: token.slice(0, 10),
  });
  await database.db
    .insertInto('customers')
    .values({ workgroup_id: workgroup.id, company_name: 'Fabrikam', primary_domain: 'zimbra.test' })
    .execute();
  env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    FERRY_URL: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    FERRY_TOKEN: token,
    LOG_LEVEL: 'warn',
  };
}, 120_000);

afterAll(async () => {
  await app?.close();
  await workers?.stop();
  await queue?.stop({ graceful: false, close: true });
  await database?.close();
  await zimbra?.close();
  await m365?.close();
  rmSync(dir, { recursive: true, force: true });
});

it(
  'sets up endpoints and a project, refuses bad input with exit 2, and runs Verify Credentials with --wait',
  { timeout: 300_000 },
  async () => {
    const comma = await ferry(
      [
        'endpoints',
        'add-zimbra',
        '--name',
        'Src',
        '--server-url',
        zimbra.url,
        '--admin-url',
        zimbra.adminUrl,
        '--admin-username',
        'admin@zimbra.test',
        '--password-stdin',
      ],
      'admin,pw\n',
    );
    expect(comma.status).toBe(2);
    expect(comma.stderr).toContain('adminPassword must not contain a comma');

    const source = await ferry(
      [
        'endpoints',
        'add-zimbra',
        '--name',
        'Src',
        '--server-url',
        zimbra.url,
        '--admin-url',
        zimbra.adminUrl,
        '--admin-username',
        'admin@zimbra.test',
        '--password-stdin',
        '--json',
      ],
      'admin-pw\n',
    );
    expect(source.status, source.stderr).toBe(0);
    expect(JSON.parse(source.stdout)).toMatchObject({
      name: 'Src',
      zimbra: { adminPassword: { set: true } },
    });
    expect(source.stdout).not.toContain('admin-pw');
    const destination = await ferry(
      [
        'endpoints',
        'add-m365',
        '--name',
        'Dst',
        '--application-id',
        CLIENT,
        '--tenant-id',
        TENANT,
        '--authority-url',
        m365.authorityUrl,
        '--graph-url',
        m365.graphUrl,
        '--secret-stdin',
      ],
      'cli-secret\n',
    );
    expect(destination.status, destination.stderr).toBe(0);

    const created = await ferry([
      'projects',
      'create',
      '--name',
      'CLI project',
      '--customer',
      'Fabrikam',
      '--source',
      'src',
      '--destination',
      'DST',
    ]);
    expect(created.stdout).toMatch(/^Created project CLI project \(/);
    const validated = await ferry(['projects', 'validate', 'cli project']);
    // The emulated app holds only Mail.ReadWrite, User.Read.All and MailboxSettings.ReadWrite: validation says what is missing, exit 1.
    expect(validated.status, validated.stdout).toBe(1);
    expect(validated.stdout).toContain('[ok] admin port');
    expect(validated.stdout).toContain(
      '[FAIL] Application permissions: The application lacks these application permissions: Contacts.ReadWrite',
    );

    const csv = path.join(dir, 'users.csv');
    writeFileSync(csv, 'source,destination\nalice@zimbra.test,alice@contoso.com\nbroken line\n');
    const bad = await ferry(['mailboxes', 'import', 'CLI project', csv]);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toContain('line 3: expected "source,destination", found 1 column(s)');
    writeFileSync(csv, 'source,destination\nalice@zimbra.test,alice@contoso.com\n');
    expect((await ferry(['mailboxes', 'import', 'CLI project', csv])).stdout).toBe(
      'Imported 1 mailbox(es).\n',
    );

    const badOptions = await ferry(['projects', 'options', 'CLI project', '--support', 'Nope=1']);
    expect(badOptions.status).toBe(2);
    expect(badOptions.stderr).toContain('"Nope" is not a known Support option');
    const options = await ferry(['projects', 'options', 'CLI project', '--max-concurrent', '3', '--json']);
    expect(JSON.parse(options.stdout)).toMatchObject({ maxConcurrentMigrations: 3, support: [] });

    const verify = await ferry(['passes', 'start', 'CLI project', 'verify', '--all', '--wait', '--json']);
    expect(verify.status, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout).mailboxes).toMatchObject([
      { source: 'alice@zimbra.test', status: 'completed', lastPass: 'verify' },
    ]);
    const full = await ferry(['passes', 'start', 'CLI project', 'full', 'alice@zimbra.test']);
    expect(full.status).toBe(2);
    expect(full.stderr).toContain('User Migration Bundle licence');
    const history = await ferry(['passes', 'history', 'CLI project', '--json']);
    expect(JSON.parse(history.stdout)).toMatchObject([
      { pass: 'verify', passLabel: 'Verify Credentials', mailboxes: { completed: 1 } },
    ]);
  },
);
