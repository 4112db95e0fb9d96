import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMigrationHarness } from '../support/migration-harness.ts';

/**
 * Folders the seed never makes but real mailboxes have (zimbra.md §4): a saved search with a real
 * folder below it, a mountpoint of another user's calendar, a feed calendar, and the hidden system
 * folders of 8.x/9.x.
 */
const SOURCE = 'folders@zimbra.test';
const DESTINATION = 'folders@contoso.com';

const message = (subject: string) =>
  `From: bob@zimbra.test\r\nTo: ${SOURCE}\r\nSubject: ${subject}\r\nDate: Mon, 08 Jan 2024 10:00:00 +0000\r\n\r\n${subject}.\r\n`;

const HOLIDAY = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'BEGIN:VEVENT',
  'UID:holiday-1@feed.example',
  'DTSTAMP:20240101T000000Z',
  'SUMMARY:Public holiday',
  'DTSTART;VALUE=DATE:20240101',
  'DTEND;VALUE=DATE:20240102',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

let harness: Awaited<ReturnType<typeof startMigrationHarness>>;
beforeAll(async () => {
  harness = await startMigrationHarness({
    source: SOURCE,
    sourceFiles: {
      'folders.json': JSON.stringify({
        'Unread invoices': { kind: 'search', query: 'subject:invoice is:unread' },
        'Bob calendar': { kind: 'link', view: 'appointment', owner: 'bob@zimbra.test', remoteId: 10 },
        Holidays: { view: 'appointment', url: 'https://feeds.example/holidays.ics' },
      }),
      'mail/Unread invoices/Paid/01.eml': message('Invoice 2023-17 paid'),
      'mail/Inbox/02.eml': message('Hello'),
      // Names Exchange holds as non-mail folders at the top of every mailbox.
      'mail/Files/03.eml': message('Scanned contract'),
      'mail/Journal/04.eml': message('Diary'),
      'calendar/Holidays/holiday.ics': HOLIDAY,
    },
    destinations: [{ userPrincipalName: DESTINATION, mailbox: true }],
  });
});

afterAll(async () => {
  await harness?.close();
});

describe('folders that are not plain folders', () => {
  it('keeps mail of a folder nested under a saved search, and leaves out mountpoints, feeds and hidden system folders', async () => {
    const report = await harness.runPass('full', DESTINATION, { itemTypes: ['mail', 'calendar'] });
    expect(report.status).toBe('completed');
    const dump = await harness.dump<{
      mailFolders: { path: string; messages: { subject: string }[] }[];
      calendars: { name: string; events: unknown[] }[];
    }>(DESTINATION);
    const paid = dump.mailFolders.find((f) => f.path === 'Unread invoices/Paid');
    expect(paid?.messages.map((m) => m.subject)).toEqual(['Invoice 2023-17 paid']);
    expect(dump.mailFolders.find((f) => f.path === 'Unread invoices')?.messages).toEqual([]);
    expect(dump.calendars.map((c) => c.name)).not.toContain('Holidays');
    expect(dump.calendars.map((c) => c.name)).not.toContain('Bob calendar');
    expect(dump.mailFolders.map((f) => f.path)).not.toContain('Bob calendar');
    expect(dump.mailFolders.map((f) => f.path)).not.toContain('Comments');
    const renamed = (path: string) => dump.mailFolders.find((f) => f.path === path)?.messages;
    expect(renamed('Files (2)')?.map((m) => m.subject)).toEqual(['Scanned contract']);
    expect(renamed('Journal (2)')?.map((m) => m.subject)).toEqual(['Diary']);
    expect(report.folders.find((f) => f.path === 'Files')).toMatchObject({ source: 1, migrated: 1 });
  });
});
