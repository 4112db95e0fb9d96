import { describe, expect, it } from 'vitest';
import {
  base64Lines,
  encodeParam,
  encodeText,
  encodeWords,
  formatAddress,
  quotedPrintable,
} from './mime-encoding.ts';
import { Random } from './random.ts';

describe('mime-encoding', () => {
  it('wraps base64 at 76 characters with CRLF', () => {
    const data = new Random(1).bytes(1000);
    const text = base64Lines(data).toString('latin1');
    const lines = text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -2).every((l) => l.length === 76)).toBe(true);
    expect(Buffer.from(lines.join(''), 'base64').equals(data)).toBe(true);
  });

  it('encodes quoted-printable with short lines, escapes and trailing-space protection', () => {
    const qp = quotedPrintable(Buffer.from(`Grüße = done \n${'x'.repeat(200)}é\n`, 'utf8')).toString(
      'latin1',
    );
    expect(qp.startsWith('Gr=C3=BC=C3=9Fe =3D done=20\r\n')).toBe(true);
    expect(qp.split('\r\n').every((l) => l.length <= 76)).toBe(true);
    const decoded = qp
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    expect(Buffer.from(decoded, 'latin1').toString('utf8')).toBe(`Grüße = done \r\n${'x'.repeat(200)}é\r\n`);
  });

  it('writes RFC 2047 words and RFC 2231 parameters', () => {
    expect(encodeWords('plain ASCII')).toBe('plain ASCII');
    expect(encodeWords('Réunion')).toBe(`=?UTF-8?B?${Buffer.from('Réunion').toString('base64')}?=`);
    expect(formatAddress('Smith, John', 'j@example.com')).toBe('"Smith, John" <j@example.com>');
    expect(encodeParam('filename', 'a.pdf')).toBe(';\r\n filename="a.pdf"');
    const long = encodeParam('filename', 'Rapport annuel – version finale.docx');
    expect(long).toMatch(/filename\*0\*=UTF-8''Rapport%20annuel%20%E2%80%93/);
    expect(long).toContain('filename*1*=');
  });

  it('encodes legacy charsets by inverting the platform decoders', () => {
    for (const [charset, text] of [
      ['KOI8-R', 'Добрый день'],
      ['Shift_JIS', 'お世話になっております'],
      ['Windows-1252', '“€” …'],
      ['ISO-8859-1', 'Grüße'],
    ] as const) {
      expect(new TextDecoder(charset).decode(encodeText(text, charset))).toBe(text);
    }
  });
});
