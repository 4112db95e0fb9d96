/** REST exports: ?fmt=ics (VCALENDAR of a folder or item) and ?fmt=vcf (vCard 3.0 regenerated from contact attrs). */
import ICAL from 'ical.js';

import type { Account, CalendarItem, ContactItem, Folder } from './model.ts';

const CRLF = '\r\n';

/**
 * `fmt=ics` of calendar items. Attachments (ATTACH) are written only when the request asks for them
 * with `icalAttach=inline` (base64, as Zimbra's calendar Attach.toZProperty writes them: VALUE=BINARY,
 * ENCODING=BASE64, FMTTYPE, X-APPLE-FILENAME); by default the export leaves them out (IcsFormatter,
 * `icalAttach` none|inline|url — a field report of appointment attachments lost in migrations).
 */
export function icsExport(
  account: Account,
  name: string,
  folderId: number,
  items: readonly CalendarItem[],
  attachInline = false,
): string {
  const zones = new Map<string, ICAL.Component>();
  for (const item of items) {
    for (const tz of item.timezones) zones.set(String(tz.getFirstPropertyValue('tzid')), tz);
  }
  const lines = [
    'BEGIN:VCALENDAR',
    `X-WR-CALNAME:${name}`,
    `X-WR-CALID:${account.id}:${folderId}`,
    'PRODID:Zimbra-Calendar-Provider',
    'VERSION:2.0',
    'METHOD:PUBLISH',
  ];
  const components = items.flatMap((item) => item.invites.map((i) => i.component));
  const body = [...zones.values(), ...components.map((c) => (attachInline ? c : withoutAttachments(c)))].map(
    (c) => c.toString().replace(/\r?\n/g, CRLF),
  );
  return [...lines, ...body, 'END:VCALENDAR'].join(CRLF) + CRLF;
}

function withoutAttachments(component: ICAL.Component): ICAL.Component {
  if (!component.hasProperty('attach')) return component;
  const copy = new ICAL.Component(structuredClone(component.jCal));
  copy.removeAllProperties('attach');
  return copy;
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
