import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ConvertedMessage, ZimbraMessageMeta } from '../domain/mail.ts';
import { ferryNamedPropertyId } from './extended-properties.ts';
import { convertMimeToGraphMessage } from './mime-to-graph-message.ts';

const RECEIVED = Date.UTC(2024, 4, 15, 12, 0, 0, 450);

function meta(overrides: Partial<ZimbraMessageMeta> = {}): ZimbraMessageMeta {
  return { id: '5021', folderId: '2', flags: '', tags: [], receivedMs: RECEIVED, size: 0, ...overrides };
}

function bytes(...parts: (string | Uint8Array)[]): Uint8Array {
  return new Uint8Array(
    Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part))),
  );
}

function eml(...lines: string[]): Uint8Array {
  return bytes(lines.join('\r\n'));
}

async function convert(raw: Uint8Array, overrides: Partial<ZimbraMessageMeta> = {}, options = {}) {
  return convertMimeToGraphMessage(raw, meta({ size: raw.byteLength, ...overrides }), options);
}

function prop(result: ConvertedMessage, id: string): string | undefined {
  return result.message.singleValueExtendedProperties.find((p) => p.id === id)?.value;
}

const HEADERS = [
  'Received: from mx.old.example by zimbra.old.example; Wed, 15 May 2024 11:59:58 +0000',
  'From: =?utf-8?q?Ann_M=C3=BCller?= <ann@old.example>',
  'To: Bob <bob@old.example>, "Smith, Carol" <carol@other.example>',
  'Cc: Team: dave@old.example, Eve <eve@old.example>;',
  'Subject: =?iso-8859-1?q?Caf=E9?= report',
  'Date: Wed, 15 May 2024 13:59:40 +0200',
  'Message-ID: <m1@old.example>',
  'MIME-Version: 1.0',
];

describe('convertMimeToGraphMessage: headers and metadata', () => {
  it('converts a plain text message', async () => {
    const raw = eml(...HEADERS, 'Content-Type: text/plain; charset=utf-8', '', 'Hello Bob,', 'see you.', '');
    const result = await convert(raw);
    const m = result.message;
    expect(m.subject).toBe('Café report');
    expect(m.from).toEqual({ emailAddress: { name: 'Ann Müller', address: 'ann@old.example' } });
    expect(m.sender).toEqual(m.from);
    expect(m.toRecipients).toEqual([
      { emailAddress: { name: 'Bob', address: 'bob@old.example' } },
      { emailAddress: { name: 'Smith, Carol', address: 'carol@other.example' } },
    ]);
    expect(m.ccRecipients.map((r) => r.emailAddress.address)).toEqual([
      'dave@old.example',
      'eve@old.example',
    ]);
    expect(m.internetMessageId).toBe('<m1@old.example>');
    expect(m.body).toEqual({ contentType: 'text', content: 'Hello Bob,\nsee you.\n' });
    expect(m.attachments).toEqual([]);
    expect(result.largeAttachments).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('sets dates to the second, read state and non-draft flags', async () => {
    const raw = eml(...HEADERS, '', 'x');
    const read = await convert(raw, { flags: '' });
    expect(prop(read, 'SystemTime 0x0E06')).toBe('2024-05-15T12:00:00Z');
    expect(prop(read, 'SystemTime 0x0039')).toBe('2024-05-15T11:59:40Z');
    expect(prop(read, 'Integer 0x0E07')).toBe('1');
    expect(read.message.isRead).toBe(true);
    const unread = await convert(raw, { flags: 'u' });
    expect(prop(unread, 'Integer 0x0E07')).toBe('4');
    expect(Number(prop(unread, 'Integer 0x0E07')) & 8).toBe(0);
    expect(unread.message.isRead).toBe(false);
  });

  it('leaves 0x0E07 out only for Zimbra drafts, which Graph then creates as drafts', async () => {
    const draft = await convert(eml(...HEADERS, '', 'x'), { flags: 'dr' });
    expect(prop(draft, 'Integer 0x0E07')).toBeUndefined();
    expect(prop(draft, 'Integer 0x1081')).toBeUndefined();
  });

  it('maps flagged, replied and forwarded', async () => {
    const raw = eml(...HEADERS, '', 'x');
    const replied = await convert(raw, { flags: 'fr' });
    expect(replied.message.flag).toEqual({ flagStatus: 'flagged' });
    expect(prop(replied, 'Integer 0x1081')).toBe('102');
    expect(prop(replied, 'Integer 0x1080')).toBe('261');
    const forwarded = await convert(raw, { flags: 'w' });
    expect(forwarded.message.flag).toEqual({ flagStatus: 'notFlagged' });
    expect(prop(forwarded, 'Integer 0x1081')).toBe('104');
    expect(prop(forwarded, 'Integer 0x1080')).toBe('262');
    expect(prop(await convert(raw), 'Integer 0x1081')).toBeUndefined();
  });

  it('falls back to the received date when the Date header is missing or unreadable', async () => {
    const missing = await convert(eml('From: a@b.example', 'Subject: s', '', 'x'));
    expect(prop(missing, 'SystemTime 0x0039')).toBe('2024-05-15T12:00:00Z');
    expect(missing.warnings).toEqual([]);
    const garbage = await convert(eml('From: a@b.example', 'Date: not a date', '', 'x'));
    expect(prop(garbage, 'SystemTime 0x0039')).toBe('2024-05-15T12:00:00Z');
    expect(garbage.warnings.map((w) => w.code)).toContain('invalid-date');
  });

  it('keeps the original header block, folded lines included, in 0x007D', async () => {
    const raw = eml('From: a@b.example', 'Subject: a long', '  folded subject', 'X-Thing: 1', '', 'body');
    const result = await convert(raw);
    expect(prop(result, 'String 0x007D')).toBe(
      'From: a@b.example\r\nSubject: a long\r\n  folded subject\r\nX-Thing: 1\r\n',
    );
    expect(result.message.subject).toBe('a long  folded subject');
  });

  it('threads with 0x1042 and 0x1039, never with internetMessageHeaders', async () => {
    const raw = eml(
      ...HEADERS,
      'In-Reply-To: <parent@old.example>',
      'References: <root@old.example>',
      ' <parent@old.example>',
      '',
      'x',
    );
    const result = await convert(raw);
    expect(prop(result, 'String 0x1042')).toBe('<parent@old.example>');
    expect(prop(result, 'String 0x1039')).toBe('<root@old.example> <parent@old.example>');
    expect(result.message).not.toHaveProperty('internetMessageHeaders');
  });

  it('reads importance from Zimbra flags first, then the headers', async () => {
    expect((await convert(eml('X-Priority: 1 (Highest)', 'Subject: s', '', 'x'))).message.importance).toBe(
      'high',
    );
    expect((await convert(eml('Importance: low', 'Subject: s', '', 'x'))).message.importance).toBe('low');
    expect((await convert(eml('Priority: urgent', 'Subject: s', '', 'x'))).message.importance).toBe('high');
    expect((await convert(eml('Subject: s', '', 'x'))).message.importance).toBe('normal');
    expect(
      (await convert(eml('X-Priority: 5', 'Subject: s', '', 'x'), { flags: '!' })).message.importance,
    ).toBe('high');
  });

  it('applies the recipient mapping to every address', async () => {
    const raw = eml(
      'From: Ann <ann@OLD.example>',
      'To: bob@old.example',
      'Cc: x@elsewhere.example',
      'Bcc: hidden@old.example',
      'Reply-To: list@old.example',
      'Subject: s',
      '',
      'x',
    );
    const result = await convert(
      raw,
      {},
      { recipientMapping: [{ from: '@old.example', to: '@new.example' }] },
    );
    const m = result.message;
    expect(m.from?.emailAddress.address).toBe('ann@new.example');
    expect(m.toRecipients[0]?.emailAddress.address).toBe('bob@new.example');
    expect(m.ccRecipients[0]?.emailAddress.address).toBe('x@elsewhere.example');
    expect(m.bccRecipients[0]?.emailAddress.address).toBe('hidden@new.example');
    expect(m.replyTo[0]?.emailAddress.address).toBe('list@new.example');
    // the original headers stay as they were
    expect(prop(result, 'String 0x007D')).toContain('ann@OLD.example');
  });

  it('keeps invalid addresses as written, with a warning', async () => {
    const result = await convert(eml('From: someone', 'To: undisclosed-recipients:;', 'Subject: s', '', 'x'));
    expect(result.message.from).toEqual({ emailAddress: { name: 'someone', address: 'someone' } });
    expect(result.message.toRecipients).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toContain('invalid-address');
  });

  it('sets categories from tags, the stamp, and the content hash', async () => {
    const raw = eml('Subject: s', '', 'x');
    const stamp = { propertyId: ferryNamedPropertyId('FerrySourceId'), value: 'acct42:5021' };
    const result = await convert(raw, { tags: ['Work', ' Clients ', 'Work', ''] }, { stamp });
    expect(result.message.categories).toEqual(['Work', 'Clients']);
    expect(prop(result, stamp.propertyId)).toBe('acct42:5021');
    expect(result.contentHash).toBe(createHash('sha256').update(raw).digest('hex'));
  });

  it('decodes raw 8-bit headers: UTF-8 as such, anything else as Windows-1252', async () => {
    const utf8 = await convert(bytes('Subject: Grüße\r\nFrom: Jörg <j@x.example>\r\n\r\nx'));
    expect(utf8.message.subject).toBe('Grüße');
    expect(utf8.message.from?.emailAddress.name).toBe('Jörg');
    const latin = await convert(bytes('Subject: ', iconv.encode('Café €5', 'win1252'), '\r\n\r\nx'));
    expect(latin.message.subject).toBe('Café €5');
    expect(latin.warnings.map((w) => w.code)).toContain('header-not-utf8');
  });

  it('warns when Zimbra’s size differs from the bytes read', async () => {
    const raw = eml('Subject: s', '', 'x');
    const result = await convertMimeToGraphMessage(raw, meta({ size: 999 }));
    expect(result.warnings.map((w) => w.code)).toEqual(['size-mismatch']);
  });
});

describe('convertMimeToGraphMessage: charsets', () => {
  const cases = [
    ['ISO-8859-1', 'Déjà vu, señor'],
    ['Windows-1252', 'Smart “quotes” – and €'],
    ['Shift_JIS', '日本語のテキスト'],
    ['KOI8-R', 'Привет, мир'],
  ] as const;
  for (const [charset, text] of cases) {
    it(`decodes a ${charset} body and encoded-word subject`, async () => {
      const encoded = iconv.encode(text, charset);
      const raw = bytes(
        `Subject: =?${charset}?B?${encoded.toString('base64')}?=\r\n`,
        `Content-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
        encoded,
      );
      const result = await convert(raw);
      expect(result.message.subject).toBe(text);
      expect(result.message.body.content).toBe(text);
    });
  }

  it('reads an 8-bit body mislabelled us-ascii as Windows-1252 instead of losing the letters', async () => {
    const raw = bytes(
      'Subject: s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n',
      iconv.encode('Grüße', 'latin1'),
    );
    expect((await convert(raw)).message.body.content).toBe('Grüße');
  });
});
