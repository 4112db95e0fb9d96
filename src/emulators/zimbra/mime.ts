/**
 * A tolerant MIME structure parser working on the raw bytes, so parts keep their byte ranges and the
 * stored message is never rewritten. Part numbering follows Zimbra/IMAP: a multipart root is "TEXT",
 * its children "1", "2", nested "2.1"; a single-part message body is "1".
 */
import libmime from 'libmime';

export interface HeaderField {
  readonly name: string;
  /** Unfolded raw value (not RFC 2047 decoded). */
  readonly value: string;
}

export interface MimePart {
  readonly partId: string;
  readonly headers: readonly HeaderField[];
  readonly contentType: string;
  readonly params: Readonly<Record<string, string>>;
  readonly disposition: string | undefined;
  readonly filename: string | undefined;
  readonly transferEncoding: string;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly children: readonly MimePart[];
}

const MAX_DEPTH = 20;

export function parseMime(raw: Buffer): MimePart {
  const root = parseEntity(raw, 0, raw.length, 0, true);
  return renumber(root, root.contentType.startsWith('multipart/') ? 'TEXT' : '1');
}

export function header(part: { headers: readonly HeaderField[] }, name: string): string | undefined {
  const lower = name.toLowerCase();
  return part.headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

export function decodeHeaderText(value: string): string {
  try {
    return libmime.decodeWords(value).replace(/\s+/g, ' ').trim();
  } catch {
    return value.trim();
  }
}

/** Parses the header block at the start of raw[start, end) and returns the fields and body offset. */
function parseHeaderBlock(
  raw: Buffer,
  start: number,
  end: number,
): { fields: HeaderField[]; bodyStart: number } {
  let pos = start;
  const lines: string[] = [];
  while (pos < end) {
    let eol = raw.indexOf(0x0a, pos);
    if (eol < 0 || eol >= end) eol = end;
    const lineEnd = eol > pos && raw[eol - 1] === 0x0d ? eol - 1 : eol;
    const next = Math.min(eol + 1, end);
    if (lineEnd === pos) return { fields: foldFields(lines), bodyStart: next };
    lines.push(decodeBytes(raw.subarray(pos, lineEnd)));
    pos = next;
  }
  return { fields: foldFields(lines), bodyStart: end };
}

function foldFields(lines: string[]): HeaderField[] {
  const fields: { name: string; value: string }[] = [];
  for (const line of lines) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

function parseEntity(raw: Buffer, start: number, end: number, depth: number, root: boolean): MimePart {
  const { fields, bodyStart } = parseHeaderBlock(raw, start, end);
  const parsed = parseContentType(fields);
  const dispositionRaw = fields.find((f) => f.name.toLowerCase() === 'content-disposition')?.value;
  const disposition = dispositionRaw ? safeParse(dispositionRaw) : undefined;
  const filenameRaw = disposition?.params['filename'] ?? parsed.params['name'];
  const base = {
    partId: '',
    headers: fields,
    contentType: parsed.type,
    params: parsed.params,
    disposition: disposition?.value.toLowerCase() || undefined,
    filename: filenameRaw === undefined ? undefined : decodeHeaderText(filenameRaw),
    transferEncoding: (
      fields.find((f) => f.name.toLowerCase() === 'content-transfer-encoding')?.value ?? '7bit'
    )
      .trim()
      .toLowerCase(),
    bodyStart,
    bodyEnd: end,
  };
  const boundary = parsed.params['boundary'];
  if (parsed.type.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    const children = splitMultipart(raw, bodyStart, end, boundary).map(([s, e]) =>
      parseEntity(raw, s, e, depth + 1, false),
    );
    return { ...base, children };
  }
  if (parsed.type === 'message/rfc822' && depth < MAX_DEPTH && !root) {
    return { ...base, children: [parseEntity(raw, bodyStart, end, depth + 1, false)] };
  }
  return {
    ...base,
    contentType: parsed.type.startsWith('multipart/') ? 'text/plain' : parsed.type,
    children: [],
  };
}

/** Assigns Zimbra part ids: children of a multipart are numbered relative to it. */
function renumber(part: MimePart, id: string): MimePart {
  const prefix = id === 'TEXT' ? '' : id.endsWith('.TEXT') ? id.slice(0, -4) : `${id}.`;
  if (part.contentType === 'message/rfc822' && part.children[0]) {
    const inner = part.children[0];
    const innerId = inner.contentType.startsWith('multipart/') ? `${id}.TEXT` : `${id}.1`;
    return { ...part, partId: id, children: [renumber(inner, innerId)] };
  }
  if (!part.contentType.startsWith('multipart/')) return { ...part, partId: id };
  return { ...part, partId: id, children: part.children.map((c, i) => renumber(c, `${prefix}${i + 1}`)) };
}

function splitMultipart(raw: Buffer, start: number, end: number, boundary: string): [number, number][] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const ranges: [number, number][] = [];
  let partStart = -1;
  let pos = start;
  while (pos < end) {
    const hit = raw.indexOf(delimiter, pos);
    if (hit < 0 || hit >= end) break;
    const atLineStart = hit === start || raw[hit - 1] === 0x0a;
    if (!atLineStart) {
      pos = hit + delimiter.length;
      continue;
    }
    if (partStart >= 0) {
      let bodyEnd = hit - 1;
      if (bodyEnd > partStart && raw[bodyEnd - 1] === 0x0d) bodyEnd -= 1;
      ranges.push([partStart, Math.max(partStart, bodyEnd)]);
    }
    const closing = raw[hit + delimiter.length] === 0x2d && raw[hit + delimiter.length + 1] === 0x2d;
    if (closing) return ranges;
    const eol = raw.indexOf(0x0a, hit);
    partStart = eol < 0 || eol >= end ? end : eol + 1;
    pos = partStart;
  }
  if (partStart >= 0 && partStart < end) ranges.push([partStart, end]);
  return ranges;
}

function parseContentType(fields: readonly HeaderField[]): { type: string; params: Record<string, string> } {
  const value = fields.find((f) => f.name.toLowerCase() === 'content-type')?.value;
  if (!value) return { type: 'text/plain', params: {} };
  const parsed = safeParse(value);
  const type = parsed.value.toLowerCase();
  return { type: type.includes('/') ? type : 'text/plain', params: parsed.params };
}

function safeParse(value: string): { value: string; params: Record<string, string> } {
  try {
    const parsed = libmime.parseHeaderValue(value);
    const params: Record<string, string> = {};
    for (const [key, val] of Object.entries(parsed.params)) params[key.toLowerCase()] = String(val);
    return { value: parsed.value.trim(), params };
  } catch {
    return { value: value.split(';')[0]?.trim() ?? '', params: {} };
  }
}

/** Raw header bytes: UTF-8 when valid, otherwise Latin-1, so 8-bit headers never break parsing. */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}

/** Content-Transfer-Encoding decoded body bytes of a leaf part. */
export function partBytes(raw: Buffer, part: MimePart): Buffer {
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  if (part.transferEncoding === 'base64') {
    return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  }
  if (part.transferEncoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return Buffer.from(body);
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const hex = text.slice(i + 1, i + 3);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(c & 0xff);
    }
  }
  return Buffer.from(out);
}

/** A text part as a string, honouring its charset (unknown charsets fall back to UTF-8). */
export function partText(raw: Buffer, part: MimePart): string {
  return decodeCharset(partBytes(raw, part), part.params['charset']);
}

export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const label = (charset ?? 'utf-8').trim().toLowerCase() || 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export function walkParts(part: MimePart, visit: (p: MimePart) => void): void {
  visit(part);
  for (const child of part.children) walkParts(child, visit);
}
