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
  /** Rules that already shaped this expectation (see Rule). */
  readonly rules: readonly ('control-characters' | 'sent-from-received' | 'byte-order-mark')[];
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const toSecond = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString();

/**
 * Whitespace runs to one space, trimmed, control characters (C0 but tab/CR/LF, DEL, C1) removed:
 * Exchange's XML cannot hold the C0 ones and Ferry drops them all (a documented rule, not a loss
 * of text).
 */
const CONTROL = /[^\P{Cc}\t\n\r]/u;

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
  const html = typeof parsed.html === 'string' && parsed.html.trim() !== '' ? parsed.html : undefined;
  const rules: Expected['rules'][number][] = [];
  if (bom) rules.push('byte-order-mark');
  if (!Number.isFinite(dateMs)) rules.push('sent-from-received');
  if (CONTROL.test(`${parsed.subject ?? ''}${html ?? parsed.text ?? ''}`)) rules.push('control-characters');
  return {
    rules,
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
        ? { kind: 'text', text: squash(parsed.text ?? '') }
        : { kind: 'html', text: await htmlText(html) },
    attachments: parsed.attachments.map((a) => ({
      name: a.filename === undefined || a.filename.trim() === '' ? undefined : a.filename,
      contentType: a.contentType,
      sha256: sha256(a.content),
    })),
    sourceSha256: sha256(raw),
  };
}
