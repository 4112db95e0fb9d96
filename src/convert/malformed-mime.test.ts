import { describe, expect, it } from 'vitest';
import type { ConvertedMessage, ZimbraMessageMeta } from '../domain/mail.ts';
import { LARGE_ATTACHMENT_BYTES, MAX_HEADER_BYTES, MAX_NESTING_DEPTH } from './limits.ts';
import { convertMimeToGraphMessage } from './mime-to-graph-message.ts';

function meta(size: number): ZimbraMessageMeta {
  return { id: '1', folderId: '2', flags: 'u', tags: ['Kept'], receivedMs: Date.UTC(2024, 0, 1), size };
}

async function convert(input: string | Uint8Array): Promise<ConvertedMessage> {
  const raw = typeof input === 'string' ? new Uint8Array(Buffer.from(input)) : input;
  return convertMimeToGraphMessage(raw, meta(raw.byteLength));
}

/** The original bytes, wherever the converter put original.eml. */
function original(result: ConvertedMessage): Buffer | undefined {
  const inJson = result.message.attachments.find((a) => a.name === 'original.eml');
  if (inJson !== undefined) return Buffer.from(inJson.contentBytes, 'base64');
  const large = result.largeAttachments.find((a) => a.name === 'original.eml');
  return large === undefined ? undefined : Buffer.from(large.bytes);
}

const codes = (result: ConvertedMessage): string[] => result.warnings.map((w) => w.code);

describe('convertMimeToGraphMessage: hostile and malformed input', () => {
  it('turns text without headers into an explanatory message with the original attached', async () => {
    const raw = 'just some text\nwith no headers at all\n';
    const result = await convert(raw);
    expect(result.message.subject).toBe('(unreadable message)');
    expect(result.message.body.content).toContain('original.eml');
    expect(original(result)?.toString()).toBe(raw);
    expect(codes(result)).toContain('unreadable-mime');
    // Zimbra's metadata still applies
    expect(result.message.isRead).toBe(false);
    expect(result.message.categories).toEqual(['Kept']);
    expect(result.message.singleValueExtendedProperties.some((p) => p.id === 'String 0x007D')).toBe(false);
  });

  it('survives an empty message', async () => {
    const result = await convert('');
    expect(result.message.subject).toBe('(unreadable message)');
    expect(result.message.attachments).toEqual([]);
    expect(codes(result)).toContain('empty-message');
  });

  it('survives garbage bytes', async () => {
    const garbage = new Uint8Array(20_000).map((_, i) => (i * 7919 + 13) % 256);
    const result = await convert(garbage);
    expect(original(result)?.equals(Buffer.from(garbage))).toBe(true);
    expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps what it can read of a truncated multipart, and the original', async () => {
    const raw = [
      'From: a@b.example',
      'Subject: cut off',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'first part',
      '--b1',
      'Content-Type: application/pdf; name="doc.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQKJcfs',
    ].join('\r\n');
    const result = await convert(raw);
    expect(result.message.subject).toBe('cut off');
    expect(result.message.body.content).toContain('first part');
    expect(result.message.attachments.map((a) => a.name)).toEqual(['doc.pdf', 'original.eml']);
    expect(codes(result)).toContain('mime-structure-repaired');
  });

  it('handles a missing closing boundary', async () => {
    const raw =
      'Subject: open\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n<b>hi</b>\r\n';
    const result = await convert(raw);
    expect(result.message.body.contentType).toBe('html');
    expect(result.message.body.content).toContain('<b>hi</b>');
    expect(codes(result)).toContain('mime-structure-repaired');
    expect(original(result)?.toString()).toBe(raw);
  });

  it('does not call a lenient close delimiter a defect', async () => {
    const raw =
      'Subject: ok\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nhi\r\n--x--  \r\n';
    const result = await convert(raw);
    expect(result.warnings).toEqual([]);
    expect(result.message.attachments).toEqual([]);
  });

  it.each([MAX_NESTING_DEPTH + 1, 5000])(
    'refuses multiparts nested %i deep without overflowing',
    async (depth) => {
      let raw = 'Subject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n';
      for (let i = 0; i < depth; i++) {
        raw += `--b${i}\r\nContent-Type: multipart/mixed; boundary=b${i + 1}\r\n\r\n`;
      }
      raw += `--b${depth}\r\nContent-Type: text/plain\r\n\r\nbottom\r\n`;
      const result = await convert(raw);
      expect(result.message.subject).toBe('deep');
      expect(codes(result)).toContain('mime-too-deep');
      expect(original(result)?.toString()).toBe(raw);
    },
  );

  it('reads messages nested up to the limit', async () => {
    const depth = 20;
    let raw = 'Subject: nested\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n';
    for (let i = 0; i < depth; i++) {
      raw += `--b${i}\r\nContent-Type: multipart/mixed; boundary=b${i + 1}\r\n\r\n`;
    }
    raw += `--b${depth}\r\nContent-Type: text/plain\r\n\r\nbottom\r\n`;
    for (let i = depth; i >= 0; i--) raw += `--b${i}--\r\n`;
    const result = await convert(raw);
    expect(result.message.body.content).toContain('bottom');
    expect(result.warnings).toEqual([]);
  });

  it('falls back when a header block is larger than the limit', async () => {
    const raw = `Subject: big headers\r\nX-Junk: ${'a'.repeat(MAX_HEADER_BYTES)}\r\n\r\nbody`;
    const result = await convert(raw);
    expect(codes(result)).toContain('unreadable-mime');
    expect(result.message.subject).toBe('big headers');
  });

  it('falls back when the parser gives up (too many parts)', async () => {
    let raw = 'Subject: parts\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n';
    for (let i = 0; i < 1100; i++) raw += `--p\r\nContent-Type: text/plain\r\n\r\n${i}\r\n`;
    raw += '--p--\r\n';
    const result = await convert(raw);
    expect(codes(result)).toContain('unreadable-mime');
    expect(original(result)?.toString()).toBe(raw);
  });

  it('uploads an original of 3 MB or more separately', async () => {
    const result = await convert('no headers here '.repeat(LARGE_ATTACHMENT_BYTES / 16 + 1));
    expect(result.largeAttachments.map((a) => a.name)).toEqual(['original.eml']);
    expect(Buffer.byteLength(JSON.stringify(result.message))).toBeLessThan(4 * 1024 * 1024);
  });

  it('strips control characters Exchange cannot store from subject and body', async () => {
    const result = await convert('Subject: a\u0000b\u0007c\r\n\r\nx\u0001y\r\n');
    expect(result.message.subject).toBe('abc');
    expect(result.message.body.content).toBe('xy\r\n'.replace('\r', ''));
  });
});
