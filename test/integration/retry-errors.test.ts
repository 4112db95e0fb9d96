import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMigrationHarness } from '../support/migration-harness.ts';

const SOURCE = 'dora@zimbra.test';
const DESTINATION = 'dora@contoso.com';

function message(n: number, padding = ''): string {
  return `From: sender${n}@partner.test\r\nTo: ${SOURCE}\r\nSubject: Note ${n}\r\nDate: Mon, 0${n} Sep 2024 08:00:00 +0000\r\n\r\nBody ${n}${padding}\r\n`;
}

/** Notes 2 and 4 are larger than the destination mailbox takes, until the admin does something about it. */
const tooLarge = (n: number) => (n % 2 === 0 ? ` ${'x'.repeat(20_000)}` : '');

let harness: Awaited<ReturnType<typeof startMigrationHarness>>;

beforeAll(async () => {
  harness = await startMigrationHarness({
    source: SOURCE,
    sourceFiles: Object.fromEntries(
      [1, 2, 3, 4, 5].map((n) => [`mail/Inbox/${n}.eml`, message(n, tooLarge(n))]),
    ),
    // Messages over 10 KB are refused for good (ErrorMessageSizeExceeded): two failed items.
    destinations: [{ userPrincipalName: DESTINATION, mailbox: true, maxMessageSizeMB: 0.01 }],
  });
});

afterAll(() => harness.close());

describe('Retry Errors', () => {
  it('migrates exactly the items that failed in the previous pass, once', async () => {
    const full = await harness.runPass('full', DESTINATION);
    expect(full.status).toBe('completed_with_errors');
    expect(full.items.mail).toMatchObject({ migrated: 3, failed: 2 });
    expect(full.errors.map((e) => e.code)).toEqual(['MESSAGE_TOO_LARGE', 'MESSAGE_TOO_LARGE']);
    // The mailbox's last error says why it completed with errors, like a failed mailbox's does.
    expect(full.error).toBe(
      'ITEMS_FAILED: 2 items could not be migrated (MESSAGE_TOO_LARGE ×2): fix what each reason names, then run Retry Errors.',
    );

    // The admin deals with it (here: the two messages shrink in Zimbra), then runs Retry Errors.
    for (const n of [2, 4])
      writeFileSync(path.join(harness.sourceDir, 'mail', 'Inbox', `${n}.eml`), message(n));
    expect((await fetch(`${harness.zimbraUrl}/_emulator/reload`, { method: 'POST' })).status).toBe(204);

    const retry = await harness.runPass('retry', DESTINATION);
    expect(retry.status).toBe('completed');
    expect(retry.items.mail).toMatchObject({ migrated: 2, failed: 0 });

    const { mailFolders } = await harness.dump<{
      mailFolders: { path: string; messages: { subject: string }[] }[];
    }>(DESTINATION);
    const subjects = mailFolders.flatMap((f) => f.messages.map((m) => m.subject)).sort();
    expect(subjects).toEqual(['Note 1', 'Note 2', 'Note 3', 'Note 4', 'Note 5']);
  });
});
