import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ConvertedMessage } from '../domain/mail.ts';
import { convertMimeToGraphMessage } from './mime-to-graph-message.ts';

async function convert(...parts: (string | Uint8Array)[]): Promise<ConvertedMessage> {
  const raw = new Uint8Array(
    Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part))),
  );
  return convertMimeToGraphMessage(raw, {
    id: '7',
    folderId: '2',
    flags: '',
    tags: [],
    receivedMs: Date.UTC(2024, 0, 1),
    size: raw.byteLength,
  });
}

/** The bytes attached as original.eml, or undefined when there is none. */
function original(result: ConvertedMessage): Buffer | undefined {
  const attachment = result.message.attachments.find((a) => a.name === 'original.eml');
  return attachment === undefined ? undefined : Buffer.from(attachment.contentBytes, 'base64');
}

const codes = (result: ConvertedMessage) => result.warnings.map((w) => w.code);
const raw = (...parts: (string | Uint8Array)[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
const HEAD = 'From: a@b.example\r\nSubject: s\r\n';

describe('convertMimeToGraphMessage: nothing lost when text must change', () => {
  it('attaches nothing to a clean message, whatever its charset', async () => {
    const result = await convert(
      HEAD,
      'Content-Type: text/plain; charset=iso-8859-1\r\n\r\n',
      iconv.encode('Déjà “vu” – 5 €', 'win1252'),
    );
    expect(result.message.body.content).toBe('Déjà “vu” – 5 €');
    expect(result.message.attachments).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('keeps the original when control characters are removed from the body', async () => {
    const result = await convert(
      HEAD,
      'Content-Type: text/plain; charset=utf-8\r\n\r\n=ybegin \u0001\u0002\u001b end',
    );
    expect(result.message.body.content).toBe('=ybegin  end');
    expect(
      original(result)?.equals(
        raw(HEAD, 'Content-Type: text/plain; charset=utf-8\r\n\r\n=ybegin \u0001\u0002\u001b end'),
      ),
    ).toBe(true);
    expect(codes(result)).toEqual(['text-altered']);
  });

  it('keeps the original of binary data sent as undeclared text', async () => {
    const gif = Buffer.from([
      0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0xff, 0x3b,
    ]);
    const source = raw(
      'Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      gif.toString('base64'),
    );
    const result = await convert(source);
    expect(original(result)?.equals(source)).toBe(true);
    expect(codes(result)).toEqual(['charset-guessed', 'text-altered']);
  });

  it('reads C1 controls in an undeclared body as the Windows-1252 characters they were', async () => {
    // U+0080, U+0093, U+0094, U+0096 written as UTF-8: Windows-1252 bytes decoded as Latin-1 once
    const result = await convert(HEAD, '\r\n<p>Price: \u0080 5, \u0093quoted\u0094 \u0096 done</p>');
    expect(result.message.body).toEqual({
      contentType: 'text',
      content: '<p>Price: € 5, “quoted” – done</p>',
    });
    expect(result.message.attachments).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('reads C1 controls as Windows-1252 in every part labelled Latin-1 or ASCII', async () => {
    const result = await convert(
      HEAD,
      'Content-Type: multipart/alternative; boundary=b\r\n\r\n',
      '--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nx\r\n',
      '--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<b>\u0080 1</b>\r\n--b--\r\n',
    );
    expect(result.message.body).toEqual({ contentType: 'html', content: '<b>€ 1</b>' });
    expect(result.message.attachments).toEqual([]);
  });

  it('removes C1 controls a UTF-8 body really holds, and keeps the original', async () => {
    const result = await convert(HEAD, 'Content-Type: text/plain; charset=utf-8\r\n\r\na\u0080b\u0093c');
    expect(result.message.body.content).toBe('abc');
    expect(original(result)).toBeDefined();
    expect(codes(result)).toEqual(['text-altered']);
  });

  it('keeps the original of a C1 control Windows-1252 leaves undefined', async () => {
    const result = await convert(HEAD, '\r\nx\u0081y');
    expect(result.message.body.content).toBe('xy');
    expect(original(result)).toBeDefined();
  });

  it('reads an undeclared Big5 body as Big5 and keeps the original', async () => {
    const text = '我們明天開會，請大家準時到。謝謝！';
    const source = raw(
      HEAD,
      'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      iconv.encode(text, 'big5').toString('base64'),
    );
    const result = await convert(source);
    expect(result.message.body.content).toBe(text);
    expect(original(result)?.equals(source)).toBe(true);
    expect(result.warnings).toEqual([
      {
        code: 'charset-guessed',
        message:
          'The message body is 8-bit text without a usable charset; it was read as big5 and the original is attached as original.eml.',
      },
    ]);
  });

  it('reads an undeclared KOI8-R body as KOI8-R', async () => {
    const text = 'Добрый день! Высылаю отчёт за третий квартал, посмотрите.';
    const result = await convert(HEAD, '\r\n', iconv.encode(text, 'koi8-r'));
    expect(result.message.body.content).toBe(text);
    expect(original(result)).toBeDefined();
  });

  it('keeps the original when a part’s bytes are undecodable (U+FFFD)', async () => {
    const result = await convert(
      HEAD,
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n',
      iconv.encode('Grüße', 'latin1'),
      '\r\n--b--\r\n',
    );
    expect(result.message.body.content).toContain('\uFFFD');
    expect(original(result)).toBeDefined();
    expect(codes(result)).toEqual(['text-altered']);
  });

  it('keeps the original when the subject or an address loses control characters', async () => {
    const subject = await convert('From: a@b.example\r\nSubject: =?utf-8?q?a=07b?=\r\n\r\nx');
    expect(subject.message.subject).toBe('ab');
    expect(original(subject)).toBeDefined();
    expect(codes(subject)).toEqual(['text-altered']);
    const name = await convert('From: =?utf-8?q?Ann=00?= <a@b.example>\r\nSubject: s\r\n\r\nx');
    expect(name.message.from).toEqual({ emailAddress: { name: 'Ann', address: 'a@b.example' } });
    expect(original(name)).toBeDefined();
  });

  it('keeps the original of raw 8-bit headers that are not UTF-8', async () => {
    const result = await convert('Subject: ', iconv.encode('Café', 'latin1'), '\r\n\r\nx');
    expect(result.message.subject).toBe('Café');
    expect(original(result)).toBeDefined();
    expect(codes(result)).toEqual(['header-not-utf8']);
  });
});
