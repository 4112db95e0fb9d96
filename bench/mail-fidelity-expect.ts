/**
 * What a source message should become, read from its raw bytes by mailparser and from what the
 * emulated Zimbra says about it (folder, flags, tags, received date) — never through Ferry's
 * converter, so that a fault there cannot hide itself in the expectation.
 */
import { createHash } from 'node:crypto';

import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail } from 'mailparser';

export interface ExpectedAddress {
  readonly address: string;
  readonly name: string;
}

export interface ExpectedAttachment {
  /** The file name the message gives; undefined when it gives none (Ferry must make one up). */
  readonly name: string | undefined;
  readonly contentType: string;
  readonly sha256: string;
}

export interface ZimbraFacts {
  readonly flags: string;
  readonly tags: readonly string[];
  /** Zimbra's received date `d` in epoch ms (see receivedDefinition in mail-fidelity.ts). */
  readonly receivedMs: number;
}

export interface Expected {
  readonly subject: string;
  readonly from: ExpectedAddress[];
  readonly to: ExpectedAddress[];
  readonly cc: ExpectedAddress[];
  readonly bcc: ExpectedAddress[];
  readonly replyTo: ExpectedAddress[];
  /** ISO to the second: the Date header read as mailparser reads it, else Zimbra's received date. */
  readonly sent: string;
  readonly received: string;
  readonly isRead: boolean;
  readonly flagged: boolean;
  readonly importance: 'low' | 'normal' | 'high';
  readonly categories: readonly string[];
  readonly body: { readonly kind: 'html' | 'text'; readonly text: string };
  readonly attachments: ExpectedAttachment[];
  readonly sourceSha256: string;
  /**
   * Whether Ferry must attach the source as original.eml because the text it imports cannot be the
   * whole message: control characters or U+FFFD (bytes no charset explains) in the subject, an
   * address or the body, or raw header bytes that are control characters or not UTF-8.
   */
  readonly originalRequired: boolean;
  /**
   * For a body with bytes its declared charset does not explain: the body as mailparser reads it
   * when the message is labelled with each legacy charset in turn (Ferry may guess any of them),
   * squashed, without U+FFFD.
   */
  readonly bodyReadings: readonly string[];
  /** Rules that already shaped this expectation (see Rule). */
  readonly rules: readonly (
    'control-characters' | 'sent-from-received' | 'byte-order-mark' | 'c1-as-windows-1252'
  )[];
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const toSecond = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString();

/**
 * Whitespace runs to one space, trimmed, control characters (C0 but tab/CR/LF, DEL, C1) removed:
 * Exchange's XML cannot hold the C0 ones and Ferry drops them all (a documented rule, not a loss
 * of text).
 */
const CONTROL = /[^\P{Cc}\t\n\r]/u;
const LOSSY = /[^\P{Cc}\t\n\r]|\uFFFD/u;

/**
 * Charsets under which U+0080–U+009F in a single-part body are Windows-1252 bytes read the wrong
 * way (0x80 €, 0x93 “…): Ferry imports those characters, not controls.
 */
const LATIN1_LABELS = new Set([
  '',
  'us-ascii',
  'ascii',
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'latin-1',
  'l1',
  'cp819',
  'ibm819',
]);
const windows1252 = new TextDecoder('windows-1252');
const c1AsWindows1252 = (text: string) =>
  text.replace(/[\u0080-\u009F]/g, (c) => windows1252.decode(new Uint8Array([c.charCodeAt(0)])));

/** The legacy charsets a body without a usable label may be in (Ferry's guess is one of them). */
const LEGACY_CHARSETS = [
  'windows-1252',
  'big5',
  'gb18030',
  'shift_jis',
  'euc-jp',
  'euc-kr',
  'koi8-r',
  'windows-1251',
];

/** The top-level header block as text: UTF-8 when it is, else Latin-1; and whether it was. */
function headerBlock(raw: Buffer): { text: string; utf8: boolean } {
  const match = /\r?\n\r?\n/.exec(raw.toString('latin1'));
  const bytes = raw.subarray(0, match === null ? raw.length : match.index);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), utf8: true };
  } catch {
    return { text: bytes.toString('latin1'), utf8: false };
  }
}

/** The raw message with its top-level charset parameter set to `charset`. */
function relabelled(raw: Buffer, charset: string): Buffer {
  const text = raw.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text)?.index ?? text.length;
  const head = text.slice(0, end);
  const contentType = /^content-type[ \t]*:.*(?:\r?\n[ \t].*)*/im.exec(head);
  const newHead =
    contentType === null
      ? `${head}\r\nContent-Type: text/plain; charset=${charset}`
      : head.replace(
          contentType[0],
          /charset\s*=/i.test(contentType[0])
            ? contentType[0].replace(/charset\s*=\s*("[^"]*"|[^;\s]*)/i, `charset=${charset}`)
            : `${contentType[0]}; charset=${charset}`,
        );
  return Buffer.from(newHead + text.slice(end), 'latin1');
}

const readable = (text: string) => squash(text.replace(/\uFFFD/g, ''));

/** The body as mailparser reads the message relabelled with each legacy charset. */
async function bodyReadings(raw: Buffer): Promise<string[]> {
  const readings: string[] = [];
  for (const charset of LEGACY_CHARSETS) {
    const parsed = await simpleParser(relabelled(raw, charset), { keepCidLinks: true, skipTextLinks: true });
    const html = typeof parsed.html === 'string' && parsed.html.trim() !== '' ? parsed.html : undefined;
    readings.push(html === undefined ? readable(parsed.text ?? '') : readable(await htmlText(html)));
  }
  return readings;
}

export const squash = (text: string): string =>
  text.replace(new RegExp(CONTROL.source, 'gu'), '').replace(/\s+/g, ' ').trim();

/**
 * The visible text of an HTML document, through the html-to-text conversion mailparser applies to
 * an HTML-only message. Both sides of a comparison go through this same function, so its own
 * formatting choices cancel out.
 */
export async function htmlText(html: string): Promise<string> {
  const entity = `Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(html, 'utf8').toString('base64')}\r\n`;
  const parsed = await simpleParser(entity, { skipTextLinks: true });
  return squash(parsed.text ?? '');
}

function flatten(value: AddressObject | AddressObject[] | undefined): ExpectedAddress[] {
  if (value === undefined) return [];
  const entries: EmailAddress[] = (Array.isArray(value) ? value : [value]).flatMap((v) => v.value);
  const out: ExpectedAddress[] = [];
  const visit = (entry: EmailAddress) => {
    if (entry.group !== undefined) {
      entry.group.forEach(visit);
      return;
    }
    const address = (entry.address ?? '').trim();
    const name = squash(entry.name);
    if (address === '' && name === '') return;
    out.push({ address, name });
  };
  entries.forEach(visit);
  return out;
}

/** Every name and address of an entry and its group members, as mailparser decoded them. */
const addressText = (entry: EmailAddress): string =>
  [entry.name, entry.address ?? '', ...(entry.group ?? []).map(addressText)].join(' ');

/** The first raw value of a header, unfolded; undefined when absent. */
function rawHeader(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  if (line === undefined) return undefined;
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]/g, ' ')
    .trim();
}

/**
 * The importance a reader sees: Zimbra's own priority flag (`!` high, `?` low) when it set one,
 * otherwise what the headers say — Importance, then X-Priority (1–2 high, 4–5 low), then
 * X-MSMail-Priority, then Priority (urgent / non-urgent) — else normal.
 */
function importanceOf(parsed: ParsedMail, flags: string): Expected['importance'] {
  if (flags.includes('!')) return 'high';
  if (flags.includes('?')) return 'low';
  const word = (v: string | undefined) => {
    const w = v?.trim().toLowerCase();
    return w === 'high' || w === 'low' || w === 'normal' ? w : undefined;
  };
  const importance = word(rawHeader(parsed, 'Importance'));
  if (importance !== undefined) return importance;
  const x = /^\s*([1-5])/.exec(rawHeader(parsed, 'X-Priority') ?? '')?.[1];
  if (x !== undefined) return Number(x) < 3 ? 'high' : Number(x) > 3 ? 'low' : 'normal';
  const ms = word(rawHeader(parsed, 'X-MSMail-Priority'));
  if (ms !== undefined) return ms;
  const priority = rawHeader(parsed, 'Priority')?.trim().toLowerCase();
  return priority === 'urgent' ? 'high' : priority === 'non-urgent' ? 'low' : 'normal';
}

export async function expectedOf(raw: Buffer, zimbra: ZimbraFacts): Promise<Expected> {
  // A UTF-8 byte order mark (a file artefact no MTA sends) would make mailparser miss the first header.
  const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
  // keepCidLinks: Graph keeps cid: references; mailparser would otherwise inline them as data: URLs.
  const parsed = await simpleParser(bom ? raw.subarray(3) : raw, { keepCidLinks: true, skipTextLinks: true });
  const dateHeader = rawHeader(parsed, 'Date');
  const dateMs = dateHeader === undefined ? Number.NaN : new Date(dateHeader).getTime();
  const source = bom ? raw.subarray(3) : raw;
  const contentType = parsed.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  const singlePart = !(contentType?.value ?? '').toLowerCase().startsWith('multipart/');
  const latin1Label = LATIN1_LABELS.has((contentType?.params?.charset ?? '').trim().toLowerCase());
  let html = typeof parsed.html === 'string' && parsed.html.trim() !== '' ? parsed.html : undefined;
  let text = parsed.text ?? '';
  const rules: Expected['rules'][number][] = [];
  if (singlePart && latin1Label && /[\u0080-\u009F]/.test(html ?? text)) {
    rules.push('c1-as-windows-1252');
    html = html === undefined ? undefined : c1AsWindows1252(html);
    text = c1AsWindows1252(text);
  }
  if (bom) rules.push('byte-order-mark');
  if (!Number.isFinite(dateMs)) rules.push('sent-from-received');
  if (CONTROL.test(`${parsed.subject ?? ''}${html ?? text}`)) rules.push('control-characters');
  const addresses = [parsed.from, parsed.to, parsed.cc, parsed.bcc, parsed.replyTo]
    .flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? a : [a]))
    .flatMap((a) => a.value)
    .map(addressText)
    .join(' ');
  const header = headerBlock(source);
  const originalRequired =
    LOSSY.test(`${parsed.subject ?? ''}${addresses}${html ?? text}`) ||
    !header.utf8 ||
    CONTROL.test(header.text);
  return {
    rules,
    originalRequired,
    bodyReadings: (html ?? text).includes('\uFFFD') ? await bodyReadings(source) : [],
    subject: squash(parsed.subject ?? ''),
    from: flatten(parsed.from),
    to: flatten(parsed.to),
    cc: flatten(parsed.cc),
    bcc: flatten(parsed.bcc),
    replyTo: flatten(parsed.replyTo),
    sent: toSecond(Number.isFinite(dateMs) ? dateMs : zimbra.receivedMs),
    received: toSecond(zimbra.receivedMs),
    isRead: !zimbra.flags.includes('u'),
    flagged: zimbra.flags.includes('f'),
    importance: importanceOf(parsed, zimbra.flags),
    categories: [...zimbra.tags],
    body:
      html === undefined
        ? { kind: 'text', text: squash(text) }
        : { kind: 'html', text: await htmlText(html) },
    attachments: parsed.attachments.map((a) => ({
      name: a.filename === undefined || a.filename.trim() === '' ? undefined : a.filename,
      contentType: a.contentType,
      sha256: sha256(a.content),
    })),
    sourceSha256: sha256(raw),
  };
}
