import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pino from 'pino';

import { createMigrationStore } from '../../src/db/migration-store.ts';
import { createPassRun, passReport } from '../../src/db/pass-runs.ts';
import type { PassEndpoints } from '../../src/domain/endpoints.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, type PassKind, type PassOptions } from '../../src/domain/migration.ts';
import { Secret } from '../../src/domain/secret.ts';
import { startM365Emulator } from '../../src/emulators/m365/server.ts';
import { startZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { createSecretBox } from '../../src/secrets/secret-box.ts';
import { startMigrationWorkers } from '../../src/worker/migration-workers.ts';
import { runPassToCompletion } from '../../src/worker/run-pass.ts';
import { createTestDatabase } from './test-database.ts';
import { loopbackOutbound } from './loopback-outbound.ts';

const TENANT = '33333333-3333-4333-8333-333333333333';
const CLIENT = '44444444-4444-4444-8444-444444444444';

export interface HarnessOptions {
  /** Files of the one Zimbra account, relative to its directory (mail/Inbox/x.eml, tags.json, …). */
  readonly sourceFiles: Readonly<Record<string, string>>;
  readonly source: string;
  readonly destinations: readonly {
    userPrincipalName: string;
    mailbox: boolean;
    mailboxQuotaMB?: number;
    maxMessageSizeMB?: number;
  }[];
  readonly m365Faults?: string;
  /** The app's application permissions, when a test needs fewer than every one the engine uses. */
  readonly permissions?: readonly string[];
}

/**
 * Emulated Zimbra and Microsoft 365, a test database and migration workers: everything a pass
 * needs, run through the same jobs as production.
 */
export async function startMigrationHarness(options: HarnessOptions) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-harness-'));
  writeFileSync(
    path.join(dataDir, 'server.json'),
    JSON.stringify({ admin: { name: 'admin@zimbra.test', password: 'admin-pw' } }),
  );
  for (const [relative, content] of Object.entries(options.sourceFiles)) {
    const file = path.join(dataDir, 'accounts', options.source, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const zimbra = await startZimbraEmulator({ dataDir });
  const m365 = await startM365Emulator({
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
              permissions: [
                ...(options.permissions ?? [
                  'Mail.ReadWrite',
                  'User.Read.All',
                  'MailboxSettings.ReadWrite',
                  'Contacts.ReadWrite',
                  'Calendars.ReadWrite',
                  'Tasks.ReadWrite.All',
                  'Mail-Advanced.ReadWrite.All',
                ]),
              ],
            },
          ],
          users: [...options.destinations],
        },
      ],
    },
    ...(options.m365Faults === undefined ? {} : { faults: options.m365Faults }),
  });
  const database = await createTestDatabase();
  const sealer = createSecretBox([{ id: 't', key: Buffer.alloc(32, 5) }]);
  const workers = await startMigrationWorkers({
    db: database.db,
    sealer,
    logger: pino({ level: 'silent' }),
    limits: MICROSOFT_LIMITS,
    outbound: loopbackOutbound(),
    maxMailboxes: 100,
  });
  const endpoints: PassEndpoints = {
    source: {
      type: 'zimbra',
      url: zimbra.url,
      adminUrl: zimbra.adminUrl,
      username: 'admin@zimbra.test',
      password: 'admin-pw',
      userPasswords: {},
    },
    destination: {
      type: 'm365',
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: 'app-secret',
      authorityUrl: m365.authorityUrl,
      graphUrl: m365.graphUrl,
    },
  };

  return {
    graphUrl: m365.graphUrl,
    /** The test database, for what a pass records besides its report (the settings scripts). */
    db: database.db,
    /** The emulated Zimbra and the source account's files: edit them, then POST /_emulator/reload. */
    zimbraUrl: zimbra.url,
    sourceDir: path.join(dataDir, 'accounts', options.source),

    /** An app token for reading the emulated Graph directly, as a tenant admin would check it. */
    async graphToken(): Promise<string> {
      const response = await fetch(`${m365.authorityUrl}/${TENANT}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CLIENT,
          client_secret: 'app-secret',
          scope: 'https://graph.microsoft.com/.default',
        }),
      });
      return ((await response.json()) as { access_token: string }).access_token;
    },

    async runPass(pass: PassKind, destination: string, overrides: Partial<PassOptions> = {}) {
      const passOptions: PassOptions = {
        pass,
        itemTypes: ['mail'],
        receivedBeforeMs: undefined,
        receivedAfterMs: undefined,
        folderFilter: undefined,
        folderMappings: [],
        recipientMappings: [],
        maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
        logSubjects: false,
        ...overrides,
      };
      const { runId } = await createPassRun(database.db, {
        name: 'test',
        options: passOptions,
        endpointsSealed: sealer.seal(new Secret(JSON.stringify(endpoints))),
        mailboxes: [{ source: options.source, destination }],
      });
      await runPassToCompletion({
        db: database.db,
        runId,
        onProgress: undefined,
      });
      const [report] = await passReport(database.db, runId, createMigrationStore(database.db));
      return report!;
    },

    async dump<T>(upn: string): Promise<T> {
      return (await (await fetch(`${m365.graphUrl}/_emulator/mailboxes/${upn}`)).json()) as T;
    },

    async close() {
      await workers.stop();
      await database.close();
      await zimbra.close();
      await m365.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
