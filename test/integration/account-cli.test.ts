import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFirstAdministrator } from '../../src/api/first-administrator.ts';
import { createAgent } from '../../src/db/agents.ts';
import { buildTestApp, recordingMailer } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/ferry.js');
/** Each run of the binary loads the whole CLI through type stripping: seconds on a busy machine. */
const CLI_TIMEOUT_MS = 300_000;
const PASSWORD = 'account cli password';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
const mailer = recordingMailer();
let url: string;
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
  database = await createTestDatabase();
  ({ app } = await buildTestApp(database.db, { mailer }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  await createFirstAdministrator(database.db, {
    workgroupName: 'Account CLI MSP',
    name: 'Ari',
    email: 'ari@acli.example',
    password: PASSWORD,
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-account-cli-'));
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

describe('ferry admin create', () => {
  it(
    'refuses a commonly used password before touching any database',
    async () => {
      const result = await ferry(
        ['admin', 'create', '--email', 'new@acli.example', '--name', 'New', '--password-stdin'],
        'password1234\n',
      );
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'ferry: password: This password is on a list of commonly used passwords; choose another.\n',
      );
    },
    CLI_TIMEOUT_MS,
  );
});

describe('ferry account and ferry agents reset-password', () => {
  it(
    'lists tokens with their expiry, changes the password from stdin, and sends a reset link',
    async () => {
      const login = await ferry(
        ['login', '--url', url, '--email', 'ari@acli.example', '--password-stdin'],
        `${PASSWORD}\n`,
      );
      expect(login.status).toBe(0);

      const tokens = await ferry(['account', 'tokens']);
      expect(tokens.status).toBe(0);
      expect(tokens.stdout).toMatch(/^NAME\s+STARTS WITH\s+CREATED\s+EXPIRES\s+LAST USED\s+STATUS\s+ID$/m);
      expect(tokens.stdout).toMatch(/ferry CLI on .* active /);

      const common = await ferry(['account', 'password', '--password-stdin'], `${PASSWORD}\npassword1234\n`);
      expect(common.status).toBe(2);
      expect(common.stderr).toContain(
        'This password is on a list of commonly used passwords; choose another.',
      );

      const changed = await ferry(
        ['account', 'password', '--password-stdin'],
        `${PASSWORD}\na new cli passphrase\n`,
      );
      expect(changed.stderr).toBe('');
      expect(changed.status).toBe(0);
      expect(changed.stdout).toContain('Password changed');
      // The CLI's own token survives its password change.
      expect((await ferry(['account', 'tokens'])).status).toBe(0);

      const { workgroup_id: workgroupId } = await database.db
        .selectFrom('agents')
        .select('workgroup_id')
        .executeTakeFirstOrThrow();
      await createAgent(database.db, {
        workgroupId,
        email: 'bo@acli.example',
        name: 'Bo',
        role: 'agent',
        passwordHash: null,
      });
      const reset = await ferry(['agents', 'reset-password', 'bo@acli.example']);
      expect(reset.stderr).toBe('');
      expect(reset.stdout).toContain('Sent a password reset link to bo@acli.example');
      expect(mailer.sent.at(-1)!.text).toContain('/reset-password?token=');
    },
    CLI_TIMEOUT_MS,
  );
});
