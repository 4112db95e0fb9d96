import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMigrationHarness } from '../support/migration-harness.ts';

const SOURCE = 'alice@zimbra.test';
const DESTINATION = 'alice@contoso.com';
/** A name on which `(a+)+$` backtracks 2^40 times in JavaScript's engine. */
const EVIL_NAME = `${'a'.repeat(40)}!`;

const message = (subject: string) =>
  `From: bob@partner.test\r\nTo: alice@zimbra.test\r\nSubject: ${subject}\r\nDate: Tue, 02 Jan 2024 09:15:30 +0100\r\nMessage-ID: <${subject}@partner.test>\r\n\r\nBody.\r\n`;

let harness: Awaited<ReturnType<typeof startMigrationHarness>>;

beforeAll(async () => {
  harness = await startMigrationHarness({
    source: SOURCE,
    sourceFiles: {
      [`mail/${EVIL_NAME}/01.eml`]: message('kept'),
      'mail/Junk/02.eml': message('filtered'),
    },
    destinations: [{ userPrincipalName: DESTINATION, mailbox: true }],
  });
});
afterAll(() => harness.close());

describe('user-supplied folder patterns', () => {
  it('finish a pass whose folder filter and FolderMapping would backtrack for hours in JavaScript', async () => {
    const report = await harness.runPass('full', DESTINATION, {
      folderFilter: '(a+)+$|^Junk$',
      folderMappings: [{ pattern: '^(a+)+$', replacement: 'never' }],
    });
    expect(report).toMatchObject({ status: 'completed', items: { mail: { migrated: 1, failed: 0 } } });
    const { mailFolders } = await harness.dump<{
      mailFolders: { path: string; messages: { subject: string }[] }[];
    }>(DESTINATION);
    expect(mailFolders.flatMap((f) => f.messages.map((m) => `${f.path}: ${m.subject}`))).toEqual([
      `${EVIL_NAME}: kept`,
    ]);
  });
});
