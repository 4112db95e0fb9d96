import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createPassRun } from '../../src/db/pass-runs.ts';
import type { Db } from '../../src/db/database.ts';
import type { PassEndpoints } from '../../src/domain/endpoints.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../src/domain/migration.ts';
import type { SecretSealer } from '../../src/domain/ports.ts';
import { Secret } from '../../src/domain/secret.ts';
import { startM365Emulator } from '../../src/emulators/m365/server.ts';
import type { MailboxStats } from '../../src/emulators/m365/throttle.ts';
import { generateSeed } from '../../src/emulators/seed/generate-seed.ts';
import { startZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { STAMP_PROPERTY_ID } from '../../src/engine/migrate-message.ts';

const TENANT = '77777777-7777-4777-8777-777777777777';
const CLIENT = '88888888-8888-4888-8888-888888888888';

/**
 * Many generated Zimbra mailboxes and an emulated Microsoft 365 that does not throttle (so the
 * most requests one mailbox ever had in flight shows how many workers sent them), for tests of
 * several workers on one database.
 */
export async function startFleetFixture(options: {
  accounts: number;
  messages: number;
  graphFaults: string;
}) {
  const work = mkdtempSync(path.join(tmpdir(), 'ferry-fleet-'));
  // As root, an embedded PostgreSQL runs as "postgres", which must be able to enter the parents.
  chmodSync(work, 0o755);
  const summary = await generateSeed({
    outDir: path.join(work, 'corpus'),
    accounts: options.accounts,
    messages: options.messages,
    seed: 11,
    specialAccounts: false,
    huge: false,
  });
  const zimbra = await startZimbraEmulator({ dataDir: path.join(work, 'corpus') });
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
              secret: 's3cret',
              permissions: ['Mail.ReadWrite', 'User.Read.All', 'MailboxSettings.ReadWrite'],
            },
          ],
          users: [],
          autoCreateUsers: true,
        },
      ],
    },
    limits: 'off',
    faults: options.graphFaults,
  });
  const users = summary.accounts.map((a) => ({
    source: a.email,
    destination: `${a.email.split('@')[0]}@contoso.com`,
    messages: a.mail.messages,
  }));
  const endpoints: PassEndpoints = {
    source: {
      type: 'zimbra',
      url: zimbra.url,
      adminUrl: zimbra.adminUrl,
      username: summary.admin.name,
      password: summary.admin.password,
      userPasswords: {},
    },
    destination: {
      type: 'm365',
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: 's3cret',
      authorityUrl: m365.authorityUrl,
      graphUrl: m365.graphUrl,
    },
  };

  return {
    work,
    users,
    /** A Full pass of mail over every mailbox, all of them allowed to run at once. */
    async createPass(db: Db, sealer: SecretSealer): Promise<{ runId: string; mailboxIds: string[] }> {
      return createPassRun(db, {
        name: 'fleet',
        options: {
          pass: 'full',
          itemTypes: ['mail'],
          receivedBeforeMs: undefined,
          receivedAfterMs: undefined,
          folderFilter: undefined,
          folderMappings: [],
          recipientMappings: [],
          maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
          logSubjects: false,
        },
        endpointsSealed: sealer.seal(new Secret(JSON.stringify(endpoints))),
        mailboxes: users,
        maxConcurrent: users.length,
      });
    },
    /** The idempotency stamps of every message in the destination mailbox. */
    async stamps(destination: string): Promise<string[]> {
      const response = await fetch(`${m365.graphUrl}/_emulator/mailboxes/${destination}`);
      if (!response.ok) return [];
      const dump = (await response.json()) as {
        mailFolders: { messages: { singleValueExtendedProperties: { id: string; value: string }[] }[] }[];
      };
      return dump.mailFolders
        .flatMap((f) => f.messages)
        .flatMap((m) => m.singleValueExtendedProperties.filter((p) => p.id === STAMP_PROPERTY_ID))
        .map((p) => p.value);
    },
    /** The emulated Graph's counters per destination mailbox. */
    async graphStats(): Promise<Record<string, MailboxStats>> {
      const response = await fetch(`${m365.graphUrl}/_emulator/stats`);
      return ((await response.json()) as { mailboxes: Record<string, MailboxStats> }).mailboxes;
    },
    async close() {
      await zimbra.close();
      await m365.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
