/**
 * vCard writers for 2.1 (QUOTED-PRINTABLE, CHARSET), 3.0 (what Zimbra exports) and 4.0, plus
 * contact groups in the 3.0 (X-ADDRESSBOOKSERVER-*) and 4.0 (KIND:group) styles.
 */
import { contentLines, escapeText } from './ical-text.ts';
import { quotedPrintable } from './mime-encoding.ts';

export type VCardVersion = '2.1' | '3.0' | '4.0';
export type PhoneType = 'work' | 'home' | 'cell' | 'fax' | 'pager' | 'car' | 'main';

export interface Contact {
  readonly uid: string;
  readonly first: string;
  readonly last: string;
  readonly middle: string;
  readonly prefix: string;
  readonly nickname: string;
  readonly company: string;
  readonly department: string;
  readonly title: string;
  readonly emails: readonly { readonly type: 'work' | 'home' | 'other'; readonly value: string }[];
  readonly phones: readonly { readonly type: PhoneType; readonly value: string }[];
  readonly addresses: readonly {
    readonly type: 'work' | 'home' | 'other';
    readonly street: string;
    readonly city: string;
    readonly region: string;
    readonly postal: string;
    readonly country: string;
  }[];
  /** `YYYY-MM-DD`, or `--MM-DD` without a year. */
  readonly birthday: string | undefined;
  readonly anniversary: string | undefined;
  readonly url: string | undefined;
  readonly im: readonly string[];
  readonly note: string;
  readonly categories: readonly string[];
  readonly photo: Buffer | undefined;
  readonly revMs: number;
}

export interface ContactGroup {
  readonly uid: string;
  readonly name: string;
  readonly members: readonly string[];
}

const TEL_V3: Record<PhoneType, string> = {
  work: 'WORK,VOICE',
  home: 'HOME,VOICE',
  cell: 'CELL',
  fax: 'WORK,FAX',
  pager: 'PAGER',
  car: 'CAR',
  main: 'MAIN',
};

function structured(values: readonly string[]): string {
  return values.map(escapeText).join(';');
}

function fullName(c: Contact): string {
  return [c.prefix, c.first, c.middle, c.last].filter((p) => p !== '').join(' ');
}

function revStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

/** A 2.1 property: non-ASCII values as UTF-8 quoted-printable. */
function v21(name: string, value: string): string[] {
  if (/^[\x20-\x7e]*$/.test(value)) return [`${name}:${value}`];
  const qp = quotedPrintable(Buffer.from(value.replace(/\n/g, '\r\n'), 'utf8')).toString('latin1');
  const lines = qp.split('\r\n');
  // A 2.1 quoted-printable value continues with soft breaks (=) at the end of each line.
  return [
    `${name};CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:${lines.map((l, i) => (i < lines.length - 1 && !l.endsWith('=') ? `${l}=0D=0A=` : l)).join('\r\n')}`,
  ];
}

function card21(c: Contact): string {
  const lines = ['BEGIN:VCARD', 'VERSION:2.1'];
  lines.push(...v21('N', [c.last, c.first, c.middle, c.prefix, ''].join(';')), ...v21('FN', fullName(c)));
  lines.push(...v21('ORG', `${c.company};${c.department}`), ...v21('TITLE', c.title));
  for (const e of c.emails) lines.push(`EMAIL;INTERNET;${e.type.toUpperCase()}:${e.value}`);
  for (const p of c.phones) lines.push(`TEL;${TEL_V3[p.type].replace(',', ';')}:${p.value}`);
  for (const a of c.addresses)
    lines.push(
      ...v21(
        `ADR;${a.type.toUpperCase()}`,
        ['', '', a.street, a.city, a.region, a.postal, a.country].join(';'),
      ),
    );
  if (c.birthday !== undefined) lines.push(`BDAY:${c.birthday}`);
  if (c.note !== '') lines.push(...v21('NOTE', c.note));
  if (c.photo !== undefined) {
    const b64 = c.photo.toString('base64').match(/.{1,72}/g) ?? [];
    lines.push(`PHOTO;ENCODING=BASE64;TYPE=PNG:${b64.join('\r\n  ')}`, '');
  }
  lines.push(`REV:${revStamp(c.revMs)}`, 'END:VCARD');
  return `${lines.join('\r\n')}\r\n`;
}

function card3or4(c: Contact, version: '3.0' | '4.0'): string {
  const v4 = version === '4.0';
  const lines = ['BEGIN:VCARD', `VERSION:${version}`];
  if (v4) lines.push('KIND:individual');
  lines.push(`UID:${v4 ? `urn:uuid:${c.uid}` : c.uid}`);
  lines.push(`N:${structured([c.last, c.first, c.middle, c.prefix, ''])}`, `FN:${escapeText(fullName(c))}`);
  if (c.nickname !== '') lines.push(`NICKNAME:${escapeText(c.nickname)}`);
  lines.push(`ORG:${structured([c.company, c.department])}`, `TITLE:${escapeText(c.title)}`);
  for (const [i, e] of c.emails.entries()) {
    const pref = i === 0 ? (v4 ? ';PREF=1' : ',PREF') : '';
    lines.push(
      v4
        ? `EMAIL;TYPE=${e.type}${pref}:${e.value}`
        : `EMAIL;TYPE=INTERNET,${e.type.toUpperCase()}${pref}:${e.value}`,
    );
  }
  for (const p of c.phones) {
    lines.push(
      v4
        ? `TEL;VALUE=uri;TYPE="${TEL_V3[p.type].toLowerCase()}":tel:${p.value.replace(/ /g, '-')}`
        : `TEL;TYPE=${TEL_V3[p.type]}:${p.value}`,
    );
  }
  for (const a of c.addresses) {
    const type = v4 ? a.type : a.type.toUpperCase();
    lines.push(`ADR;TYPE=${type}:${structured(['', '', a.street, a.city, a.region, a.postal, a.country])}`);
  }
  if (c.birthday !== undefined)
    lines.push(`BDAY:${v4 ? c.birthday.replace(/-/g, '').replace(/^(?=\d{4}$)/, '--') : c.birthday}`);
  if (c.anniversary !== undefined)
    lines.push(
      `${v4 ? 'ANNIVERSARY' : 'X-ANNIVERSARY'}:${v4 ? c.anniversary.replace(/-/g, '') : c.anniversary}`,
    );
  if (c.url !== undefined) lines.push(`URL;TYPE=${v4 ? 'work' : 'WORK'}:${c.url}`);
  for (const im of c.im) {
    if (im.startsWith('aim:') && !v4) lines.push(`X-AIM:${im.slice(4)}`);
    else lines.push(`IMPP:${im}`);
  }
  if (c.note !== '') lines.push(`NOTE:${escapeText(c.note)}`);
  if (c.categories.length > 0) lines.push(`CATEGORIES:${c.categories.map(escapeText).join(',')}`);
  if (c.photo !== undefined) {
    lines.push(
      v4
        ? `PHOTO:data:image/png;base64,${c.photo.toString('base64')}`
        : `PHOTO;ENCODING=b;TYPE=PNG:${c.photo.toString('base64')}`,
    );
  }
  lines.push(`REV:${revStamp(c.revMs)}`, 'END:VCARD');
  return contentLines(lines);
}

export function writeCard(contact: Contact, version: VCardVersion): string {
  return version === '2.1' ? card21(contact) : card3or4(contact, version);
}

/** A contact group whose members are e-mail addresses of the account's contacts. */
export function writeGroup(group: ContactGroup, version: '3.0' | '4.0'): string {
  const lines = ['BEGIN:VCARD', `VERSION:${version}`];
  if (version === '4.0') {
    lines.push('KIND:group', `UID:urn:uuid:${group.uid}`, `FN:${escapeText(group.name)}`);
    for (const m of group.members) lines.push(`MEMBER:mailto:${m}`);
  } else {
    lines.push(
      'X-ADDRESSBOOKSERVER-KIND:group',
      `UID:${group.uid}`,
      `N:${escapeText(group.name)};;;;`,
      `FN:${escapeText(group.name)}`,
    );
    for (const m of group.members) lines.push(`X-ADDRESSBOOKSERVER-MEMBER:mailto:${m}`);
  }
  lines.push('END:VCARD');
  return contentLines(lines);
}
