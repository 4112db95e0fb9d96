/**
 * Members of a Zimbra contact group: the resolved members the source hands over (8.0+ `m`
 * elements), or the comma-separated `dlist` of pre-8.0 groups (zimbra.md §6).
 */
import { cleanLine } from './pim-text.ts';

export interface GroupMember {
  readonly name: string | undefined;
  readonly address: string;
}

/** Splits on commas outside quotes and angle brackets: `"Doe, Jo" <jo@x>, ann@y` → two entries. */
function splitAddressList(list: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const char of list) {
    if (char === '"') quoted = !quoted;
    else if (char === '<' && !quoted) angle = true;
    else if (char === '>' && !quoted) angle = false;
    if ((char === ',' || char === ';') && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** `"Name" <address>`, `Name <address>` or a bare address. */
export function parseMember(entry: string): GroupMember | undefined {
  const text = cleanLine(entry);
  const angled = /^(.*)<([^<>]*)>\s*$/.exec(text);
  const address = cleanLine(angled ? (angled[2] ?? '') : text);
  if (address === '') return undefined;
  const name = angled
    ? cleanLine((angled[1] ?? '').replace(/^\s*"(.*)"\s*$/, '$1').replace(/\\"/g, '"'))
    : '';
  return { name: name === '' ? undefined : name, address };
}

export interface GroupMembers {
  /** Members with an address, de-duplicated by address (case-insensitively), in order. */
  readonly members: GroupMember[];
  /** Names of members the source could not give an address for; kept in the notes. */
  readonly withoutAddress: string[];
}

export function groupMembers(
  resolved: readonly { readonly name: string | undefined; readonly address: string }[],
  dlist: readonly string[],
): GroupMembers {
  const fromList = dlist
    .flatMap(splitAddressList)
    .map(parseMember)
    .filter((m): m is GroupMember => m !== undefined);
  const cleaned = resolved.map((m) => ({
    name: m.name === undefined || cleanLine(m.name) === '' ? undefined : cleanLine(m.name),
    address: cleanLine(m.address),
  }));
  const seen = new Set<string>();
  const members = [...cleaned, ...fromList].filter((m) => {
    const key = m.address.toLowerCase();
    if (key === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const withoutAddress = cleaned
    .filter((m) => m.address === '' && m.name !== undefined)
    .map((m) => m.name ?? '');
  return { members, withoutAddress };
}

/** How a member reads in the notes: `Name <address>` or the address alone. */
export function memberLine(member: GroupMember): string {
  return member.name === undefined ? member.address : `${member.name} <${member.address}>`;
}
