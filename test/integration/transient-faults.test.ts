import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMigrationHarness } from '../support/migration-harness.ts';

/**
 * The faults Exchange Online produces every day, injected by the emulated Microsoft 365
 * (src/emulators/m365/exchange-faults.ts): refusals before the create ran, creates committed whose
 * answer was lost, connections cut. A pass retries them inside the pass and looks a create up by its
 * stamp before repeating it: every message arrives exactly once and none fails. A full mailbox stops
 * the mailbox once, with one message.
 */
const SOURCE = 'faults@zimbra.test';
const COUNT = 40;

const message = (n: number) =>
  [
    `From: sender${n}@partner.test`,
    `To: ${SOURCE}`,
    `Subject: Report ${String(n).padStart(2, '0')}`,
    `Message-ID: <report-${n}@partner.test>`,
    `Date: Mon, 08 Jan 2024 ${String(8 + (n % 10)).padStart(2, '0')}:00:00 +0000`,
    '',
    `Body of report ${n}: ${'x'.repeat(2_000)}`,
    '',
  ].join('\r\n');

const sourceFiles = Object.fromEntries(
  Array.from({ length: COUNT }, (_, i) => [`mail/Inbox/${String(i).padStart(3, '0')}.eml`, message(i)]),
);

describe('transient faults of Exchange Online', () => {
  let harness: Awaited<ReturnType<typeof startMigrationHarness>>;
  beforeAll(async () => {
    harness = await startMigrationHarness({
      source: SOURCE,
      sourceFiles,
      destinations: [
        { userPrincipalName: 'faults@contoso.com', mailbox: true },
        { userPrincipalName: 'full@contoso.com', mailbox: true, mailboxQuotaMB: 0.02 },
      ],
      // On message creates: a 503 with Retry-After, a 504 and a cut connection after Exchange
      // committed the create, and ServerBusy without Retry-After before it ran.
      m365Faults:
        'seed=3,commit-503=@2/7:1~/messages$,commit-504=@4/9~/messages$,commit-drop=@6/11~/messages$,busy=@3/13~/messages$',
    });
  }, 120_000);
  afterAll(() => harness?.close());

  it('retries them inside the pass: every message exactly once, none failed', async () => {
    const report = await harness.runPass('full', 'faults@contoso.com');
    expect(report.items.mail, JSON.stringify(report)).toMatchObject({ migrated: COUNT, failed: 0 });
    const { mailFolders } = await harness.dump<{ mailFolders: { messages: { subject: string }[] }[] }>(
      'faults@contoso.com',
    );
    const subjects = mailFolders.flatMap((f) => f.messages.map((m) => m.subject)).sort();
    expect(subjects).toEqual(Array.from({ length: COUNT }, (_, n) => `Report ${String(n).padStart(2, '0')}`));
  }, 180_000);

  it('stops a mailbox that is full with one clear error, not a failure per item', async () => {
    const report = await harness.runPass('full', 'full@contoso.com');
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/MAILBOX_FULL: The Microsoft 365 mailbox is full/);
    expect(report.items.mail?.failed ?? 0).toBe(0);
  }, 180_000);
});
