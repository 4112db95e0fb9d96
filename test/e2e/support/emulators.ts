import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startM365Emulator } from '../../../src/emulators/m365/server.ts';
import { startZimbraEmulator } from '../../../src/emulators/zimbra/server.ts';

export const ZIMBRA_ADMIN = { username: 'admin@zimbra.test', password: 'admin-pass' };
export const TENANT_ID = '5b1e7a2c-3d4f-4a6b-9c8d-0e1f2a3b4c5d';
export const CLIENT_ID = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
export const CLIENT_SECRET = 'e2e-client-secret';
export const DESTINATION_DOMAIN = 'contoso.com';

/**
 * The users of the tiny Zimbra: each has mail in two folders, one contact and one event; the first
 * also a recent message too large for its Microsoft 365 mailbox, which fails in the Full pass.
 */
export const USERS = ['alice@zimbra.test', 'bruno@zimbra.test'] as const;

function message(from: string, to: string, subject: string, day: number): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: Mon, ${String(day).padStart(2, '0')} Jun 2025 09:30:00 +0000`,
    `Message-ID: <${subject.replace(/\W+/g, '-')}.${day}@zimbra.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `${subject}: the body of a message that moves to Microsoft 365.`,
    '',
  ].join('\r\n');
}

function contact(name: string, email: string): string {
  const [first = '', last = ''] = name.split(' ');
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${name}`,
    `N:${last};${first};;;`,
    `EMAIL;TYPE=INTERNET:${email}`,
    'END:VCARD',
    '',
  ].join('\r\n');
}

function event(uid: string, summary: string): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Ferry e2e//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `SUMMARY:${summary}`,
    'DTSTAMP:20250601T080000Z',
    'DTSTART:20250610T090000Z',
    'DTEND:20250610T100000Z',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** The first user's mailbox in Microsoft 365 accepts messages up to this size (Set-Mailbox MaxReceiveSize). */
const SMALL_MAILBOX_LIMIT_MB = 0.05;

/** A recent message larger than SMALL_MAILBOX_LIMIT_MB: after the Pre-Stage cutoff, refused by the Full pass. */
function largeMessage(to: string): string {
  const line = 'Page of the scanned contract, as text so that the message is large.';
  return [
    'From: scanner@partner.test',
    `To: ${to}`,
    'Subject: Scanned contract',
    `Date: ${new Date(Date.now() - 5 * 24 * 60 * 60 * 1000).toUTCString()}`,
    'Message-ID: <scanned-contract@zimbra.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...Array.from({ length: 1500 }, () => line),
    '',
  ].join('\r\n');
}

/** The Zimbra admin console's account export (Search → Download, 8.8.15 p31+ layout): the admin, then the users. */
export function zimbraAccountExport(): string {
  return [
    `${ZIMBRA_ADMIN.username},a0a0a0a0-0000-4000-8000-000000000000,account,Administrator,active,e00428a1-0c00-11d9-836a-000d93afea2a,`,
    ...USERS.map(
      (user, index) =>
        `${user},a0a0a0a0-0000-4000-8000-00000000000${index + 1},account,${user.split('@')[0]},active,e00428a1-0c00-11d9-836a-000d93afea2a,`,
    ),
    '',
  ].join('\r\n');
}

/** Writes the Zimbra data directory: the admin, and for each user a few messages, a contact and an event. */
function writeZimbraData(dir: string): void {
  writeFileSync(
    path.join(dir, 'server.json'),
    JSON.stringify({ admin: { name: ZIMBRA_ADMIN.username, password: ZIMBRA_ADMIN.password } }),
  );
  for (const [index, user] of USERS.entries()) {
    const files: Record<string, string> = {
      'mail/Inbox/1.eml': message('carol@partner.test', user, 'Quarterly figures', 2 + index),
      'mail/Inbox/2.eml': message('dan@partner.test', user, 'Lunch on Friday', 3 + index),
      'mail/Projects/3.eml': message('erin@partner.test', user, 'Project kickoff', 4 + index),
      'contacts/Contacts/carol.vcf': contact('Carol Jones', 'carol@partner.test'),
      'calendar/Calendar/review.ics': event(`review-${index}@zimbra.test`, 'Migration review'),
    };
    if (index === 0) files['mail/Scans/4.eml'] = largeMessage(user);
    for (const [relative, content] of Object.entries(files)) {
      const file = path.join(dir, 'accounts', user, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
}

export interface Emulators {
  readonly zimbraUrl: string;
  readonly zimbraAdminUrl: string;
  readonly authorityUrl: string;
  readonly graphUrl: string;
  close(): Promise<void>;
}

/** Emulated Zimbra (two small mailboxes) and Microsoft 365 (one tenant, its app and both users), in this process. */
export async function startEmulators(): Promise<Emulators> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-e2e-zimbra-'));
  writeZimbraData(dataDir);
  const zimbra = await startZimbraEmulator({ dataDir });
  const m365 = await startM365Emulator({
    config: {
      tenants: [
        {
          id: TENANT_ID,
          domains: [DESTINATION_DOMAIN],
          region: 'EU',
          apps: [
            {
              clientId: CLIENT_ID,
              secret: CLIENT_SECRET,
              permissions: [
                'Mail.ReadWrite',
                'Contacts.ReadWrite',
                'Calendars.ReadWrite',
                'Tasks.ReadWrite.All',
                'User.Read.All',
                'MailboxSettings.ReadWrite',
              ],
            },
          ],
          users: USERS.map((user, index) => ({
            userPrincipalName: user.replace('zimbra.test', DESTINATION_DOMAIN),
            ...(index === 0 ? { maxMessageSizeMB: SMALL_MAILBOX_LIMIT_MB } : {}),
          })),
        },
      ],
    },
  });
  return {
    zimbraUrl: zimbra.url,
    zimbraAdminUrl: zimbra.adminUrl,
    authorityUrl: m365.authorityUrl,
    graphUrl: m365.graphUrl,
    async close() {
      await zimbra.close();
      await m365.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
