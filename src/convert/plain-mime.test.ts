import { describe, expect, it } from 'vitest';
import { scanMimeStructure } from './mime-structure.ts';
import { parseMime, type ParsedMime } from './parse-mime.ts';
import { decodeQuotedPrintable, readPlainMime } from './plain-mime.ts';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const crlf = (lines: readonly string[]): string => lines.join('\r\n');

const plain = (raw: Uint8Array) => readPlainMime(raw, scanMimeStructure(raw));
const viaMailparser = (raw: Uint8Array) =>
  parseMime(Buffer.from(raw), { skipHtmlToText: true, skipTextLinks: true, checksumAlgo: false });

/** A parse result with each attachment's content in both forms, for comparison. */
const comparable = (parsed: ParsedMime | undefined) =>
  parsed === undefined
    ? undefined
    : {
        ...parsed,
        attachments: parsed.attachments.map(({ content, ...rest }) => ({
          ...rest,
          size: content.size,
          bytes: Buffer.from(content.bytes()).toString('hex'),
          base64: content.base64(),
        })),
      };

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

/** Messages the direct reader takes: it must read each exactly as mailparser does. */
const SAME_AS_MAILPARSER: Record<string, string> = {
  'single-part text without Content-Type': crlf([
    'From: a@example.com',
    'Subject: s',
    '',
    'Hello',
    'world',
    '',
  ]),
  'single-part HTML': crlf(['Content-Type: text/html; charset=utf-8', '', '<p>Hi</p>', '', '']),
  'alternative, quoted-printable with soft breaks and trailing blanks': crlf([
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    'preamble',
    '--b1',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=C3=BC=C3=9Fe, caf=C3=A9 =',
    'and a long line   ',
    '= not hex =ZZ',
    '--b1',
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<p>Gr=C3=BC=C3=9Fe</p>',
    '',
    '--b1--',
    'epilogue',
  ]),
  'mixed with related images, a named attachment and an octet-stream guessed from its name': crlf([
    'Content-Type: multipart/mixed; boundary=outer',
    '',
    '--outer',
    'Content-Type: multipart/related; boundary="rel"',
    '',
    '--rel',
    'Content-Type: text/html; charset=us-ascii',
    '',
    '<img src="cid:logo@x">',
    '--rel',
    'Content-Type: image/png',
    'Content-Transfer-Encoding: base64',
    'Content-ID: <logo@x>',
    '',
    PNG.toString('base64'),
    '--rel--',
    '--outer',
    'Content-Type: application/octet-stream; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    // wrapped at 76 characters, as mail writers do
    ...(Buffer.from('%PDF-1.4 not really '.repeat(20))
      .toString('base64')
      .match(/.{1,76}/g) ?? []),
    '--outer',
    'Content-Type: text/plain',
    'Content-Disposition: attachment; filename=notes.txt',
    '',
    'attached text, not body',
    '--outer--',
    '',
  ]),
  'an RFC 2231 file name split over continuations': crlf([
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'see attached',
    '--b',
    'Content-Type: application/octet-stream;',
    " name*0*=UTF-8''Rapport%20annuel%20%E2%80%93%20fina;",
    ' name*1*=le.docx',
    'Content-Disposition: attachment;',
    " filename*0*=UTF-8''Rapport%20annuel%20%E2%80%93%20fina;",
    ' filename*1*=le.docx',
    'Content-Transfer-Encoding: base64',
    '',
    'UEsDBA==',
    '--b--',
  ]),
  'LF line endings and an empty text part': [
    'Content-Type: multipart/alternative; boundary=b',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    '--b',
    'Content-Type: text/html',
    '',
    '<b>x</b>',
    '--b--',
    '',
  ].join('\n'),
};

describe('readPlainMime', () => {
  for (const [name, message] of Object.entries(SAME_AS_MAILPARSER)) {
    it(`reads ${name} as mailparser does`, async () => {
      const raw = bytes(message);
      const direct = plain(raw);
      expect(direct).toBeDefined();
      expect(comparable(direct)).toEqual(comparable(await viaMailparser(raw)));
    });
  }

  it('keeps attachment bytes, Content-ID and file names', () => {
    const direct = plain(
      bytes(
        SAME_AS_MAILPARSER[
          'mixed with related images, a named attachment and an octet-stream guessed from its name'
        ]!,
      ),
    );
    expect(direct?.attachments.map((a) => [a.contentType, a.filename, a.cid])).toEqual([
      ['image/png', undefined, 'logo@x'],
      ['application/pdf', 'report.pdf', undefined],
      ['text/plain', 'notes.txt', undefined],
    ]);
    expect(Buffer.from(direct!.attachments[0]!.content.bytes()).equals(PNG)).toBe(true);
    // the source's base64 goes to Graph as it is, without its line breaks
    expect(direct?.attachments[0]?.content.base64()).toBe(PNG.toString('base64'));
    expect(direct?.attachments[0]?.content.size).toBe(PNG.byteLength);
  });

  const LEFT_TO_MAILPARSER: Record<string, string> = {
    'a legacy charset': crlf(['Content-Type: text/plain; charset=iso-8859-1', '', 'caf\xe9']),
    'format=flowed': crlf(['Content-Type: text/plain; format=flowed', '', 'soft ', 'wrap']),
    'an encoded file name': crlf([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: application/pdf; name="=?utf-8?q?r=C3=A9sum=C3=A9.pdf?="',
      '',
      'x',
      '--b--',
    ]),
    'an attached message': crlf([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: message/rfc822',
      '',
      'Subject: inner',
      '',
      'inner body',
      '--b--',
    ]),
    'base64 with stray characters': crlf([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: image/png',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBO*Rw0K',
      '--b--',
    ]),
    'an unclosed multipart': crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'text']),
    'text that mailparser renders into the HTML body': crlf([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/html',
      '',
      '<p>one</p>',
      '--b',
      'Content-Type: text/plain',
      '',
      'two',
      '--b--',
    ]),
    'a close delimiter followed by text': crlf([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      '',
      'text',
      '--b--trailing',
    ]),
  };
  for (const [name, message] of Object.entries(LEFT_TO_MAILPARSER)) {
    it(`leaves ${name} to mailparser`, () => {
      expect(plain(bytes(message))).toBeUndefined();
    });
  }
});

describe('base64 attachments', () => {
  it('are re-encoded when the last character carries bits the padding drops', () => {
    const message = (last: string) =>
      bytes(
        crlf([
          'Content-Type: multipart/mixed; boundary=b',
          '',
          '--b',
          'Content-Type: application/octet-stream',
          'Content-Transfer-Encoding: base64',
          '',
          `Q${last}==`,
          '--b--',
        ]),
      );
    expect(plain(message('Q'))?.attachments[0]?.content.base64()).toBe('QQ==');
    expect(plain(message('R'))?.attachments[0]?.content.base64()).toBe('QQ==');
  });
});

describe('decodeQuotedPrintable', () => {
  it('drops soft breaks and trailing blanks, decodes escapes and keeps broken ones', () => {
    expect(decodeQuotedPrintable('a=3Db  \r\nc=\r\nd =4 =e9').toString('latin1')).toBe('a=b\r\ncd =4 \xe9');
  });
});

describe('parseMime', () => {
  it('still renders text parts into the HTML body where mailparser builds the body from them', async () => {
    const raw = bytes(
      crlf([
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/html',
        '',
        '<p>one</p>',
        '--b',
        'Content-Type: text/plain',
        '',
        'two & three',
        '--b--',
      ]),
    );
    const parsed = await viaMailparser(raw);
    expect(parsed.html).toBe('<p>one</p><br/>\n<p>two &amp; three</p>');
    expect(parsed.text).toBe('\ntwo & three');
  });
});
