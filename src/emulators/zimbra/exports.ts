/** REST exports: ?fmt=ics (VCALENDAR of a folder or item) and ?fmt=vcf (vCard 3.0 regenerated from contact attrs). */
import { allPrefs } from './handlers/prefs.ts';
import { itemComponents } from './invite-ics.ts';
import type { Account, CalendarItem, ContactItem, Folder } from './model.ts';
import { CRLF, prop, writeComponent, writeProperty } from './zcalendar-lines.ts';
import { customVTimezone, isKnownZone, wellKnownVTimezone } from './zimbra-vtimezone.ts';

/**
 * `fmt=ics` of calendar items, as zm-mailbox Mailbox.writeICalendarForCalendarItems writes it
 * (called by IcsFormatter): X-WR-CALNAME and X-WR-CALID only when the target is a folder (raw,
 * neither escaped nor folded), PRODID, VERSION, METHOD:PUBLISH, the VTIMEZONEs of every item, then
 * each item's components (invite-ics.ts). Attachments (ATTACH) are written only when the request
 * asks for them with `icalAttach=inline` (IcsFormatter.includeInlineAttaches; by default the export
 * leaves them out — a field report of appointment attachments lost in migrations).
 */
export function icsExport(
  account: Account,
  folder: { readonly name: string; readonly id: number } | undefined,
  items: readonly CalendarItem[],
  attachInline = false,
  now = Date.now(),
): string {
  const prefZone = allPrefs(account)['zimbraPrefTimeZoneId'];
  const localZone = typeof prefZone === 'string' && prefZone !== '' ? prefZone : 'UTC';
  const definedZone = (tzid: string, item: CalendarItem): boolean =>
    isKnownZone(tzid) || item.timezones.some((tz) => String(tz.getFirstPropertyValue('tzid')) === tzid);
  const zones = new Set<string>();
  const components = items.flatMap((item) =>
    itemComponents(item, { localZone, definedZone, attachInline }, zones),
  );
  const year = new Date(now).getUTCFullYear();
  const vtimezones = [...zones].map((tzid) => {
    if (isKnownZone(tzid)) return wellKnownVTimezone(tzid, year);
    const own = items
      .flatMap((item) => item.timezones)
      .find((tz) => String(tz.getFirstPropertyValue('tzid')) === tzid);
    return own
      ? customVTimezone(tzid, own)
      : { ...wellKnownVTimezone('UTC', year), props: [prop('TZID', tzid)] };
  });
  let out = `BEGIN:VCALENDAR${CRLF}`;
  if (folder) out += `X-WR-CALNAME:${folder.name}${CRLF}X-WR-CALID:${account.id}:${folder.id}${CRLF}`;
  out += writeProperty(prop('PRODID', 'Zimbra-Calendar-Provider'));
  out += writeProperty(prop('VERSION', '2.0'));
  out += writeProperty(prop('METHOD', 'PUBLISH'));
  out += vtimezones.map(writeComponent).join('');
  out += components.map(writeComponent).join('');
  return `${out}END:VCALENDAR${CRLF}`;
}

export function folderCalendarItems(account: Account, folder: Folder): CalendarItem[] {
  return [...account.mailbox.items.values()].filter(
    (i): i is CalendarItem => (i.kind === 'appointment' || i.kind === 'task') && i.folderId === folder.id,
  );
}

export function folderContacts(account: Account, folder: Folder): ContactItem[] {
  return [...account.mailbox.items.values()].filter(
    (i): i is ContactItem => i.kind === 'contact' && i.folderId === folder.id,
  );
}

function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');
}

function fold(line: string): string {
  const chars = [...line];
  const out: string[] = [];
  let current = '';
  for (const c of chars) {
    if (Buffer.byteLength(current + c) > 75) {
      out.push(current);
      current = ' ' + c;
    } else current += c;
  }
  out.push(current);
  return out.join(CRLF);
}

function values(contact: ContactItem, key: string): string[] {
  const v = contact.attrs[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function numbered(contact: ContactItem, base: string): string[] {
  const result: string[] = [];
  for (let n = 1; n < 100; n++) {
    const v = values(contact, n === 1 ? base : `${base}${n}`);
    if (v.length === 0 && n > 1) break;
    result.push(...v);
  }
  return result;
}

const PHONES: readonly [string, string][] = [
  ['workPhone', 'work'],
  ['homePhone', 'home'],
  ['mobilePhone', 'cell'],
  ['pager', 'pager'],
  ['carPhone', 'car'],
  ['workFax', 'work,fax'],
  ['homeFax', 'home,fax'],
  ['otherFax', 'fax'],
  ['otherPhone', 'other'],
];

export function vcardOf(contact: ContactItem): string {
  const one = (key: string): string => values(contact, key)[0] ?? '';
  const lines = ['BEGIN:VCARD', 'VERSION:3.0'];
  const fn = one('fullName') || contact.fileAsStr || one('email');
  lines.push(`FN:${escapeText(fn)}`);
  const n = ['lastName', 'firstName', 'middleName', 'namePrefix', 'nameSuffix'].map((k) =>
    escapeText(one(k)),
  );
  lines.push(`N:${n.join(';')}`);
  if (one('nickname')) lines.push(`NICKNAME:${escapeText(one('nickname'))}`);
  for (const email of numbered(contact, 'email')) lines.push(`EMAIL;TYPE=internet:${escapeText(email)}`);
  for (const [key, type] of PHONES) {
    for (const tel of numbered(contact, key)) lines.push(`TEL;TYPE=${type}:${escapeText(tel)}`);
  }
  for (const kind of ['work', 'home', 'other']) {
    const parts = ['Street', 'City', 'State', 'PostalCode', 'Country'].map((p) =>
      escapeText(one(`${kind}${p}`)),
    );
    if (parts.some(Boolean)) lines.push(`ADR;TYPE=${kind}:;;${parts.join(';')}`);
    for (const url of numbered(contact, `${kind}URL`)) lines.push(`URL;TYPE=${kind}:${url}`);
  }
  if (one('company') || one('department')) {
    lines.push(`ORG:${escapeText(one('company'))};${escapeText(one('department'))}`);
  }
  if (one('jobTitle')) lines.push(`TITLE:${escapeText(one('jobTitle'))}`);
  if (one('birthday')) lines.push(`BDAY;VALUE=date:${one('birthday')}`);
  if (one('anniversary')) lines.push(`X-ANNIVERSARY;VALUE=date:${one('anniversary')}`);
  if (one('notes')) lines.push(`NOTE:${escapeText(one('notes'))}`);
  if (one('type') === 'group') {
    lines.push('X-ADDRESSBOOKSERVER-KIND:group');
    for (const m of contact.members) {
      lines.push(`X-ADDRESSBOOKSERVER-MEMBER:${m.type === 'I' ? `mailto:${m.value}` : m.value}`);
    }
  }
  lines.push(`UID:${one('vcardUID') || contact.uuid}`);
  lines.push('END:VCARD');
  return lines.map(fold).join(CRLF) + CRLF;
}
