/**
 * A Zimbra message (raw RFC 822 bytes + hit metadata) → the JSON body that creates it in Microsoft
 * 365 through Graph (microsoft-graph.md §5.2). Pure: no I/O, no clock; never throws for bad input.
 *
 * Where each Graph field comes from:
 * - subject, from, sender (Sender header, else From), to/cc/bcc/replyTo, internetMessageId: the
 *   top-level headers, read from the raw bytes (raw-headers.ts, message-headers.ts); addresses go
 *   through the recipient mapping.
 * - body: the HTML body when there is one, else the text body. A plainly built message is read
 *   straight from the structure scan (plain-mime.ts), any other by mailparser, which decodes legacy
 *   charsets; an undeclared one is guessed, C1 controls under a Latin-1 label are read as
 *   Windows-1252.
 * - attachments: every MIME attachment; inline images keep their Content-ID (attachments.ts).
 * - importance: Zimbra `!`/`?`, else Importance / X-Priority / X-MSMail-Priority / Priority.
 * - isRead: Zimbra `u` absent. flag: Zimbra `f` → flagged. categories: Zimbra tag names.
 * - singleValueExtendedProperties: message-properties.ts.
 *
 * Nothing is lost silently: a message whose text had to be altered beyond whitespace (control
 * characters removed, undecodable bytes, a guessed charset) also carries its original as
 * original.eml, like hostile MIME does.
 */
import { createHash } from 'node:crypto';
import type {
  ConversionWarning,
  ConvertedMessage,
  GraphMessageDraft,
  MessageConversionOptions,
  ZimbraMessageMeta,
} from '../domain/mail.ts';
import { bytesContent } from './attachment-content.ts';
import { attachmentCandidates, type AttachmentCandidate } from './attachments.ts';
import { CREATE_JSON_BUDGET_BYTES, MAX_ATTACHMENTS, MAX_HEADER_BYTES, MAX_MIME_PARTS } from './limits.ts';
import { readHeaderFacts, stripControlCharacters, type HeaderFacts } from './message-headers.ts';
import { messageProperties } from './message-properties.ts';
import { c1AsWindows1252, hasLossyCharacters, isLatin1Label } from './message-text.ts';
import { scanMimeStructure, type MimeStructure } from './mime-structure.ts';
import { UNREADABLE_SUBJECT, bodyMovedNote, originalAttachment, unreadableBody } from './original-message.ts';
import { parseMime, type ParsedMime } from './parse-mime.ts';
import { readPlainMime } from './plain-mime.ts';
import { headerValue, looksLikeMessageHeaders, readHeaderBlock, type HeaderBlock } from './raw-headers.ts';
import { jsonBytes, placeAttachments } from './request-budget.ts';
import { redecodeUnlabelledText } from './undeclared-charset.ts';
import { parseZimbraFlags } from './zimbra-flags.ts';

interface Content {
  readonly body: GraphMessageDraft['body'];
  readonly attachments: AttachmentCandidate[];
}

type Warn = (warning: ConversionWarning) => void;

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 200);
}

/** Parses the MIME body with mailparser; the top-level headers are read separately. */
function parseBody(raw: Uint8Array): Promise<ParsedMime> {
  return parseMime(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
    skipHtmlToText: true,
    skipTextLinks: true,
    checksumAlgo: false,
    maxChildNodes: MAX_MIME_PARTS,
    maxHeadSize: MAX_HEADER_BYTES,
  });
}

/** The reason a message cannot be parsed at all, or undefined when it can be tried. */
function unreadableReason(header: HeaderBlock, structure: MimeStructure): string | undefined {
  if (!looksLikeMessageHeaders(header.fields)) return 'it has no recognisable message headers';
  if (header.oversized) return `its header block is larger than ${MAX_HEADER_BYTES} bytes`;
  if (structure.tooDeep) return `its MIME parts are nested more than ${structure.depth - 1} levels deep`;
  if (structure.headerTooLarge) return `a MIME part has a header block larger than ${MAX_HEADER_BYTES} bytes`;
  return undefined;
}

function unreadableContent(raw: Uint8Array, reason: string): Content {
  const hasOriginal = raw.byteLength > 0;
  return {
    body: { contentType: 'text', content: unreadableBody(reason, hasOriginal) },
    attachments: hasOriginal ? [originalAttachment(raw)] : [],
  };
}

/**
 * The body text as the parser read it, repaired where its charset label is missing or wrong, and
 * whether what reaches Graph differs from the message beyond that (the original must be kept).
 */
function bodyText(
  raw: Uint8Array,
  header: HeaderBlock,
  parsedText: string,
  structure: MimeStructure,
  warn: Warn,
): { text: string; altered: boolean } {
  const guess = redecodeUnlabelledText(raw, header, parsedText);
  if (guess !== undefined) {
    warn({
      code: 'charset-guessed',
      message: `The message body is 8-bit text without a usable charset; it was read as ${guess.charset} and the original is attached as original.eml.`,
    });
  }
  let text = guess?.text ?? parsedText;
  // under these labels U+0080–U+009F are Windows-1252 bytes decoded the wrong way, not controls
  if (structure.textCharsets.every(isLatin1Label)) text = c1AsWindows1252(text);
  const lossy = hasLossyCharacters(text);
  if (lossy) {
    warn({
      code: 'text-altered',
      message:
        'The message body holds control characters or bytes its charset does not explain, which Microsoft 365 cannot store; ' +
        'they were removed and the original is attached as original.eml.',
    });
  }
  return { text: stripControlCharacters(text), altered: guess !== undefined || lossy };
}

/** Body and attachments of a message the parser could read. */
function readableContent(
  raw: Uint8Array,
  header: HeaderBlock,
  parsed: ParsedMime,
  structure: MimeStructure,
  headerAltered: boolean,
  warn: Warn,
): Content {
  const html = typeof parsed.html === 'string' && parsed.html.trim() !== '' ? parsed.html : undefined;
  const { text, altered } = bodyText(raw, header, html ?? parsed.text ?? '', structure, warn);
  const body: GraphMessageDraft['body'] = {
    contentType: html === undefined ? 'text' : 'html',
    content: text,
  };
  let attachments = attachmentCandidates(parsed.attachments, html);
  let keepOriginal = headerAltered || altered;
  if (structure.unclosedBoundaries > 0 || structure.missingBoundaries > 0) {
    keepOriginal = true;
    warn({
      code: 'mime-structure-repaired',
      message:
        'The message is truncated or its MIME structure is broken (a multipart is never closed or has no boundary); ' +
        'what could be read was imported and the original is attached as original.eml.',
    });
  }
  if (attachments.length > MAX_ATTACHMENTS) {
    keepOriginal = true;
    warn({
      code: 'too-many-attachments',
      message: `The message has ${attachments.length} attachments; the first ${MAX_ATTACHMENTS} were imported and the original is attached as original.eml.`,
    });
    attachments = attachments.slice(0, MAX_ATTACHMENTS);
  }
  if (keepOriginal) attachments.push(originalAttachment(raw));
  return { body, attachments };
}

function sha256(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}

function buildDraft(
  meta: ZimbraMessageMeta,
  facts: HeaderFacts,
  header: HeaderBlock,
  content: Content,
  options: MessageConversionOptions,
  subject: string,
  warn: Warn,
): Omit<GraphMessageDraft, 'attachments'> {
  const flags = parseZimbraFlags(meta.flags);
  const usableHeaders = looksLikeMessageHeaders(header.fields);
  const importance = flags.highPriority ? 'high' : flags.lowPriority ? 'low' : (facts.importance ?? 'normal');
  const categories = [...new Set(meta.tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))];
  return {
    subject,
    body: content.body,
    ...(facts.from === undefined ? {} : { from: facts.from }),
    ...(facts.sender === undefined ? {} : { sender: facts.sender }),
    toRecipients: facts.to,
    ccRecipients: facts.cc,
    bccRecipients: facts.bcc,
    replyTo: facts.replyTo,
    ...(facts.messageId === undefined ? {} : { internetMessageId: facts.messageId }),
    importance,
    isRead: flags.read,
    categories,
    flag: { flagStatus: flags.flagged ? 'flagged' : 'notFlagged' },
    singleValueExtendedProperties: messageProperties(
      {
        flags,
        receivedMs: meta.receivedMs,
        dateMs: facts.dateMs,
        hasDateHeader: headerValue(header.fields, 'Date') !== undefined,
        transportHeaders: usableHeaders ? header.text : '',
        inReplyTo: facts.inReplyTo,
        references: facts.references,
        stamp: options.stamp,
      },
      warn,
    ),
  };
}

/** Moves a body too large for the create request into an attachment. */
function moveBodyToAttachment(content: Content, warn: Warn): Content {
  const html = content.body.contentType === 'html';
  const name = html ? 'message-body.html' : 'message-body.txt';
  warn({
    code: 'body-moved-to-attachment',
    message: `The message body is too large for one Graph request; it was attached as ${name}.`,
  });
  const bytes = bytesContent(Buffer.from(content.body.content, 'utf8'));
  const contentType = html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8';
  return {
    body: { contentType: 'text', content: bodyMovedNote(name) },
    attachments: [{ name, contentType, content: bytes, isInline: false }, ...content.attachments],
  };
}

/**
 * Converts one message. The returned `message` is the create JSON (always under the request limit);
 * `largeAttachments` must be added after the message exists; `warnings` go to the pass report.
 */
export async function convertMimeToGraphMessage(
  raw: Uint8Array,
  meta: ZimbraMessageMeta,
  options: MessageConversionOptions = {},
): Promise<ConvertedMessage> {
  const warnings: ConversionWarning[] = [];
  const warn: Warn = (warning) => {
    if (!warnings.some((w) => w.code === warning.code && w.message === warning.message)) {
      warnings.push(warning);
    }
  };
  if (meta.size !== raw.byteLength) {
    warn({
      code: 'size-mismatch',
      message: `Zimbra reported ${meta.size} bytes for this message but ${raw.byteLength} bytes were read.`,
    });
  }
  const header = readHeaderBlock(raw);
  if (header.notUtf8) {
    warn({
      code: 'header-not-utf8',
      message:
        'The message headers contain raw 8-bit text that is not UTF-8; they were read as Windows-1252 and the original is attached as original.eml.',
    });
  }
  const facts = readHeaderFacts(header.fields, options.recipientMapping ?? [], warn);
  const headerLossy = facts.textAltered || hasLossyCharacters(header.text);
  if (headerLossy) {
    warn({
      code: 'text-altered',
      message:
        'The message headers hold control characters or bytes their charset does not explain, which Microsoft 365 cannot store; ' +
        'they were removed and the original is attached as original.eml.',
    });
  }

  let content: Content;
  let readable = false;
  if (raw.byteLength === 0) {
    warn({
      code: 'empty-message',
      message: 'Zimbra returned an empty message; an explanatory message was imported.',
    });
    content = unreadableContent(raw, 'the message is empty');
  } else {
    const structure = scanMimeStructure(raw);
    let reason = unreadableReason(header, structure);
    if (reason === undefined) {
      try {
        const headerAltered = header.notUtf8 || headerLossy;
        const parsed = readPlainMime(raw, structure) ?? (await parseBody(raw));
        content = readableContent(raw, header, parsed, structure, headerAltered, warn);
        readable = true;
      } catch (error) {
        reason = `the MIME parser failed (${describeError(error)})`;
      }
    }
    if (reason !== undefined) {
      warn({
        code: reason.startsWith('its MIME parts are nested') ? 'mime-too-deep' : 'unreadable-mime',
        message: `The message could not be read because ${reason}; it was imported with the original attached as original.eml.`,
      });
      content = unreadableContent(raw, reason);
    }
  }
  content ??= unreadableContent(raw, 'of an internal error');

  const subject = facts.subject ?? (readable ? '' : UNREADABLE_SUBJECT);
  let draft = buildDraft(meta, facts, header, content, options, subject, warn);
  let draftBytes = jsonBytes(draft);
  if (draftBytes > CREATE_JSON_BUDGET_BYTES) {
    content = moveBodyToAttachment(content, warn);
    draft = { ...draft, body: content.body };
    draftBytes = jsonBytes(draft);
  }
  const placement = placeAttachments(draftBytes, content.attachments);
  return {
    message: { ...draft, attachments: placement.inJson },
    largeAttachments: placement.large,
    warnings,
    contentHash: sha256(raw),
  };
}
