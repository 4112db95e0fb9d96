/** RFC 5322 address-list parsing, tolerant of the malformed headers real mail carries. */
import { decodeHeaderText } from './mime.ts';

export interface ParsedAddress {
  readonly address: string;
  readonly personal: string | undefined;
}

export function parseAddressList(value: string | undefined): ParsedAddress[] {
  if (!value) return [];
  const result: ParsedAddress[] = [];
  for (const chunk of splitTopLevel(value)) {
    const parsed = parseOne(stripGroupName(chunk).replace(/;\s*$/, ''));
    if (parsed) result.push(parsed);
  }
  return result;
}

/** Drops the display name of RFC 5322 group syntax ("Team: a@x, b@y;") from the first member. */
function stripGroupName(chunk: string): string {
  if (chunk.includes('<') || chunk.includes('"')) return chunk;
  const colon = chunk.lastIndexOf(':');
  return colon >= 0 ? chunk.slice(colon + 1) : chunk;
}

function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? '';
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"' && comment === 0) quoted = !quoted;
    else if (!quoted && c === '(') comment++;
    else if (!quoted && c === ')' && comment > 0) comment--;
    else if (!quoted && comment === 0 && c === '<') angle++;
    else if (!quoted && comment === 0 && c === '>' && angle > 0) angle--;
    if (c === ',' && !quoted && angle === 0 && comment === 0) {
      if (current.trim()) parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function parseOne(text: string): ParsedAddress | undefined {
  const angle = /<([^>]*)>/.exec(text);
  if (angle) {
    const address = (angle[1] ?? '').trim();
    const personal = cleanPersonal(text.slice(0, angle.index) + text.slice(angle.index + angle[0].length));
    return address ? { address, personal } : undefined;
  }
  const comment = /\(([^)]*)\)/.exec(text);
  const address = text
    .replace(/\([^)]*\)/g, '')
    .trim()
    .replace(/^"|"$/g, '');
  if (!address) return undefined;
  return { address, personal: comment ? cleanPersonal(comment[1] ?? '') : undefined };
}

function cleanPersonal(text: string): string | undefined {
  const trimmed = text
    .trim()
    .replace(/^"(.*)"$/s, '$1')
    .replace(/\\(.)/g, '$1')
    .trim();
  if (!trimmed) return undefined;
  return decodeHeaderText(trimmed) || undefined;
}

/** Zimbra's short display name: the first name of the personal part ("Last, First" aware), else the local part. */
export function displayPart(addr: ParsedAddress): string {
  const personal = addr.personal;
  if (!personal) return addr.address.split('@')[0] ?? addr.address;
  const comma = personal.indexOf(',');
  const first = (comma > 0 ? personal.slice(comma + 1) : personal).trim().split(/\s+/)[0];
  return first || personal;
}
