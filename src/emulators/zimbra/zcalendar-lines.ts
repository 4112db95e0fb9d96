/**
 * Zimbra's iCalendar line writer (zm-mailbox common/src/java/com/zimbra/common/calendar/ZCalendar.java:
 * ZComponent / ZProperty / ZParameter `toICalendar`), written here so that the emulator's `fmt=ics`
 * does not share a serialiser — and its quirks — with the ical.js parser Ferry reads it with.
 */

export interface ZParameter {
  readonly name: string;
  readonly value: string;
}

export interface ZProperty {
  readonly name: string;
  readonly params: readonly ZParameter[];
  /** The value, escaped on output unless the property is one ZProperty writes raw. */
  readonly value: string;
  /** CATEGORIES and RESOURCES: each value escaped, joined with commas (ZCalendar.toCommaSepText). */
  readonly list?: readonly string[];
}

export interface ZComponent {
  readonly name: string;
  readonly props: ZProperty[];
  readonly comps: ZComponent[];
}

export const CRLF = '\r\n';

export const prop = (name: string, value: string, params: readonly ZParameter[] = []): ZProperty => ({
  name,
  params,
  value,
});

export const param = (name: string, value: string): ZParameter => ({ name, value });

/** ZProperty.toICalendar: RRULE, EXRULE, RDATE, EXDATE and GEO are written without escaping. */
const RAW = new Set(['RRULE', 'EXRULE', 'RDATE', 'EXDATE', 'GEO']);

/** ZCalendar.escape: `\`, `,` and `;` get a backslash; CRLF, CR and LF become `\n`. Colons stay. */
export function escapeText(value: string): string {
  if (!/[,;\n\\]/.test(value)) return value;
  return value
    .replace(/([,;\\])/g, '\\$1')
    .replace(/\r\n/g, '\\n')
    .replace(/[\r\n]/g, '\\n');
}

/**
 * ZParameter.quote: DQUOTE becomes `'`, control characters `?`; the value is quoted when it contains
 * `,` `:` `;` or any non-ASCII character (bug 12008, for Outlook), when it already was, or when
 * `force` — TZID parameters, because localconfig calendar_entourage_compatible_timezones defaults
 * to true (LC.java) — and an empty value is written `""` (bug 4941).
 */
export function quoteParam(raw: string, force: boolean): string {
  if (raw === '') return '""';
  let quoted = force;
  let body = raw;
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    quoted = true;
    body = raw.slice(1, -1);
  }
  let out = '';
  for (const ch of body) {
    const code = ch.charCodeAt(0);
    if (code >= 0x80 || ch === ',' || ch === ':' || ch === ';') {
      quoted = true;
      out += ch;
    } else if (ch === '"') out += "'";
    else if ((code < 0x20 && code !== 0x09) || code === 0x7f) out += '?';
    else out += ch;
  }
  return quoted ? `"${out}"` : out;
}

/** ZProperty.sanitize: control characters but TAB (newlines were escaped before) become `?`. */
// eslint-disable-next-line no-control-regex -- the control characters are what is replaced
const sanitize = (line: string): string => line.replace(/[\x00-\x08\x0A-\x1F\x7F]/g, '?');

/**
 * ZProperty.toICalendar's folding: every 76 UTF-16 code units, not 75 octets (RFC 5545 §3.1), so a
 * line with non-ASCII text is longer than 75 bytes and a surrogate pair can be cut in two. Java's
 * UTF-8 writer turns each half of a cut pair into `?`, which is what is written here too.
 */
export function foldZimbra(line: string): string {
  const CHARS_PER_FOLDED_LINE = 76;
  const segments: string[] = [];
  for (let i = 0; i < line.length; i += CHARS_PER_FOLDED_LINE) {
    segments.push(line.slice(i, i + CHARS_PER_FOLDED_LINE).replace(/[\uD800-\uDFFF]/g, lonelyToQuestion));
  }
  return segments.join(`${CRLF} `);
}

function lonelyToQuestion(ch: string, offset: number, segment: string): string {
  const code = ch.charCodeAt(0);
  const next = segment.charCodeAt(offset + 1);
  const prev = segment.charCodeAt(offset - 1);
  if (code <= 0xdbff) return next >= 0xdc00 && next <= 0xdfff ? ch : '?';
  return prev >= 0xd800 && prev <= 0xdbff ? ch : '?';
}

export function writeProperty(p: ZProperty): string {
  let line = p.name;
  for (const parameter of p.params) {
    line += `;${parameter.name}=${quoteParam(parameter.value, parameter.name === 'TZID')}`;
  }
  line += ':';
  if (p.list !== undefined) line += p.list.map(escapeText).join(',');
  else line += RAW.has(p.name) ? p.value : escapeText(p.value);
  return foldZimbra(sanitize(line)) + CRLF;
}

/** ZComponent.toICalendar: BEGIN, every property, then the sub-components, END. */
export function writeComponent(c: ZComponent): string {
  return (
    `BEGIN:${c.name}${CRLF}` +
    c.props.map(writeProperty).join('') +
    c.comps.map(writeComponent).join('') +
    `END:${c.name}${CRLF}`
  );
}
