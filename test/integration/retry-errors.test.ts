import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMigrationHarness } from '../support/migration-harness.ts';

const SOURCE = 'dora@zimbra.test';
const DESTINATION = 'dora@contoso.com';

function message(n: number): string {
  return `From: sender${n}@partner.test\r\nTo: ${SOURCE}\r\nSubject: Note ${n}\r\nDate: Mon, 0${n} Sep 2024 08:00:00 +0000\r\n\r\nBody ${n}\r\n`;
}

let harness: Awaited<ReturnType<typeof startMigrationHarness>>;

beforeAll(async () => {
  harness = await startMigrationHarness({
    source: SOURCE,
    sourceFiles: Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`mail/Inbox/${n}.eml`, message(n)])),
    destinations: [{ userPrincipalName: DESTINATION, mailbox: true }],
    // The 2nd and 4th message creates fail with a server error, whose outcome Ferry cannot know.
    m365Faults: '500=@2~/mailFolders/[^/]+/messages$,500=@4~/mailFolders/[^/]+/messages$',
  });
});

afterAll(() => harness.close());

describe('Retry Errors', () => {
  it('migrates exactly the items that failed in the previous pass, once', async () => {
    const full = await harness.runPass('full', DESTINATION);
    expect(full.status).toBe('completed_with_errors');
    expect(full.items.mail).toMatchObject({ migrated: 3, failed: 2 });
    expect(full.errors.map((e) => e.code)).toEqual(['GRAPH_UNAVAILABLE', 'GRAPH_UNAVAILABLE']);
    expect(full.errors[0]?.message).toMatch(/Microsoft Graph/);
    // The mailbox's last error says why it completed with errors, like a failed mailbox's does.
    expect(full.error).toBe(
      'ITEMS_FAILED: 2 items could not be migrated (GRAPH_UNAVAILABLE ×2): fix what each reason names, then run Retry Errors.',
    );

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
