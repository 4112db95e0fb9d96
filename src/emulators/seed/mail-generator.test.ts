import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from './generate-seed.ts';

interface Parsed {
  readonly file: string;
  readonly raw: Buffer;
  readonly mail: ParsedMail;
}

describe('generated mail', () => {
  let root: string;
  const parsed: Parsed[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ferry-seed-mail-'));
    const summary = await generateSeed({
      outDir: root,
      accounts: 1,
      messages: 120,
      specialAccounts: false,
      seed: 3,
    });
    const mailDir = path.join(root, 'accounts', summary.accounts[0]!.email, 'mail');
    const files = (await readdir(mailDir, { recursive: true })).filter((f) => f.endsWith('.eml')).sort();
    for (const file of files) {
      const raw = await readFile(path.join(mailDir, file));
      parsed.push({ file, raw, mail: await simpleParser(raw, { skipImageLinks: true }) });
    }
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('parses every message with the basic headers', () => {
    expect(parsed).toHaveLength(120);
    for (const { mail, raw } of parsed) {
      expect(mail.messageId).toMatch(/^<.+@.+>$/);
      expect(mail.date?.getTime()).toBeGreaterThan(Date.UTC(2024, 9, 1));
      expect(mail.date?.getTime()).toBeLessThan(Date.UTC(2026, 10, 2));
      expect(mail.from?.value[0]?.address).toMatch(/@/);
      expect(mail.subject).toBeTruthy();
      // CRLF line ends only, no line longer than RFC 5322's 998 characters.
      const text = raw.toString('latin1');
      expect(text).not.toMatch(/[^\r]\n/);
      expect(text.split('\r\n').every((line) => line.length <= 998)).toBe(true);
    }
  });

  it('has threads with In-Reply-To/References chains and Re:/Fwd: subjects', () => {
    const ids = new Set(parsed.map((p) => p.mail.messageId));
    const replies = parsed.filter((p) => p.mail.inReplyTo !== undefined);
    expect(replies.length).toBeGreaterThan(10);
    for (const { mail } of replies) {
      expect(ids.has(mail.inReplyTo)).toBe(true);
      const refs = Array.isArray(mail.references) ? mail.references : [mail.references];
      expect(refs.at(-1)).toBe(mail.inReplyTo);
      expect(mail.subject).toMatch(/^(Re|RE|AW|Fwd): /);
    }
    expect(replies.some((p) => (Array.isArray(p.mail.references) ? p.mail.references.length : 0) >= 2)).toBe(
      true,
    );
  });

  it('resolves inline cid images in both related layouts', () => {
    const inline = parsed.filter((p) =>
      p.mail.attachments.some((a) => a.contentDisposition === 'inline' && a.cid !== undefined),
    );
    expect(inline.length).toBeGreaterThanOrEqual(2);
    const layouts = new Set(
      inline.map((p) => /Content-Type: multipart\/(\w+)/.exec(p.raw.toString('latin1'))?.[1]),
    );
    expect([...layouts].sort()).toEqual(['alternative', 'related']);
    for (const { mail } of inline) {
      for (const image of mail.attachments.filter((a) => a.cid !== undefined)) {
        expect(image.contentType).toBe('image/png');
        expect(image.content.subarray(1, 4).toString('latin1')).toBe('PNG');
        expect(mail.html).toContain(`cid:${image.cid}`);
      }
    }
  });

  it('has file attachments (one above 3 MB), RFC 2231 names and an attached message', () => {
    const attachments = parsed.flatMap((p) =>
      p.mail.attachments.filter((a) => a.contentDisposition === 'attachment'),
    );
    expect(attachments.some((a) => a.size > 3_000_000)).toBe(true);
    expect(
      attachments.some(
        (a) => a.contentType === 'application/pdf' && a.content.subarray(0, 5).toString() === '%PDF-',
      ),
    ).toBe(true);
    expect(attachments.some((a) => /[^\x20-\x7e]/.test(a.filename ?? ''))).toBe(true);
    expect(parsed.some((p) => /filename\*0\*=UTF-8''/.test(p.raw.toString('latin1')))).toBe(true);
    expect(attachments.some((a) => a.contentType === 'message/rfc822')).toBe(true);
  });

  it('decodes legacy charsets and RFC 2047 subjects and names', () => {
    const expectations: [RegExp, string][] = [
      [/charset=ISO-8859-1/, 'Grüße aus Köln'],
      [/charset=Windows-1252/, '€1,250'],
      [/charset=KOI8-R/, 'Добрый день'],
      [/charset=Shift_JIS/, 'お世話になっております'],
    ];
    for (const [header, text] of expectations) {
      const match = parsed.find((p) => header.test(p.raw.toString('latin1')));
      expect(match, header.source).toBeDefined();
      expect(match?.mail.text).toContain(text);
    }
    expect(parsed.some((p) => /^Subject: =\?KOI8-R\?B\?/m.test(p.raw.toString('latin1')))).toBe(true);
    expect(parsed.some((p) => p.mail.subject === 'Отчёт за прошлый месяц')).toBe(true);
  });

  it('has HTML alternatives, priorities, Received headers and a calendar invite', () => {
    expect(parsed.some((p) => p.mail.html !== false && p.mail.text !== undefined)).toBe(true);
    // mailparser folds X-Priority and Importance into one `priority` header.
    expect(parsed.some((p) => p.mail.headers.get('priority') === 'high')).toBe(true);
    expect(parsed.some((p) => p.mail.headers.get('priority') === 'low')).toBe(true);
    expect(parsed.some((p) => /\r\nImportance: High\r\n/.test(p.raw.toString('latin1')))).toBe(true);
    const received = parsed.filter((p) => p.raw.toString('latin1').includes('\r\nReceived: from'));
    expect(received.length).toBeGreaterThan(parsed.length / 2);
    expect(
      parsed.some((p) =>
        /Content-Type: text\/calendar; charset=UTF-8; method=REQUEST/.test(p.raw.toString('latin1')),
      ),
    ).toBe(true);
  });
});
