/** Both emulators in the bench process, wired as one scenario needs them, and their counters. */
import { randomBytes } from 'node:crypto';

import { KNOWN_PERMISSIONS } from '../src/emulators/m365/config.ts';
import { startM365Emulator } from '../src/emulators/m365/server.ts';
import type { LatencyPlan } from '../src/emulators/m365/latency.ts';
import type { Limits, MailboxStats } from '../src/emulators/m365/throttle.ts';
import { startZimbraEmulator } from '../src/emulators/zimbra/server.ts';

export const TENANT_ID = '00000000-0000-4000-8000-0000000000b1';
export const CLIENT_ID = '00000000-0000-4000-8000-0000000000b2';
export const DESTINATION_DOMAIN = 'contoso.com';

const PERMISSIONS: readonly (typeof KNOWN_PERMISSIONS)[number][] = [
  'Mail.ReadWrite',
  'User.Read.All',
  'MailboxSettings.ReadWrite',
  'Contacts.ReadWrite',
  'Calendars.ReadWrite',
  'Tasks.ReadWrite.All',
];

export interface EmulatorPair {
  readonly zimbra: { readonly url: string; readonly adminUrl: string };
  readonly m365: { readonly authorityUrl: string; readonly graphUrl: string };
  readonly clientSecret: string;
  /** Per-mailbox counters of the emulated Graph, keyed by lower-case UPN. */
  stats(): Promise<Record<string, MailboxStats>>;
  close(): Promise<void>;
}

export interface EmulatorOptions {
  readonly zimbraDataDir: string;
  /** The Zimbra DoSFilter limit per account and second; 0 turns it off. */
  readonly zimbraDosPerSec: number;
  readonly graphLimits: Limits;
  /** Service time of the emulated Exchange (src/emulators/m365/latency.ts); none when undefined. */
  readonly graphLatency?: LatencyPlan | undefined;
}

export async function startEmulators(options: EmulatorOptions): Promise<EmulatorPair> {
  const clientSecret = randomBytes(24).toString('base64url');
  const zimbra = await startZimbraEmulator({
    dataDir: options.zimbraDataDir,
    dosFilterMaxRequestsPerSec: options.zimbraDosPerSec,
  });
  const m365 = await startM365Emulator({
    config: {
      tenants: [
        {
          id: TENANT_ID,
          domains: [DESTINATION_DOMAIN],
          apps: [{ clientId: CLIENT_ID, secret: clientSecret, permissions: [...PERMISSIONS] }],
          autoCreateUsers: true,
        },
      ],
    },
    limits: options.graphLimits,
    latency: options.graphLatency,
  });
  return {
    zimbra: { url: zimbra.url, adminUrl: zimbra.adminUrl },
    m365: { authorityUrl: m365.authorityUrl, graphUrl: m365.graphUrl },
    clientSecret,
    async stats() {
      const response = await fetch(`${m365.graphUrl}/_emulator/stats`);
      if (!response.ok) throw new Error(`emulator stats answered ${response.status}`);
      return ((await response.json()) as { mailboxes: Record<string, MailboxStats> }).mailboxes;
    },
    close: () => Promise.all([zimbra.close(), m365.close()]).then(() => undefined),
  };
}
