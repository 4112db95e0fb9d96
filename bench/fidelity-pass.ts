/** What both fidelity runners share: one emulated Zimbra account moved by the real `ferry migrate`. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { MailboxReport } from '../src/domain/migration.ts';
import { CLIENT_ID, startEmulators, TENANT_ID, type EmulatorPair } from './emulators.ts';
import { runFerry } from './ferry-process.ts';

export interface FidelityPasses {
  readonly emulators: EmulatorPair;
  /** One Full pass to completion; throws when a mailbox or the configuration failed (exit 2). */
  fullPass(): Promise<{ mailboxes: MailboxReport[] }>;
  close(): Promise<void>;
}

/**
 * Starts both emulators on `zimbraDir` (no throttling) and writes a plan moving `source` to
 * `destination` for `itemTypes`; Ferry keeps its state under `work`.
 */
export async function startFidelityPasses(options: {
  readonly name: string;
  readonly work: string;
  readonly zimbraDir: string;
  readonly source: string;
  readonly destination: string;
  readonly itemTypes: readonly string[];
}): Promise<FidelityPasses> {
  const { work } = options;
  const emulators = await startEmulators({
    zimbraDataDir: options.zimbraDir,
    zimbraDosPerSec: 0,
    graphLimits: { scaled: 1_000_000 },
  });
  const planFile = path.join(work, 'plan.json');
  await writeFile(
    planFile,
    JSON.stringify({
      name: options.name,
      source: {
        type: 'zimbra',
        url: emulators.zimbra.url,
        adminUrl: emulators.zimbra.adminUrl,
        username: 'admin@zimbra.test',
        password: 'test123',
      },
      destination: {
        type: 'm365',
        tenantId: TENANT_ID,
        clientId: CLIENT_ID,
        clientSecret: emulators.clientSecret,
        authorityUrl: emulators.m365.authorityUrl,
        graphUrl: emulators.m365.graphUrl,
      },
      users: [{ source: options.source, destination: options.destination }],
      options: { itemTypes: options.itemTypes },
    }),
  );
  return {
    emulators,
    async fullPass() {
      const run = await runFerry({
        args: [
          'migrate',
          '--plan',
          planFile,
          '--pass',
          'full',
          '--data-dir',
          path.join(work, 'ferry'),
          '--json',
        ],
        usageFile: path.join(work, 'usage.json'),
        timeoutMs: 30 * 60 * 1000,
      });
      if (run.exitCode === 2) throw new Error(`ferry migrate failed:\n${run.stderr}`);
      return JSON.parse(run.stdout) as { mailboxes: MailboxReport[] };
    },
    close: () => emulators.close(),
  };
}
