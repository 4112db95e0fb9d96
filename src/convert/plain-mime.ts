/**
 * Reads a plainly built message straight from the leaves mime-structure.ts found, without the
 * streaming parser: UTF-8 or ASCII text parts, base64 or quoted-printable or unencoded bodies,
 * multipart mixed/alternative/related, ASCII part headers. It reads them exactly as mailparser does
 * (the same part types, dispositions, file names, text joins), which the conversion tests and the
 * mail fidelity run hold it to. Anything else — another charset, format=flowed, attached messages,
 * encoded words in part headers, unclean base64, a repaired structure, a text part the HTML body is
 * built from — answers undefined and goes to mailparser.
 */
import libmime from 'libmime';
import { base64Content, bytesContent, type AttachmentContent } from './attachment-content.ts';
import { MAX_MIME_PARTS } from './limits.ts';
import type { MimeStructure, MimeLeaf } from './mime-structure.ts';
import type { MimeAttachment, ParsedMime } from './parse-mime.ts';
import { headerValues, parseHeaderFields } from './raw-headers.ts';

/** The charsets mailparser leaves to Buffer's UTF-8 decoding (its own normalisation). */
const UTF8_CHARSETS = new Set(['ascii', 'usascii', 'utf8']);
const TEXT_TYPES = new Set(['text/plain', 'text/html']);
/** Clean base64: whole quartets of the alphabet on lines, padding only at the very end. */
const CLEAN_BASE64 = /^[A-Za-z0-9+/\r\n]*(?:[A-Za-z0-9+/]={0,2})?[\r\n]*$/;
const PLAIN_VALUE = /^[\t\x20-\x7e]*$/;

interface Leaf {
  readonly contentType: string;
  readonly encoding: string;
  readonly isAttachment: boolean;
  readonly filename: string | undefined;
  readonly cid: string | undefined;
  readonly source: MimeLeaf;
}

/** A header value is single: a second Content-Type, say, is read differently by different parsers. */
function single(fields: ReturnType<typeof parseHeaderFields>, name: string): string | undefined | null {
  const values = headerValues(fields, name);
  if (values.length > 1) return null;
  return values[0];
}

/** Reads a leaf's headers as mailsplit and mailparser do, or undefined when that is not plain. */
function readLeaf(source: MimeLeaf): Leaf | undefined {
  const fields = parseHeaderFields(source.headerLines.join('\r\n'));
  const contentTypeHeader = single(fields, 'Content-Type');
  const dispositionHeader = single(fields, 'Content-Disposition');
  const encodingHeader = single(fields, 'Content-Transfer-Encoding');
  const contentId = single(fields, 'Content-ID');
  if (
    contentTypeHeader === null ||
    dispositionHeader === null ||
    encodingHeader === null ||
    contentId === null
  ) {
    return undefined;
  }
  const raw = `${contentTypeHeader ?? ''}${dispositionHeader ?? ''}${contentId ?? ''}${encodingHeader ?? ''}`;
  // 8-bit bytes, encoded words, comments and escapes are left to the full parser
  if (!PLAIN_VALUE.test(raw) || /=\?|\(|\\/.test(raw) || contentId === '') return undefined;
  const disposition = libmime.parseHeaderValue(dispositionHeader ?? '');
  // without Content-Type mailsplit guesses from a file name; a plain part has none
  if (contentTypeHeader === undefined && disposition.params.filename !== undefined) return undefined;
  const type = libmime.parseHeaderValue(
    contentTypeHeader ??
      (/^attachment$/i.test(disposition.value) ? 'application/octet-stream' : 'text/plain'),
  );
  // mailsplit splits any part with a boundary parameter, whatever its type says
  if (type.params.boundary !== undefined) return undefined;
  const contentType = type.value.toLowerCase().trim();
  const encoding = (encodingHeader ?? '').toLowerCase().trim();
  if (
    !contentType.includes('/') ||
    contentType.startsWith('message/') ||
    contentType.startsWith('multipart/')
  ) {
    return undefined;
  }
  if (!['', '7bit', '8bit', 'binary', 'base64', 'quoted-printable'].includes(encoding)) return undefined;
  const charset = (type.params.charset || 'utf-8').toLowerCase().replace(/[^a-z0-9]+/g, '');
  const format = (type.params.format ?? '').toLowerCase().trim();
  if (TEXT_TYPES.has(contentType) && (!UTF8_CHARSETS.has(charset) || format === 'flowed')) return undefined;

  const given = disposition.value.toLowerCase().trim();
  const text = TEXT_TYPES.has(contentType);
  const kind: 'inline' | 'attachment' =
    given !== '' ? (given === 'inline' ? 'inline' : 'attachment') : text ? 'inline' : 'attachment';
  const filename = disposition.params.filename || type.params.name || undefined;
  const cid = contentId?.trim().replace(/^<|>$/g, '').trim();
  return {
    contentType,
    encoding,
    isAttachment: !text || kind !== 'inline',
    filename,
    cid,
    source,
  };
}

/** The part's base64 without line breaks, or undefined unless it is clean (see CLEAN_BASE64). */
function cleanBase64(body: Buffer): string | undefined {
  const text = body.toString('latin1');
  if (!CLEAN_BASE64.test(text)) return undefined;
  const joined = text.replace(/[\r\n]+/g, '');
  return joined.length % 4 === 0 ? joined : undefined;
}

/** A body part's decoded bytes; an attachment's base64 is kept as it is, for the create JSON. */
function decodeBody(raw: Buffer, leaf: Leaf): AttachmentContent | undefined {
  const body = raw.subarray(leaf.source.bodyStart, leaf.source.bodyEnd);
  if (leaf.encoding === 'base64') {
    const base64 = cleanBase64(body);
    return base64 === undefined ? undefined : base64Content(base64);
  }
  if (leaf.encoding === 'quoted-printable')
    return bytesContent(decodeQuotedPrintable(body.toString('latin1')));
  return bytesContent(body);
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** Quoted-printable as libqp (mailparser's decoder) reads it, trailing whitespace and all. */
export function decodeQuotedPrintable(encoded: string): Buffer {
  const input = encoded
    .replace(/(^|[^ \t])[ \t]+(?=[\n\r\u2028\u2029]|$)/g, '$1')
    .replace(/[=](?:\r?\n|$)/g, '');
  const output = Buffer.allocUnsafe(input.length);
  let length = 0;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code === 0x3d && i < input.length - 2) {
      const hi = hexValue(input.charCodeAt(i + 1));
      const lo = hexValue(input.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        output[length++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    output[length++] = code;
  }
  return output.subarray(0, length);
}

/**
 * The text, HTML and attachments of a message the structure scan found plainly built, or undefined
 * when mailparser must read it.
 */
export function readPlainMime(raw: Uint8Array, structure: MimeStructure): ParsedMime | undefined {
  if (
    structure.irregular ||
    structure.unclosedBoundaries > 0 ||
    structure.missingBoundaries > 0 ||
    structure.headerTooLarge ||
    structure.leaves.length === 0 ||
    structure.leaves.length * 2 > MAX_MIME_PARTS
  ) {
    return undefined;
  }
  const leaves: Leaf[] = [];
  for (const source of structure.leaves) {
    const leaf = readLeaf(source);
    if (leaf === undefined) return undefined;
    leaves.push(leaf);
  }
  const hasText = leaves.some((leaf) => !leaf.isAttachment && leaf.contentType === 'text/plain');
  const hasHtml = leaves.some((leaf) => !leaf.isAttachment && leaf.contentType === 'text/html');
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const text: string[] = [];
  const html: string[] = [];
  const attachments: MimeAttachment[] = [];
  for (const leaf of leaves) {
    const content = decodeBody(buffer, leaf);
    if (content === undefined) return undefined;
    if (leaf.isAttachment) {
      let contentType = leaf.contentType;
      if (contentType === 'application/octet-stream' && leaf.filename !== undefined) {
        contentType = libmime.detectMimeType(leaf.filename) || 'application/octet-stream';
      }
      attachments.push({ contentType, content, filename: leaf.filename, cid: leaf.cid });
      continue;
    }
    const bytes = content.bytes();
    const decoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString()
      .replace(/\r?\n/g, '\n');
    if (decoded === '') continue;
    if (leaf.contentType === 'text/plain') {
      // mailparser would render this text into the HTML body: its own job
      if (!leaf.source.inAlternative && hasHtml) return undefined;
      text.push(decoded);
    } else {
      if ((!leaf.source.inAlternative && hasText) || (leaf.source.root && !hasText)) text.push('');
      html.push(decoded);
    }
  }
  return {
    text: text.length > 0 ? text.join('\n') : undefined,
    html: html.length > 0 ? html.join('<br/>\n') : undefined,
    attachments,
  };
}
