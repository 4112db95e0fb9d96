import type { SourceContact } from '../domain/pim.ts';
import { children, child, integer, type JsonElement, text } from './json-element.ts';

type GroupMember = SourceContact['groupMembers'][number];

/** Zimbra's descriptor of a contact photo (`_attrs.image`, zimbra.md §6): a part of the contact's blob. */
export interface PhotoPart {
  readonly part: string;
  readonly contentType: string;
  /** Size Zimbra reports, when it does. */
  readonly size: number | undefined;
}

/**
 * The GetContactsRequest for one contact. `derefGroupMember` (8.0+, explicit ids only) nests the
 * contact or GAL entry behind each group member as `cn`, so members resolve without more requests.
 */
export function contactRequest(id: string): JsonElement {
  return { cn: { id }, derefGroupMember: 1 };
}

/** `_attrs` as the port carries them: strings and arrays of strings; attachment descriptors left out. */
export function contactAttrs(contact: JsonElement): Record<string, string | readonly string[]> {
  const attrs: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(attributes(contact))) {
    if (typeof value === 'string') attrs[name] = value;
    else if (Array.isArray(value)) {
      attrs[name] = value.flatMap((v) => (typeof v === 'string' ? [v] : []));
    }
  }
  return attrs;
}

export function photoPart(contact: JsonElement): PhotoPart | undefined {
  const image = attributes(contact).image;
  if (typeof image !== 'object' || image === null || Array.isArray(image)) return undefined;
  const descriptor = image as JsonElement;
  const part = text(descriptor, 'part');
  if (part === undefined) return undefined;
  return {
    part,
    contentType: text(descriptor, 'ct') ?? 'image/jpeg',
    size: integer(descriptor, 's'),
  };
}

/**
 * A group's members as addresses (zimbra.md §6): 8.0+ `m` elements — C a contact (here or in another
 * mailbox as `zid:id`), G a GAL entry, I an inline address — read from the dereferenced `cn` where
 * Zimbra nests one; pre-8.0 groups (and 8.x groups never converted) keep a comma-separated `dlist`.
 * A member that no longer resolves to an address (a deleted contact) is left out.
 */
export function groupMembers(contact: JsonElement): GroupMember[] {
  const members: GroupMember[] = [];
  for (const member of children(contact, 'm')) {
    const type = text(member, 'type');
    const value = text(member, 'value') ?? '';
    const target = child(member, 'cn');
    const resolved =
      target !== undefined
        ? fromContact(target)
        : type === 'I' || value.includes('@')
          ? parseAddress(value)
          : undefined;
    if (resolved !== undefined) members.push(resolved);
  }
  const dlist = attributes(contact).dlist;
  if (typeof dlist === 'string') {
    for (const entry of splitAddressList(dlist)) {
      const parsed = parseAddress(entry);
      if (parsed !== undefined) members.push(parsed);
    }
  }
  const seen = new Set<string>();
  return members.filter((m) => {
    const key = m.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function attributes(contact: JsonElement): Record<string, unknown> {
  const attrs = contact._attrs;
  return typeof attrs === 'object' && attrs !== null && !Array.isArray(attrs)
    ? (attrs as Record<string, unknown>)
    : {};
}

function first(attrs: Record<string, unknown>, name: string): string | undefined {
  const value = attrs[name];
  const one: unknown = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' && one.trim() !== '' ? one.trim() : undefined;
}

/** A dereferenced contact or GAL entry: its first e-mail address and the name it shows. */
function fromContact(contact: JsonElement): GroupMember | undefined {
  const attrs = attributes(contact);
  const address = ['email', 'email2', 'email3', 'workEmail1'].map((n) => first(attrs, n)).find(Boolean);
  if (address === undefined) return undefined;
  const personal = [first(attrs, 'firstName'), first(attrs, 'lastName')].filter(Boolean).join(' ');
  const name = first(attrs, 'fullName') ?? (personal === '' ? text(contact, 'fileAsStr') : personal);
  return { name: name === '' ? undefined : name, address };
}

/** `"Bob Smith" <bob@example.com>`, `Bob <bob@example.com>` or a bare address. */
export function parseAddress(value: string): GroupMember | undefined {
  const angle = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (angle !== null) {
    const name = (angle[1] ?? '')
      .replace(/^"(.*)"$/, '$1')
      .replace(/\\(["\\])/g, '$1')
      .trim();
    return { name: name === '' ? undefined : name, address: angle[2] ?? '' };
  }
  const bare = value.trim().replace(/^mailto:/i, '');
  return /^[^\s@<>",]+@[^\s@<>",]+$/.test(bare) ? { name: undefined, address: bare } : undefined;
}

/** Splits on commas that are outside quotes and angle brackets (names may contain commas). */
function splitAddressList(list: string): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i] ?? '';
    if (ch === '\\' && quoted) {
      current += ch + (list[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (ch === '<' && !quoted) angle = true;
    else if (ch === '>' && !quoted) angle = false;
    if (ch === ',' && !quoted && !angle) {
      entries.push(current);
      current = '';
    } else current += ch;
  }
  entries.push(current);
  return entries.map((e) => e.trim()).filter((e) => e !== '');
}
