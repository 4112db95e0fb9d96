import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startM365Emulator, type RunningM365Emulator } from '../../src/emulators/m365/server.ts';
import { generateSeed } from '../../src/emulators/seed/generate-seed.ts';
import { startZimbraEmulator, type ZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { STAMP_PROPERTY_ID } from '../../src/engine/migrate-message.ts';
import { postgresProcessesUnder } from '../support/ferry-process.ts';
import { LOOPBACK_ENV } from '../support/loopback-outbound.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/ferry.js');
const TENANT = '55555555-5555-4555-8555-555555555555';
const CLIENT = '66666666-6666-4666-8666-666666666666';

let work: string;
let zimbra: ZimbraEmulator;
let m365: RunningM365Emulator;
let planFile: string;
let users: { source: string; destination: string }[];
let sourceCount = 0;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ferry-crash-'));
  // As root, the embedded PostgreSQL runs as "postgres", which must be able to enter the data dir's parents.
  chmodSync(work, 0o755);
  const corpus = path.join(work, 'corpus');
  const summary = await generateSeed({
    outDir: corpus,
    accounts: 2,
    messages: 120,
    seed: 3,
    specialAccounts: false,
    huge: false,
  });
  sourceCount = summary.totals.messages;
  zimbra = await startZimbraEmulator({ dataDir: corpus, dosFilterMaxRequestsPerSec: 10_000 });
  // Every Graph call takes 15 ms, so the pass lasts long enough to be killed in the middle.
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
              secret: 's3cret',
              permissions: ['Mail.ReadWrite', 'User.Read.All', 'MailboxSettings.ReadWrite'],
            },
          ],
          users: [],
          autoCreateUsers: true,
        },
      ],
    },
    faults: 'slow=1:15',
  });
  const admin = summary.admin;
  users = summary.accounts.map((a) => ({
    source: a.email,
    destination: `${a.email.split('@')[0]}@contoso.com`,
  }));
  planFile = path.join(work, 'plan.json');
  writeFileSync(
    planFile,
    JSON.stringify({
      name: 'crash',
      source: {
        type: 'zimbra',
        url: zimbra.url,
        adminUrl: zimbra.adminUrl,
        username: admin.name,
        password: admin.password,
      },
      destination: {
        type: 'm365',
        tenantId: TENANT,
        clientId: CLIENT,
        clientSecret: 's3cret',
        authorityUrl: m365.authorityUrl,
        graphUrl: m365.graphUrl,
      },
      users,
      options: { itemTypes: ['mail'] },
    }),
  );
});

afterAll(async () => {
  await zimbra.close();
  await m365.close();
  rmSync(work, { recursive: true, force: true });
});

function migrate(dataDir: string) {
  const child = spawn(
    process.execPath,
    [BIN, 'migrate', '--plan', planFile, '--pass', 'full', '--data-dir', dataDir, '--json'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'warn',
        ...LOOPBACK_ENV,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function arrivedStamps(): Promise<string[]> {
  const stamps: string[] = [];
  for (const { destination } of users) {
    const response = await fetch(`${m365.graphUrl}/_emulator/mailboxes/${destination}`);
    if (!response.ok) continue;
    const dump = (await response.json()) as {
      mailFolders: { messages: { singleValueExtendedProperties: { id: string; value: string }[] }[] }[];
    };
    for (const message of dump.mailFolders.flatMap((f) => f.messages)) {
      const stamp = message.singleValueExtendedProperties.find((p) => p.id === STAMP_PROPERTY_ID);
      if (stamp !== undefined) stamps.push(stamp.value);
    }
  }
  return stamps;
}

describe('crash safety', () => {
  it('ends with every message exactly once after the migration is killed twice and re-run', async () => {
    const dataDir = path.join(work, 'data');
    for (const killAfter of [25, 110]) {
      const run = migrate(dataDir);
      for (let waited = 0; (await arrivedStamps()).length < killAfter; waited += 100) {
        if (run.child.exitCode !== null)
          throw new Error(`the migration ended before the kill:\n${run.stderr()}`);
        if (waited > 120_000) {
          throw new Error(
            `only ${(await arrivedStamps()).length} of ${killAfter} messages arrived:\n${run.stderr()}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      run.child.kill('SIGKILL');
      expect(await run.exited).toBeNull();
    }
    const final = migrate(dataDir);
    expect(await final.exited, final.stderr()).toBe(0);
    const stamps = await arrivedStamps();
    expect(new Set(stamps).size).toBe(stamps.length);
    expect(stamps).toHaveLength(sourceCount);
    expect(await postgresProcessesUnder(dataDir)).toEqual([]);
  }, 240_000);
});
