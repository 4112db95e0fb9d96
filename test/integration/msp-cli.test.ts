import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFirstAdministrator } from '../../src/api/first-administrator.ts';
import { parseCsvRecords } from '../../src/domain/csv.ts';
import { buildTestApp } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/ferry.js');
/** Each run of the binary loads the whole CLI through type stripping: seconds on a busy machine. */
const CLI_TIMEOUT_MS = 300_000;
const PASSWORD = 'cli admin password';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let url: string;
let dir: string;
let env: Record<string, string>;

/** Runs the real `ferry` binary; asynchronous, because the API it calls lives in this process. */
function ferry(args: string[], input?: string, extraEnv: Record<string, string> = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app } = await buildTestApp(database.db));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
  await createFirstAdministrator(database.db, {
    workgroupName: 'CLI MSP',
    name: 'Cleo',
    email: 'cleo@cli.example',
    password: PASSWORD,
  });
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-cli-'));
  env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    FERRY_CLI_CONFIG: path.join(dir, 'config', 'cli.json'),
    LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  await app.close();
  await database.close();
});

describe('ferry CLI against the API', () => {
  it(
    'refuses to work before login, with exit 2',
    async () => {
      const result = await ferry(['customers', 'list']);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('Not signed in: run "ferry login');
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'logs in with email and password, storing a token readable only by the user',
    async () => {
      const result = await ferry(
        ['login', '--url', url, '--email', 'cleo@cli.example', '--password-stdin'],
        `${PASSWORD}\n`,
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(
        `Signed in to ${url} as cleo@cli.example (administrator, workgroup "CLI MSP")`,
      );
      const file = env.FERRY_CLI_CONFIG!;
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(await readFile(file, 'utf8')) as { url: string; token: string };
      expect(stored.url).toBe(url);
      expect(stored.token).toMatch(/^fry_/);
      expect(await readFile(file, 'utf8')).not.toContain(PASSWORD);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'runs the licence journey: customer, users from CSV, purchase, apply, audit export',
    async () => {
      const added = await ferry([
        'customers',
        'add',
        '--company-name',
        'Contoso Ltd',
        '--domain',
        'Contoso.com',
        '--country',
        'UK',
        '--json',
      ]);
      expect(added.status).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({
        companyName: 'Contoso Ltd',
        primaryDomain: 'contoso.com',
        country: 'UK',
      });

      const badCsv = path.join(dir, 'bad.csv');
      await writeFile(badCsv, 'email,firstName,lastName\nann@contoso.com,Ann,A\nnope,,\nann@contoso.com\n');
      const refused = await ferry(['users', 'import', '--customer', 'contoso.com', '--csv', badCsv]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('line 3: "nope" is not an email address');
      expect(refused.stderr).toContain('line 4: ann@contoso.com is already on line 2');

      const goodCsv = path.join(dir, 'good.csv');
      await writeFile(
        goodCsv,
        'ann@contoso.com,Ann,Arbor\nben@contoso.com,Ben,Bay\ncy@contoso.com,Cy,Cole\n',
      );
      const imported = await ferry(['users', 'import', '--customer', 'Contoso Ltd', '--csv', goodCsv]);
      expect(imported.stdout).toBe('Added 3 users; 0 were already there.\n');

      const purchased = await ferry([
        'licenses',
        'purchase',
        '--quantity',
        '2',
        '--method',
        'card',
        '--card-number',
        '4242 4242 4242 4242',
        '--card-expiry',
        '12/2099',
        '--card-cvc',
        '123',
        '--json',
      ]);
      expect(purchased.status).toBe(0);
      expect(JSON.parse(purchased.stdout)).toMatchObject({ quantity: 2, status: 'paid', amountCents: 3000 });

      const tooFew = await ferry(['licenses', 'apply', '--customer', 'contoso.com', '--all-unlicensed']);
      expect(tooFew.status).toBe(2);
      expect(tooFew.stderr).toContain('You need 1 more User Migration Bundle licences');

      const two = await ferry([
        'licenses',
        'apply',
        '--customer',
        'contoso.com',
        '--users',
        'ann@contoso.com, BEN@contoso.com',
        '--json',
      ]);
      expect(
        (JSON.parse(two.stdout) as { applied: { email: string }[] }).applied.map((a) => a.email),
      ).toEqual(['ann@contoso.com', 'ben@contoso.com']);

      const listed = await ferry(['users', 'list', '--customer', 'contoso.com']);
      const rows = listed.stdout.trim().split('\n');
      expect(rows[0]).toMatch(/^EMAIL\s+FIRST NAME\s+LAST NAME\s+LICENCE\s+EXPIRES\s+ID$/);
      expect(rows.slice(1, 4).map((r) => r.split(/\s{2,}/).slice(0, 4))).toEqual([
        ['ann@contoso.com', 'Ann', 'Arbor', 'licensed'],
        ['ben@contoso.com', 'Ben', 'Bay', 'licensed'],
        ['cy@contoso.com', 'Cy', 'Cole', 'none'],
      ]);
      expect(rows[4]).toBe('(page 1 of 1, 3 in all)');

      const po = await ferry(['licenses', 'purchase', '--quantity', '500', '--method', 'purchaseOrder']);
      expect(po.status).toBe(2);
      expect(po.stderr).toContain('Purchase orders are not accepted');

      const summary = await ferry(['licenses', 'summary', '--json']);
      expect(JSON.parse(summary.stdout)).toMatchObject({ available: 0, assigned: 2, pending: 0 });

      const out = path.join(dir, 'audit.csv');
      const exported = await ferry(['audit', 'export', '--action', 'licence.', '--out', out]);
      expect(exported.status).toBe(0);
      const records = parseCsvRecords(await readFile(out, 'utf8'));
      expect(records.map((r) => r.fields[1])).toEqual(['action', 'licence.applied', 'licence.purchased']);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'invites an agent and lists agents',
    async () => {
      const invited = await ferry(['agents', 'invite', '--email', 'dora@cli.example', '--role', 'manager']);
      expect(invited.status).toBe(0);
      expect(invited.stdout).toMatch(/^Invited dora@cli\.example as manager; the link expires /);
      const invitations = await ferry(['agents', 'invitations', '--json']);
      expect((JSON.parse(invitations.stdout) as { email: string }[]).map((i) => i.email)).toEqual([
        'dora@cli.example',
      ]);
      const agents = await ferry(['agents', 'list', '--json']);
      expect((JSON.parse(agents.stdout) as { items: { email: string }[] }).items.map((a) => a.email)).toEqual(
        ['cleo@cli.example'],
      );
      const lastAdmin = await ferry(['agents', 'deactivate', 'cleo@cli.example']);
      expect(lastAdmin.status).toBe(2);
      expect(lastAdmin.stderr).toContain('last Administrator');
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'exits 2 on bad options',
    async () => {
      const badPage = await ferry(['customers', 'list', '--page', '0']);
      expect(badPage.status).toBe(2);
      expect(badPage.stderr).toContain('must be a whole number of 1 or more');
      const badMethod = await ferry(['licenses', 'purchase', '--quantity', '1', '--method', 'cheque']);
      expect(badMethod.status).toBe(2);
      const noCard = await ferry(['licenses', 'purchase', '--quantity', '1', '--method', 'card']);
      expect(noCard.status).toBe(2);
      expect(noCard.stderr).toContain('Paying by card needs --card-number');
    },
    CLI_TIMEOUT_MS,
  );
});
