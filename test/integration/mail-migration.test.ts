import { createHash } from 'node:crypto';

import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { zimbraTagColorToCategoryColor } from '../../src/convert/tag-colors.ts';
import { startMigrationHarness } from '../support/migration-harness.ts';

const SOURCE = 'alice@zimbra.test';
const DESTINATION = 'alice@contoso.com';

/** Deterministic bytes, so attachment hashes are known. */
function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

const PNG = bytes(300, 7);
const PDF = bytes(20_000, 11);
const BIG = bytes(3_500_000, 13);

const MESSAGES: Record<string, { file: string; content: string; meta?: object }> = {
  plain: {
    file: 'mail/Inbox/01-plain.eml',
    content:
      'From: Bob Martin <bob@partner.test>\r\nTo: Alice <alice@zimbra.test>\r\nSubject: Quarterly numbers\r\nDate: Tue, 02 Jan 2024 09:15:30 +0100\r\nMessage-ID: <plain-1@partner.test>\r\n\r\nHere are the numbers.\r\n',
    meta: { flags: 'u', receivedMs: Date.UTC(2024, 0, 2, 8, 16, 0) },
  },
  rich: {
    file: 'mail/Inbox/02-rich.eml',
    content: [
      'From: =?UTF-8?Q?Jos=C3=A9_P=C3=A9rez?= <jose@partner.test>',
      'To: alice@zimbra.test',
      'Cc: carol@zimbra.test',
      'Subject: =?UTF-8?Q?Caf=C3=A9_plan?=',
      'Date: Wed, 03 Jan 2024 10:00:00 +0000',
      'Message-ID: <rich-1@partner.test>',
      'Importance: high',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>See the <b>logo</b>: <img src="cid:logo@x"></p>',
      '--rel',
      'Content-Type: image/png; name="logo.png"',
      'Content-ID: <logo@x>',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(PNG),
      '--rel--',
      '--outer',
      'Content-Type: application/pdf; name="plan.pdf"',
      'Content-Disposition: attachment; filename="plan.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(PDF),
      '--outer--',
      '',
    ].join('\r\n'),
    meta: {
      flags: 'fa',
      tags: ['Work', 'Clients, VIP', 'R&D \\ Lab'],
      receivedMs: Date.UTC(2024, 0, 3, 10, 0, 5),
    },
  },
  big: {
    file: 'mail/Projets/Équipe/03-big.eml',
    content: [
      'From: carol@zimbra.test',
      'To: alice@zimbra.test',
      'Subject: Big scan',
      'Date: Thu, 04 Jan 2024 12:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Scan attached.',
      '--b',
      'Content-Type: application/octet-stream; name="scan.bin"',
      'Content-Disposition: attachment; filename="scan.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(BIG),
      '--b--',
      '',
    ].join('\r\n'),
    meta: { flags: '', receivedMs: Date.UTC(2024, 0, 4, 12, 0, 9) },
  },
  sent: {
    file: 'mail/Sent/04-sent.eml',
    content:
      'From: alice@zimbra.test\r\nTo: bob@partner.test\r\nSubject: Re: Quarterly numbers\r\nDate: Fri, 05 Jan 2024 08:00:00 +0000\r\nIn-Reply-To: <plain-1@partner.test>\r\n\r\nThanks!\r\n',
    meta: { flags: 's', receivedMs: Date.UTC(2024, 0, 5, 8, 0, 1) },
  },
  trash: {
    file: 'mail/Trash/05-trash.eml',
    content:
      'From: spam@nowhere.test\r\nTo: alice@zimbra.test\r\nSubject: Old offer\r\nDate: Sat, 06 Jan 2024 08:00:00 +0000\r\n\r\nGone.\r\n',
  },
};

let harness: Awaited<ReturnType<typeof startMigrationHarness>>;

beforeAll(async () => {
  const sourceFiles: Record<string, string> = {
    'tags.json': JSON.stringify([
      { name: 'Work', color: 3 },
      // Commas and backslashes are legal in Zimbra tag names (TagUtil escapes them in `tn`).
      { name: 'Clients, VIP', color: 4 },
      { name: 'R&D \\ Lab', color: 5 },
    ]),
  };
  for (const message of Object.values(MESSAGES)) {
    sourceFiles[message.file] = message.content;
    if (message.meta !== undefined) sourceFiles[`${message.file}.json`] = JSON.stringify(message.meta);
  }
  harness = await startMigrationHarness({
    source: SOURCE,
    sourceFiles,
    destinations: [
      { userPrincipalName: DESTINATION, mailbox: true },
      { userPrincipalName: 'staged@contoso.com', mailbox: true },
      { userPrincipalName: 'nobox@contoso.com', mailbox: false },
    ],
  });
});

afterAll(() => harness.close());

interface DumpedMessage {
  subject: string;
  isDraft: boolean;
  isRead: boolean;
  importance: string;
  receivedDateTime: string;
  sentDateTime: string;
  from: { emailAddress: { address: string; name?: string } };
  toRecipients: { emailAddress: { address: string } }[];
  ccRecipients: { emailAddress: { address: string } }[];
  categories: string[];
  flag: { flagStatus: string };
  internetMessageId?: string;
  attachments: { name: string; size: number; isInline: boolean; sha256: string }[];
}

async function dump(upn = DESTINATION): Promise<{ path: string; messages: DumpedMessage[] }[]> {
  return (await harness.dump<{ mailFolders: { path: string; messages: DumpedMessage[] }[] }>(upn))
    .mailFolders;
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const toSecond = (iso: string) => new Date(iso).toISOString().slice(0, 19);

describe('mail migration, emulated Zimbra to emulated Microsoft 365', () => {
  it('moves every message once, into the right folder, field by field', async () => {
    const report = await harness.runPass('full', DESTINATION);
    expect(report).toMatchObject({
      status: 'completed',
      items: { mail: { migrated: 5, failed: 0, skipped: 0 } },
    });

    const folders = await dump();
    const byPath = new Map(folders.map((f) => [f.path, f.messages]));
    expect(
      byPath
        .get('Inbox')
        ?.map((m) => m.subject)
        .sort(),
    ).toEqual(['Café plan', 'Quarterly numbers']);
    expect(byPath.get('Sent Items')?.map((m) => m.subject)).toEqual(['Re: Quarterly numbers']);
    expect(byPath.get('Deleted Items')?.map((m) => m.subject)).toEqual(['Old offer']);
    expect(byPath.get('Projets/Équipe')?.map((m) => m.subject)).toEqual(['Big scan']);

    for (const [name, source] of Object.entries(MESSAGES)) {
      const parsed = await simpleParser(source.content);
      const arrived = folders.flatMap((f) => f.messages).find((m) => m.subject === parsed.subject);
      expect(arrived, name).toBeDefined();
      expect(arrived!.isDraft, name).toBe(false);
      const meta = source.meta as { flags?: string; receivedMs?: number } | undefined;
      expect(arrived!.isRead, name).toBe(!(meta?.flags ?? '').includes('u'));
      expect(arrived!.flag.flagStatus, name).toBe(
        (meta?.flags ?? '').includes('f') ? 'flagged' : 'notFlagged',
      );
      expect(toSecond(arrived!.sentDateTime), name).toBe(parsed.date!.toISOString().slice(0, 19));
      if (meta?.receivedMs !== undefined) {
        expect(toSecond(arrived!.receivedDateTime), name).toBe(
          new Date(meta.receivedMs).toISOString().slice(0, 19),
        );
      }
      const from = parsed.from!.value[0]!;
      expect(arrived!.from.emailAddress.address, name).toBe(from.address);
      expect(
        arrived!.toRecipients.map((r) => r.emailAddress.address),
        name,
      ).toEqual(
        (Array.isArray(parsed.to) ? parsed.to : [parsed.to!]).flatMap((a) => a.value.map((v) => v.address)),
      );
      const expected = parsed.attachments
        .map((a) => ({ name: a.filename, sha256: sha(a.content) }))
        .sort((a, b) => a.name!.localeCompare(b.name!));
      const actual = arrived!.attachments
        .map((a) => ({ name: a.name, sha256: a.sha256 }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(actual, name).toEqual(expected);
    }
    const rich = folders.flatMap((f) => f.messages).find((m) => m.subject === 'Café plan')!;
    expect(rich.from.emailAddress.name).toBe('José Pérez');
    expect(rich.importance).toBe('high');
    expect(rich.categories).toEqual(['Work', 'Clients, VIP', 'R&D \\ Lab']);
    expect(rich.ccRecipients.map((r) => r.emailAddress.address)).toEqual(['carol@zimbra.test']);
    expect(rich.attachments.find((a) => a.name === 'logo.png')?.isInline).toBe(true);
    expect(rich.internetMessageId).toBe('<rich-1@partner.test>');
    expect(report.folders.find((f) => f.path === 'Inbox')).toEqual({
      path: 'Inbox',
      source: 2,
      migrated: 2,
      skipped: 0,
      failed: 0,
    });
  });

  it('turns Zimbra tags into Outlook categories of the nearest colour', async () => {
    const { masterCategories } = await harness.dump<{
      masterCategories: { displayName: string; color: string }[];
    }>(DESTINATION);
    const work = masterCategories.filter((c) => c.displayName === 'Work');
    expect(work).toHaveLength(1);
    expect(work[0]?.color).toBe(zimbraTagColorToCategoryColor({ color: 3 }));
    expect(work[0]?.color).not.toBe('none');
  });

  it('adds nothing when the Full pass runs again', async () => {
    const before = (await dump()).flatMap((f) => f.messages).length;
    const report = await harness.runPass('full', DESTINATION);
    expect(report).toMatchObject({ status: 'completed', items: { mail: { migrated: 0, failed: 0 } } });
    expect((await dump()).flatMap((f) => f.messages)).toHaveLength(before);
  });

  it('moves only older mail in Pre-Stage, the rest in the Full pass after it, and skips messages over the size limit', async () => {
    const prestage = await harness.runPass('prestage', 'staged@contoso.com', {
      receivedBeforeMs: Date.UTC(2024, 0, 3, 12),
    });
    expect(prestage?.items.mail, JSON.stringify(prestage)).toMatchObject({ migrated: 2, failed: 0 });
    const full = await harness.runPass('full', 'staged@contoso.com', { maxMessageBytes: 1024 * 1024 });
    expect(full?.items.mail).toMatchObject({ migrated: 2, skipped: 1, failed: 0 });
    expect(full?.folders.find((f) => f.path === 'Projets/Équipe')).toMatchObject({ source: 1, skipped: 1 });
    const subjects = (await dump('staged@contoso.com'))
      .flatMap((f) => f.messages.map((m) => m.subject))
      .sort();
    expect(subjects).toEqual(['Café plan', 'Old offer', 'Quarterly numbers', 'Re: Quarterly numbers']);
  });

  it('fails a mailbox whose destination has no mailbox, saying what to do, and moves nothing', async () => {
    const report = await harness.runPass('verify', 'nobox@contoso.com');
    expect(report?.status).toBe('failed');
    expect(report?.error).toMatch(/DESTINATION_MAILBOX_NOT_ENABLED/);
  });
});
