/**
 * The Graph fields that come from a message's top-level headers: subject, addresses, message ids,
 * the Date header and importance.
 */
import type { Importance } from '@microsoft/microsoft-graph-types';
import libmime from 'libmime';
import { parseAddressHeader } from 'mailparser';
import type { ConversionWarning, GraphRecipient, RecipientMapping } from '../domain/mail.ts';
import { MAX_MESSAGE_ID_CHARS, MAX_REFERENCES } from './limits.ts';
import { hasLossyCharacters } from './message-text.ts';
import { headerValue, headerValues, type HeaderField } from './raw-headers.ts';

export interface HeaderFacts {
  readonly subject: string | undefined;
  readonly from: GraphRecipient | undefined;
  readonly sender: GraphRecipient | undefined;
  readonly to: GraphRecipient[];
  readonly cc: GraphRecipient[];
  readonly bcc: GraphRecipient[];
  readonly replyTo: GraphRecipient[];
  readonly messageId: string | undefined;
  readonly inReplyTo: string | undefined;
  readonly references: string[];
  /** Epoch ms of the Date header, when present and readable. */
  readonly dateMs: number | undefined;
  readonly importance: Importance | undefined;
  /**
   * True when the decoded subject or an address held characters that had to be removed (control
   * characters) or were already lost in decoding (U+FFFD).
   */
  readonly textAltered: boolean;
}

/**
 * Control characters other than tab, CR and LF (C0, DEL, C1): XML 1.0, which Exchange's protocols
 * carry, cannot hold the C0 ones, and none of them are text.
 */
const CONTROL_CHARACTERS = /[^\P{Cc}\t\n\r]/gu;

export function stripControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}

/** Decodes RFC 2047 encoded words; a broken word is kept as written. */
export function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

export function decodeSubject(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return stripControlCharacters(decodeWords(value))
    .replace(/[\r\n]+/g, ' ')
    .trim();
}

/** Applies the recipient mapping, in order, case-insensitively, to every occurrence. */
export function mapAddress(address: string, mapping: readonly RecipientMapping[]): string {
  let result = address;
  for (const { from, to } of mapping) {
    if (from === '') continue;
    const lower = from.toLowerCase();
    let index = result.toLowerCase().indexOf(lower);
    while (index >= 0) {
      result = result.slice(0, index) + to + result.slice(index + from.length);
      index = result.toLowerCase().indexOf(lower, index + to.length);
    }
  }
  return result;
}

type Warn = (warning: ConversionWarning) => void;

/** Notes decoded header text that will not reach Graph unchanged; returns the text. */
type Inspect = (decoded: string) => string;

/** Parses address headers (all occurrences), flattening groups and decoding names. */
function recipients(
  fields: readonly HeaderField[],
  name: string,
  mapping: readonly RecipientMapping[],
  warn: Warn,
  inspect: Inspect,
): GraphRecipient[] {
  const result: GraphRecipient[] = [];
  for (const value of headerValues(fields, name)) {
    let parsed: { name?: string; address?: string }[];
    try {
      parsed = parseAddressHeader(value, { flatten: true }).value;
    } catch {
      parsed = [{ name: value }];
    }
    for (const entry of parsed) {
      const display = stripControlCharacters(inspect(entry.name ?? '')).trim();
      let address = stripControlCharacters(inspect(entry.address ?? '')).trim();
      if (address === '' && display === '') continue;
      if (address === '' || !address.includes('@')) {
        // keep what the header said rather than lose a recipient; Graph stores it as written [U]
        warn({
          code: 'invalid-address',
          message: `The ${name} header holds "${address || display}", which is not an email address; it was kept as written.`,
        });
        address = address || display;
      }
      address = mapAddress(address, mapping);
      result.push({ emailAddress: display === '' ? { address } : { name: display, address } });
    }
  }
  return result;
}

/** Every `<id>` in a header; a bare id without brackets is accepted when it is the whole value. */
export function messageIds(value: string | undefined): string[] {
  if (value === undefined) return [];
  const ids = [...value.matchAll(/<([^<>\s]+)>/g)].map((match) => `<${match[1] ?? ''}>`);
  if (ids.length === 0) {
    const bare = value.trim();
    if (bare !== '' && !/[\s<>]/.test(bare)) ids.push(`<${bare}>`);
  }
  return ids.filter((id) => id.length <= MAX_MESSAGE_ID_CHARS && id.length > 2);
}

/** Date header → epoch ms; comments such as "(PST)" are dropped. undefined when unreadable. */
export function parseDateHeader(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const cleaned = value
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return undefined;
  const ms = Date.parse(cleaned);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Importance, X-Priority, X-MSMail-Priority, Priority — the first one present that says something. */
export function parseImportance(fields: readonly HeaderField[]): Importance | undefined {
  const importance = headerValue(fields, 'Importance')?.trim().toLowerCase();
  if (importance === 'high' || importance === 'low' || importance === 'normal') return importance;
  const xPriority = /^\s*([1-5])/.exec(headerValue(fields, 'X-Priority') ?? '')?.[1];
  if (xPriority !== undefined) return xPriority < '3' ? 'high' : xPriority > '3' ? 'low' : 'normal';
  const msMail = headerValue(fields, 'X-MSMail-Priority')?.trim().toLowerCase();
  if (msMail === 'high' || msMail === 'low' || msMail === 'normal') return msMail;
  const priority = headerValue(fields, 'Priority')?.trim().toLowerCase();
  if (priority === 'urgent') return 'high';
  if (priority === 'non-urgent') return 'low';
  if (priority === 'normal') return 'normal';
  return undefined;
}

export function readHeaderFacts(
  fields: readonly HeaderField[],
  mapping: readonly RecipientMapping[],
  warn: Warn,
): HeaderFacts {
  let textAltered = false;
  const inspect: Inspect = (decoded) => {
    if (hasLossyCharacters(decoded)) textAltered = true;
    return decoded;
  };
  const addresses = (name: string) => recipients(fields, name, mapping, warn, inspect);
  const rawSubject = headerValue(fields, 'Subject');
  if (rawSubject !== undefined) inspect(decodeWords(rawSubject));
  const rawMessageId = headerValue(fields, 'Message-ID');
  const messageId = messageIds(rawMessageId)[0];
  if (rawMessageId !== undefined && messageId === undefined) {
    warn({
      code: 'invalid-message-id',
      message: `The Message-ID "${rawMessageId.slice(0, 200)}" is not usable; the message was imported without one.`,
    });
  }
  const references = messageIds(headerValue(fields, 'References'));
  const keptReferences =
    references.length > MAX_REFERENCES
      ? [...references.slice(0, 1), ...references.slice(references.length - MAX_REFERENCES + 1)]
      : references;
  const from = addresses('From')[0];
  const sender = addresses('Sender')[0];
  const to = addresses('To');
  const cc = addresses('Cc');
  const bcc = addresses('Bcc');
  const replyTo = addresses('Reply-To');
  return {
    subject: decodeSubject(rawSubject),
    from,
    sender: sender ?? from,
    to,
    cc,
    bcc,
    replyTo,
    messageId,
    inReplyTo: messageIds(headerValue(fields, 'In-Reply-To'))[0],
    references: keptReferences,
    dateMs: parseDateHeader(headerValue(fields, 'Date')),
    importance: parseImportance(fields),
    textAltered,
  };
}
