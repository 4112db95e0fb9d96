/**
 * Content and header encodings for generated mail: base64 in 76-character lines, quoted-printable,
 * RFC 2047 encoded words, RFC 2231 parameters and legacy charsets. Written here (not taken from a
 * library) so every byte is under our control and deterministic.
 */

const CRLF = Buffer.from('\r\n');
const LINE = 76;
const LINE_BYTES = 57;

/** Base64 with CRLF after every 76 characters (the last line too). */
export function base64Lines(data: Buffer): Buffer {
  const b64 = Buffer.from(data.toString('base64'), 'latin1');
  const lines = Math.ceil(b64.length / LINE);
  const out = Buffer.allocUnsafe(b64.length + lines * 2);
  let pos = 0;
  for (let start = 0; start < b64.length; start += LINE) {
    pos += b64.copy(out, pos, start, Math.min(start + LINE, b64.length));
    pos += CRLF.copy(out, pos);
  }
  return out;
}

/** Number of base64 bytes `base64Lines` produces for `length` input bytes. */
export function base64LinesLength(length: number): number {
  const chars = Math.ceil(length / 3) * 4;
  return chars + Math.ceil(chars / LINE) * 2;
}

/** Raw bytes per base64 line; chunks that are multiples of it encode independently. */
export const BASE64_LINE_BYTES = LINE_BYTES;

const HEX_DIGITS = Buffer.from('0123456789ABCDEF', 'latin1');

function isLineEnd(data: Buffer, i: number): boolean {
  return i >= data.length || data[i] === 0x0a || (data[i] === 0x0d && data[i + 1] === 0x0a);
}

/** Quoted-printable (RFC 2045 §6.7) with soft line breaks; line ends become CRLF. */
export function quotedPrintable(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length * 4 + 16);
  let o = 0;
  let column = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i] ?? 0;
    if (b === 0x0d && data[i + 1] === 0x0a) continue;
    if (b === 0x0a) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      column = 0;
      continue;
    }
    const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !isLineEnd(data, i + 1));
    const width = plain ? 1 : 3;
    if (column + width > LINE - 1) {
      out[o++] = 0x3d; // soft line break
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      column = 0;
    }
    if (plain) {
      out[o++] = b;
    } else {
      out[o++] = 0x3d;
      out[o++] = HEX_DIGITS[b >> 4] ?? 0;
      out[o++] = HEX_DIGITS[b & 15] ?? 0;
    }
    column += width;
  }
  return out.subarray(0, o);
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;

/** RFC 2047 B-encoded words (UTF-8), split on character boundaries; ASCII text is returned as is. */
export function encodeWords(text: string, charset = 'UTF-8'): string {
  if (ASCII_PRINTABLE.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (encodeText(chunk + ch, charset).length > 42) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  words.push(chunk);
  return words.map((w) => `=?${charset}?B?${encodeText(w, charset).toString('base64')}?=`).join('\r\n ');
}

/** A display name and address, with the name quoted or RFC 2047-encoded as needed. */
export function formatAddress(name: string, address: string): string {
  if (name === '') return address;
  if (!ASCII_PRINTABLE.test(name)) return `${encodeWords(name)} <${address}>`;
  if (/[(),.:;<>@[\]\\"]/.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
  return `${name} <${address}>`;
}

/**
 * `; name="value"` for ASCII values, otherwise RFC 2231 `name*0*=UTF-8''…; name*1*=…` continuations
 * (plus a plain RFC 2047 `name="…"` fallback that old clients read).
 */
export function encodeParam(name: string, value: string): string {
  if (ASCII_PRINTABLE.test(value) && value.length < 60)
    return `;\r\n ${name}="${value.replace(/["\\]/g, '\\$&')}"`;
  const pct = Array.from(Buffer.from(value, 'utf8'), (b) =>
    /[A-Za-z0-9._-]/.test(String.fromCharCode(b))
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
  const parts: string[] = [];
  let rest = pct;
  while (rest.length > 0) {
    let cut = Math.min(rest.length, 45);
    const pctAt = rest.lastIndexOf('%', cut - 1);
    if (pctAt > cut - 3 && cut < rest.length) cut = pctAt;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  const continued = parts.map((part, i) => `;\r\n ${name}*${i}*=${i === 0 ? "UTF-8''" : ''}${part}`);
  return continued.join('');
}

const reverseTables = new Map<string, Map<string, number>>();

/** Encoder for a legacy charset, built by inverting the platform's TextDecoder. */
function reverseTable(charset: string): Map<string, number> {
  const cached = reverseTables.get(charset);
  if (cached !== undefined) return cached;
  const decoder = new TextDecoder(charset, { fatal: true });
  const table = new Map<string, number>();
  const add = (bytes: number[]): void => {
    try {
      const ch = decoder.decode(new Uint8Array(bytes));
      if (!table.has(ch))
        table.set(ch, bytes.length === 1 ? (bytes[0] ?? 0) : ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0));
    } catch {
      // not a character in this charset
    }
  };
  for (let b = 0; b < 256; b++) add([b]);
  if (charset === 'shift_jis') {
    for (let lead = 0x81; lead <= 0xfc; lead++) {
      if (lead > 0x9f && lead < 0xe0) continue;
      for (let trail = 0x40; trail <= 0xfc; trail++) add([lead, trail]);
    }
  }
  reverseTables.set(charset, table);
  return table;
}

/** Encodes `text` in `charset` (UTF-8, ISO-8859-1, Windows-1252, KOI8-R, Shift_JIS); unmappable → `?`. */
export function encodeText(text: string, charset: string): Buffer {
  const name = charset.toLowerCase();
  if (name === 'utf-8') return Buffer.from(text, 'utf8');
  if (name === 'iso-8859-1')
    return Buffer.from(
      Array.from(text, (ch) => ((ch.codePointAt(0) ?? 0x3f) <= 0xff ? ch : '?')).join(''),
      'latin1',
    );
  const table = reverseTable(name);
  const bytes: number[] = [];
  for (const ch of text) {
    const code = table.get(ch) ?? 0x3f;
    if (code > 0xff) bytes.push(code >> 8, code & 0xff);
    else bytes.push(code);
  }
  return Buffer.from(bytes);
}
