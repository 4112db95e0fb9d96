/**
 * The header block of a raw message, read straight from its bytes. Ferry reads the top-level headers
 * itself rather than through the MIME parser because it needs the block verbatim (for 0x007D), must
 * decode raw 8-bit headers that are not UTF-8, and must not let a parser substitute "now" for a
 * missing date.
 */
import { MAX_HEADER_BYTES } from './limits.ts';

export interface HeaderField {
  /** As written, e.g. `Message-ID`. */
  readonly name: string;
  /** Unfolded (CRLF removed, the folding whitespace kept), encoded words still encoded. */
  readonly value: string;
}

export interface HeaderBlock {
  /** The block as text, line endings normalised to CRLF, folded lines kept, ending in CRLF. */
  readonly text: string;
  readonly fields: readonly HeaderField[];
  /** Offset of the first body byte in the raw message. */
  readonly bodyOffset: number;
  /** True when the block held 8-bit bytes that are not UTF-8 and was read as Windows-1252. */
  readonly notUtf8: boolean;
  /** True when no blank line ended the block within MAX_HEADER_BYTES. */
  readonly oversized: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

/** Raw header bytes as text: UTF-8 when valid (RFC 6532), else Windows-1252 (a superset of Latin-1). */
export function decodeHeaderBytes(bytes: Uint8Array): { text: string; notUtf8: boolean } {
  try {
    return { text: utf8.decode(bytes), notUtf8: false };
  } catch {
    return { text: windows1252.decode(bytes), notUtf8: true };
  }
}

/** Where the header block starts: after a UTF-8 BOM and an mbox `From ` separator line, if any. */
function headerStart(raw: Uint8Array): number {
  let start = 0;
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) start = 3;
  const from = [0x46, 0x72, 0x6f, 0x6d, 0x20]; // "From "
  if (from.every((byte, i) => raw[start + i] === byte)) {
    const end = raw.indexOf(0x0a, start);
    start = end < 0 ? raw.length : end + 1;
  }
  return start;
}

/** Index of the first byte after the blank line that ends the headers, or -1. */
function findBlankLine(raw: Uint8Array, start: number, limit: number): number {
  // a header block may be empty: the message starts with the blank line
  if (raw[start] === 0x0a) return start + 1;
  if (raw[start] === 0x0d && raw[start + 1] === 0x0a) return start + 2;
  for (let i = start; i < limit; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return i + 2;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

const FIELD_NAME = /^[!-9;-~]+$/;

/**
 * Unfolds header text into fields; lines that are neither a field nor a continuation are skipped.
 * An indented first line continues nothing, so it is read as a field, as JavaMail (and so Zimbra)
 * reads it: " From: a@b" still names the sender.
 */
export function parseHeaderFields(text: string): HeaderField[] {
  const fields: { name: string; value: string }[] = [];
  let current: { name: string; value: string } | undefined;
  for (const [index, whole] of text.split(/\r?\n/).entries()) {
    const indented = /^[ \t]/.test(whole);
    if (indented && index > 0) {
      if (current !== undefined) current.value += whole;
      continue;
    }
    const line = indented ? whole.trimStart() : whole;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (name === '' || !FIELD_NAME.test(name)) {
      current = undefined;
      continue;
    }
    current = { name, value: line.slice(colon + 1) };
    fields.push(current);
  }
  return fields.map((field) => ({ name: field.name, value: field.value.trim() }));
}

/** Reads the header block of a message (or of an attached message) from its raw bytes. */
export function readHeaderBlock(raw: Uint8Array): HeaderBlock {
  const start = headerStart(raw);
  const limit = Math.min(raw.length, start + MAX_HEADER_BYTES);
  const blank = findBlankLine(raw, start, limit);
  const oversized = blank < 0 && raw.length > limit;
  const end = blank < 0 ? limit : blank;
  const { text, notUtf8 } = decodeHeaderBytes(raw.subarray(start, end));
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return {
    text: lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`,
    fields: parseHeaderFields(text),
    bodyOffset: blank < 0 ? raw.length : blank,
    notUtf8,
    oversized,
  };
}

/** The value of the first field with this name (case-insensitive). */
export function headerValue(fields: readonly HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find((field) => field.name.toLowerCase() === lower)?.value;
}

/** The values of every field with this name, in order. */
export function headerValues(fields: readonly HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return fields.filter((field) => field.name.toLowerCase() === lower).map((field) => field.value);
}

/** Headers seen on real messages; a block with none of them is not a message header. */
const KNOWN = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'received',
  'return-path',
  'mime-version',
  'content-type',
  'sender',
  'reply-to',
  'delivered-to',
  'in-reply-to',
  'references',
  'content-transfer-encoding',
]);

/** Whether the block looks like message headers (at least one well-known field). */
export function looksLikeMessageHeaders(fields: readonly HeaderField[]): boolean {
  return fields.some((field) => KNOWN.has(field.name.toLowerCase()) || /^x-/i.test(field.name));
}
