/** What Zimbra indexes for a message at delivery: subject, fragment, addresses, dates and system flags. */
import { displayPart, parseAddressList, type ParsedAddress } from './addresses.ts';
import { decodeHeaderText, header, type MimePart, parseMime, partText, walkParts } from './mime.ts';

export interface MessageAddress {
  readonly type: 'f' | 't' | 'c' | 'b' | 'r' | 's' | 'n';
  readonly address: ParsedAddress;
}

export interface MessageSummary {
  readonly subject: string | undefined;
  readonly fragment: string;
  readonly addresses: readonly MessageAddress[];
  /** Date: header in epoch ms. */
  readonly sentDate: number | undefined;
  /** Date of the newest Received: header in epoch ms. */
  readonly receivedDate: number | undefined;
  readonly messageId: string | undefined;
  readonly inReplyTo: string | undefined;
  /** System flags Zimbra derives from the content: a (attachment), ! / ? (priority), v (invite). */
  readonly derivedFlags: string;
}

const FRAGMENT_LENGTH = 150;
const ADDRESS_HEADERS: readonly [MessageAddress['type'], string][] = [
  ['f', 'From'],
  ['s', 'Sender'],
  ['r', 'Reply-To'],
  ['t', 'To'],
  ['c', 'Cc'],
  ['b', 'Bcc'],
  ['n', 'Disposition-Notification-To'],
];

export function summarizeMessage(raw: Buffer): MessageSummary {
  const root = parseMime(raw);
  const subject = header(root, 'Subject');
  const addresses = ADDRESS_HEADERS.flatMap(([type, name]) =>
    parseAddressList(header(root, name)).map((address) => ({ type, address })),
  );
  const received = header(root, 'Received');
  const receivedDate = received ? parseDate(received.slice(received.lastIndexOf(';') + 1)) : undefined;
  return {
    subject: subject === undefined ? undefined : decodeHeaderText(subject),
    fragment: fragmentOf(raw, root),
    addresses,
    sentDate: parseDate(header(root, 'Date')),
    receivedDate,
    messageId: header(root, 'Message-ID')?.trim(),
    inReplyTo: header(root, 'In-Reply-To')?.trim(),
    derivedFlags: derivedFlags(root),
  };
}

function parseDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value.replace(/\([^)]*\)/g, '').trim());
  return Number.isFinite(ms) ? ms : undefined;
}

function derivedFlags(root: MimePart): string {
  let flags = '';
  let attachment = false;
  let invite = false;
  walkParts(root, (p) => {
    if (isAttachment(p)) attachment = true;
    if (p.contentType === 'text/calendar' && p.params['method']) invite = true;
  });
  if (attachment) flags += 'a';
  const priority =
    `${header(root, 'X-Priority') ?? ''} ${header(root, 'Importance') ?? ''} ${header(root, 'Priority') ?? ''}`.toLowerCase();
  if (/^\s*[12]\b|high|urgent/.test(priority)) flags += '!';
  else if (/^\s*[45]\b|\blow\b|non-urgent/.test(priority)) flags += '?';
  if (invite) flags += 'v';
  return flags;
}

export function isAttachment(part: MimePart): boolean {
  if (part.children.length > 0 || part.contentType.startsWith('multipart/')) return false;
  if (part.disposition === 'attachment') return true;
  if (part.filename !== undefined && part.disposition !== 'inline') return true;
  if (part.contentType === 'message/rfc822') return true;
  return !part.contentType.startsWith('text/') && part.disposition !== 'inline' && part.partId !== '1';
}

/** The part Zimbra shows as the body: text/plain preferred (or text/html when `preferHtml`). */
export function bodyPart(root: MimePart, preferHtml: boolean): MimePart | undefined {
  const wanted = preferHtml ? 'text/html' : 'text/plain';
  const other = preferHtml ? 'text/plain' : 'text/html';
  const pick = (part: MimePart): MimePart | undefined => {
    if (part.children.length === 0) {
      return (part.contentType === wanted || part.contentType === other) && !isAttachment(part)
        ? part
        : undefined;
    }
    if (part.contentType === 'message/rfc822') return undefined;
    if (part.contentType === 'multipart/alternative') {
      const candidates = part.children.map(pick).filter((p) => p !== undefined);
      return candidates.find((p) => p.contentType === wanted) ?? candidates[0];
    }
    for (const child of part.children) {
      const found = pick(child);
      if (found) return found;
    }
    return undefined;
  };
  return pick(root);
}

function fragmentOf(raw: Buffer, root: MimePart): string {
  const part = bodyPart(root, false);
  if (!part) return '';
  let text = partText(raw, part);
  if (part.contentType === 'text/html') text = htmlToText(text);
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return [...collapsed].slice(0, FRAGMENT_LENGTH).join('');
}

function htmlToText(html: string): string {
  return html
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

export function addressJson(entry: MessageAddress): Record<string, string> {
  const json: Record<string, string> = {
    t: entry.type,
    a: entry.address.address,
    d: displayPart(entry.address),
  };
  if (entry.address.personal) json['p'] = entry.address.personal;
  return json;
}
