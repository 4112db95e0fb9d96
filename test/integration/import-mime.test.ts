import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMigrationHarness } from '../support/migration-harness.ts';

const SOURCE = 'alice@zimbra.test';
const DESTINATION = 'alice@contoso.com';

const small = [
  'From: Bob <bob@partner.test>',
  'To: alice@zimbra.test',
  'Subject: Signed report',
  'Date: Tue, 02 Jan 2024 09:15:30 +0100',
  'Message-ID: <signed-1@partner.test>',
  'X-Custom-Trace: kept-as-is',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'The report.',
  '',
].join('\r\n');

const big = [
  'From: carol@zimbra.test',
  'To: alice@zimbra.test',
  'Subject: Big scan',
  'Date: Wed, 03 Jan 2024 10:00:00 +0000',
  'Message-ID: <big-1@zimbra.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain',
  '',
  'Scan attached.',
  '--b',
  'Content-Type: application/octet-stream; name="scan.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  (
    Buffer.alloc(3_500_000, 7)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n'),
  '--b--',
  '',
].join('\r\n');

interface Dumped {
  mailFolders: {
    path: string;
    messages: (Record<string, unknown> & { subject: string })[];
  }[];
}

let harness: Awaited<ReturnType<typeof startMigrationHarness>>;

beforeAll(async () => {
  harness = await startMigrationHarness({
    source: SOURCE,
    destinations: [{ userPrincipalName: DESTINATION, mailbox: true }],
    sourceFiles: {
      'mail/Inbox/small.eml': small,
      'mail/Inbox/small.eml.json': JSON.stringify({ flags: 'f', tags: ['Reports'] }),
      'mail/Inbox/big.eml': big,
    },
  });
}, 60_000);

afterAll(() => harness.close());

describe('mail through Graph beta importMime', () => {
  it('imports small messages whole as non-drafts, stamps and flags them after, and sends big ones as JSON', async () => {
    const report = await harness.runPass('full', DESTINATION, { useImportMime: true });
    expect(report.status).toBe('completed');
    expect(report.items.mail.migrated).toBe(2);
    const inbox = (await harness.dump<Dumped>(DESTINATION)).mailFolders.find((f) => f.path === 'Inbox')!;
    const signed = inbox.messages.find((m) => m.subject === 'Signed report')!;
    expect(signed).toMatchObject({
      isDraft: false,
      isRead: true,
      internetMessageId: '<signed-1@partner.test>',
      categories: ['Reports'],
      flag: { flagStatus: 'flagged' },
    });
    const properties = (m: Record<string, unknown>) =>
      m.singleValueExtendedProperties as { id: string; value: string }[];
    expect(properties(signed).some((p) => p.value.startsWith('zimbra:alice@zimbra.test:'))).toBe(true);
    // Imported, not built from JSON: none of the creation-time MAPI properties of the JSON path.
    expect(properties(signed).map((p) => p.id)).not.toContain('Integer 0xe07');
    const scan = inbox.messages.find((m) => m.subject === 'Big scan')!;
    expect(scan).toMatchObject({ isDraft: false });
    expect(properties(scan).map((p) => p.id)).toContain('Integer 0xe07');
    expect((scan.attachments as { name: string; size: number }[])[0]).toMatchObject({
      name: 'scan.bin',
      size: 3_500_000,
    });
  });

  it('adds nothing when the pass runs again', async () => {
    const again = await harness.runPass('full', DESTINATION, { useImportMime: true });
    expect(again.items.mail.migrated).toBe(0);
    const inbox = (await harness.dump<Dumped>(DESTINATION)).mailFolders.find((f) => f.path === 'Inbox')!;
    expect(inbox.messages).toHaveLength(2);
  });
});
