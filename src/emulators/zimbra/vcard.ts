/**
 * A tolerant vCard 2.1/3.0/4.0 reader producing Zimbra contact attributes (ContactConstants names).
 * Quoted-printable values with CHARSET parameters, bare 2.1 type parameters and broken lines are
 * accepted; nothing in a vCard makes loading fail.
 */
import { decodeBytes, decodeCharset } from './mime.ts';
import type { ContactAttrs, ContactPhoto } from './model.ts';

export interface VCardProperty {
  readonly name: string;
  readonly params: Readonly<Record<string, string[]>>;
  readonly value: string;
}

export interface ParsedContact {
  readonly attrs: ContactAttrs;
  readonly isGroup: boolean;
  /** Raw group member references (mailto:, urn:uuid:, plain addresses). */
  readonly memberRefs: readonly string[];
  readonly revMs: number | undefined;
  readonly photo: ContactPhoto | undefined;
}

export function parseVCards(bytes: Buffer): ParsedContact[] {
  const text = decodeBytes(bytes).replace(/^\uFEFF/, '');
  const cards: VCardProperty[][] = [];
  let current: VCardProperty[] | undefined;
  for (const line of unfold(text)) {
    const prop = parseLine(line);
    if (!prop) continue;
    if (prop.name === 'BEGIN' && prop.value.toUpperCase() === 'VCARD') current = [];
    else if (prop.name === 'END' && prop.value.toUpperCase() === 'VCARD') {
      if (current) cards.push(current);
      current = undefined;
    } else current?.push(prop);
  }
  return cards.map(toContact);
}

function unfold(text: string): string[] {
  const raw = text.split(/\r\n|\n|\r/);
  const lines: string[] = [];
  for (const line of raw) {
    const last = lines.length - 1;
    const prev = lines[last];
    if (prev !== undefined && /^[ \t]/.test(line)) lines[last] = prev + line.slice(1);
    else if (prev !== undefined && /QUOTED-PRINTABLE/i.test(prev.split(':')[0] ?? '') && prev.endsWith('=')) {
      lines[last] = prev.slice(0, -1) + line;
    } else lines.push(line);
  }
  return lines.filter((l) => l.trim() !== '');
}

function parseLine(line: string): VCardProperty | undefined {
  let colon = -1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) {
      colon = i;
      break;
    }
  }
  if (colon <= 0) return undefined;
  const [nameWithGroup = '', ...paramParts] = line.slice(0, colon).split(';');
  const name = (nameWithGroup.split('.').pop() ?? '').toUpperCase();
  const params: Record<string, string[]> = {};
  for (const part of paramParts) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? 'TYPE' : part.slice(0, eq).toUpperCase();
    const values = (eq < 0 ? part : part.slice(eq + 1)).split(',').map((v) => v.replace(/^"|"$/g, ''));
    const bare = eq < 0 && /^(QUOTED-PRINTABLE|BASE64|B|8BIT)$/i.test(part);
    const target = bare ? 'ENCODING' : key;
    params[target] = [...(params[target] ?? []), ...values];
  }
  let value = line.slice(colon + 1);
  const encoding = params['ENCODING']?.[0]?.toUpperCase();
  if (encoding === 'QUOTED-PRINTABLE') value = decodeQp(value, params['CHARSET']?.[0]);
  return { name, params, value };
}

function decodeQp(value: string, charset: string | undefined): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(value[i] ?? '', 'utf8'));
  }
  return decodeCharset(Buffer.from(bytes), charset);
}

/** Splits a structured value on unescaped `;` and unescapes each component. */
function components(value: string): string[] {
  return value.split(/(?<!\\);/).map(unescapeText);
}

function unescapeText(value: string): string {
  return value.replace(/\\([nN,;:\\])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c)).trim();
}

function types(prop: VCardProperty): string[] {
  return (prop.params['TYPE'] ?? []).map((t) => t.toLowerCase());
}

function phoneKey(prop: VCardProperty): string {
  const t = types(prop);
  if (t.includes('fax')) return t.includes('work') ? 'workFax' : t.includes('home') ? 'homeFax' : 'otherFax';
  if (t.includes('cell') || t.includes('mobile')) return 'mobilePhone';
  if (t.includes('pager')) return 'pager';
  if (t.includes('car')) return 'carPhone';
  if (t.includes('work')) return 'workPhone';
  if (t.includes('home')) return 'homePhone';
  return 'otherPhone';
}

function placeKind(prop: VCardProperty): 'work' | 'home' | 'other' {
  const t = types(prop);
  return t.includes('work') ? 'work' : t.includes('home') ? 'home' : 'other';
}

function normaliseDate(value: string): string {
  const v = value.trim();
  const full = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(v);
  if (full) return `${full[1]}-${full[2]}-${full[3]}`;
  const noYear = /^--(\d{2})-?(\d{2})/.exec(v);
  return noYear ? `--${noYear[1]}-${noYear[2]}` : v;
}

function toContact(props: VCardProperty[]): ParsedContact {
  const attrs: ContactAttrs = {};
  const add = (key: string, value: string): void => {
    if (value === '') return;
    const existing = attrs[key];
    attrs[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  };
  /** Numbered keys (email, email2, workPhone2 …) the way Zimbra stores repeated fields. */
  const addNumbered = (key: string, value: string): void => {
    if (value === '') return;
    let n = 1;
    while (attrs[n === 1 ? key : `${key}${n}`] !== undefined) n++;
    attrs[n === 1 ? key : `${key}${n}`] = value;
  };
  let isGroup = false;
  const memberRefs: string[] = [];
  let revMs: number | undefined;
  let photo: ContactPhoto | undefined;
  let im = 0;
  for (const prop of props) {
    const value = unescapeText(prop.value);
    switch (prop.name) {
      case 'FN':
        add('fullName', value);
        break;
      case 'N': {
        const [last = '', first = '', middle = '', prefix = '', suffix = ''] = components(prop.value);
        add('lastName', last);
        add('firstName', first);
        add('middleName', middle);
        add('namePrefix', prefix);
        add('nameSuffix', suffix);
        break;
      }
      case 'NICKNAME':
        add('nickname', value);
        break;
      case 'ORG': {
        const [company = '', department = ''] = components(prop.value);
        add('company', company);
        add('department', department);
        break;
      }
      case 'TITLE':
        add('jobTitle', value);
        break;
      case 'EMAIL':
        addNumbered('email', value.replace(/^mailto:/i, ''));
        break;
      case 'TEL':
        addNumbered(phoneKey(prop), value.replace(/^tel:/i, ''));
        break;
      case 'ADR': {
        const [, , street = '', city = '', state = '', postal = '', country = ''] = components(prop.value);
        const kind = placeKind(prop);
        add(`${kind}Street`, street);
        add(`${kind}City`, city);
        add(`${kind}State`, state);
        add(`${kind}PostalCode`, postal);
        add(`${kind}Country`, country);
        break;
      }
      case 'URL':
        addNumbered(`${placeKind(prop)}URL`, value);
        break;
      case 'BDAY':
        add('birthday', normaliseDate(value));
        break;
      case 'ANNIVERSARY':
      case 'X-ANNIVERSARY':
      case 'X-MS-ANNIVERSARY':
        add('anniversary', normaliseDate(value));
        break;
      case 'NOTE':
        add('notes', value);
        break;
      case 'UID':
        add('vcardUID', value);
        break;
      case 'IMPP':
      case 'X-AIM':
      case 'X-JABBER':
      case 'X-SKYPE':
      case 'X-MSN':
      case 'X-YAHOO':
      case 'X-ICQ':
        im++;
        if (im <= 3) add(`imAddress${im}`, value);
        break;
      case 'KIND':
      case 'X-ADDRESSBOOKSERVER-KIND':
        if (value.toLowerCase() === 'group') isGroup = true;
        break;
      case 'MEMBER':
      case 'X-ADDRESSBOOKSERVER-MEMBER':
        memberRefs.push(value);
        break;
      case 'PHOTO':
        photo = parsePhoto(prop) ?? photo;
        break;
      case 'REV': {
        const ms = Date.parse(
          value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/, '$1-$2-$3T$4:$5:$6'),
        );
        if (Number.isFinite(ms)) revMs = ms;
        break;
      }
      default:
        break;
    }
  }
  if (isGroup) {
    attrs['type'] = 'group';
    const name = attrs['fullName'] ?? attrs['nickname'];
    if (typeof name === 'string') attrs['nickname'] = name;
  }
  return { attrs, isGroup, memberRefs, revMs, photo };
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
};

/**
 * An inline photo: vCard 4.0 `data:image/png;base64,…`, 3.0 `ENCODING=b;TYPE=JPEG`, 2.1
 * `ENCODING=BASE64;JPEG`. A photo given by URL is not the contact's data, so it is left out.
 */
function parsePhoto(prop: VCardProperty): ContactPhoto | undefined {
  const data = /^data:([^;,]+)(;base64)?,(.*)$/is.exec(prop.value);
  const encoding = prop.params['ENCODING']?.[0]?.toUpperCase();
  let contentType: string;
  let bytes: Buffer;
  if (data !== null) {
    contentType = (data[1] ?? 'image/jpeg').toLowerCase();
    bytes = data[2]
      ? Buffer.from(data[3] ?? '', 'base64')
      : Buffer.from(decodeURIComponent(data[3] ?? ''), 'latin1');
  } else if (encoding === 'B' || encoding === 'BASE64') {
    const type = [...types(prop), ...(prop.params['MEDIATYPE'] ?? [])].find(
      (t) => t.includes('/') || IMAGE_TYPES[t],
    );
    contentType = type === undefined ? 'image/jpeg' : (IMAGE_TYPES[type] ?? type);
    bytes = Buffer.from(prop.value.replace(/\s+/g, ''), 'base64');
  } else return undefined;
  if (bytes.length === 0) return undefined;
  const extension = contentType.split('/')[1] === 'jpeg' ? 'jpg' : (contentType.split('/')[1] ?? 'img');
  return { bytes, contentType, filename: `photo.${extension}` };
}

/** Zimbra's default "Last, First" file-as string (fileAs 1), falling back as the web client does. */
export function fileAsString(attrs: ContactAttrs): string {
  const s = (key: string): string => {
    const v = attrs[key];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
  if (s('type') === 'group') return s('nickname') || s('fullName');
  const last = s('lastName');
  const first = s('firstName');
  if (last && first) return `${last}, ${first}`;
  return last || first || s('fullName') || s('company') || s('email');
}
