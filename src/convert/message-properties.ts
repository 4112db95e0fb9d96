/**
 * The MAPI extended properties of an imported message: draft/read state, dates, original headers,
 * threading, replied/forwarded state and Ferry's idempotency stamp (microsoft-graph.md §5.2, §6).
 */
import type { ConversionWarning, GraphExtendedProperty, MessageConversionOptions } from '../domain/mail.ts';
import {
  ICON_INDEX,
  LAST_VERB,
  PROPERTY_IDS,
  formatSystemTime,
  isValidSystemTime,
  nonDraftMessageFlags,
  property,
} from './extended-properties.ts';
import { MAX_TRANSPORT_HEADERS_CHARS } from './limits.ts';
import { stripControlCharacters } from './message-headers.ts';
import type { ZimbraFlags } from './zimbra-flags.ts';

export interface PropertyInputs {
  readonly flags: ZimbraFlags;
  /** Zimbra's received date (`d`), epoch ms. */
  readonly receivedMs: number;
  /** The Date header, epoch ms, when readable. */
  readonly dateMs: number | undefined;
  /** Whether the message had a Date header at all (readable or not). */
  readonly hasDateHeader: boolean;
  /** The original header block, CRLF line endings; empty when there is none worth keeping. */
  readonly transportHeaders: string;
  readonly inReplyTo: string | undefined;
  readonly references: readonly string[];
  readonly stamp: MessageConversionOptions['stamp'];
}

/** Cuts the header block at a line end so it stays within MAX_TRANSPORT_HEADERS_CHARS. */
function limitTransportHeaders(text: string): { text: string; truncated: boolean } {
  const cleaned = stripControlCharacters(text);
  if (cleaned.length <= MAX_TRANSPORT_HEADERS_CHARS) return { text: cleaned, truncated: false };
  const cut = cleaned.lastIndexOf('\r\n', MAX_TRANSPORT_HEADERS_CHARS - 2);
  return { text: cleaned.slice(0, cut < 0 ? MAX_TRANSPORT_HEADERS_CHARS : cut + 2), truncated: true };
}

/**
 * Builds the properties.
 * - 0x0E07: left out for a Zimbra draft (`d`), which Graph then creates as a draft; otherwise READ
 *   or (unread) SUBMIT, never UNSENT.
 * - 0x0E06 delivery ← Zimbra `d`, else the Date header. 0x0039 submit ← Date header, else Zimbra `d`.
 * - 0x007D ← the original header block. 0x1042/0x1039 ← In-Reply-To/References (Graph refuses
 *   those as internetMessageHeaders, which take only `x-` names).
 * - 0x1081/0x1080 ← `r` (reply, 102/261) or else `w` (forward, 104/262): Outlook shows one verb and
 *   Zimbra does not say which came last, so a reply wins. Not set on drafts.
 */
export function messageProperties(
  inputs: PropertyInputs,
  warn: (warning: ConversionWarning) => void,
): GraphExtendedProperty[] {
  const properties: GraphExtendedProperty[] = [];
  const { flags } = inputs;
  if (!flags.draft) properties.push(property(PROPERTY_IDS.messageFlags, nonDraftMessageFlags(flags.read)));

  const received = isValidSystemTime(inputs.receivedMs) ? inputs.receivedMs : undefined;
  const sent = inputs.dateMs !== undefined && isValidSystemTime(inputs.dateMs) ? inputs.dateMs : undefined;
  if (inputs.hasDateHeader && sent === undefined) {
    warn({
      code: 'invalid-date',
      message: 'The Date header could not be read; the sent date is taken from the received date.',
    });
  }
  const delivery = received ?? sent;
  const submit = sent ?? received;
  if (delivery === undefined || submit === undefined) {
    warn({
      code: 'missing-date',
      message:
        'The message has neither a usable received date nor a Date header; Microsoft 365 will date it at import.',
    });
  }
  if (delivery !== undefined) {
    properties.push(property(PROPERTY_IDS.deliveryTime, formatSystemTime(delivery)));
  }
  if (submit !== undefined) properties.push(property(PROPERTY_IDS.submitTime, formatSystemTime(submit)));

  if (inputs.transportHeaders !== '') {
    const { text, truncated } = limitTransportHeaders(inputs.transportHeaders);
    if (truncated) {
      warn({
        code: 'transport-headers-truncated',
        message: `The original headers exceed ${MAX_TRANSPORT_HEADERS_CHARS} characters; only the first part is kept in the message details.`,
      });
    }
    properties.push(property(PROPERTY_IDS.transportHeaders, text));
  }

  if (inputs.inReplyTo !== undefined) properties.push(property(PROPERTY_IDS.inReplyTo, inputs.inReplyTo));
  if (inputs.references.length > 0) {
    properties.push(property(PROPERTY_IDS.references, inputs.references.join(' ')));
  }

  if (!flags.draft && (flags.replied || flags.forwarded)) {
    const verb = flags.replied ? LAST_VERB.replyToSender : LAST_VERB.forward;
    const icon = flags.replied ? ICON_INDEX.replied : ICON_INDEX.forwarded;
    properties.push(property(PROPERTY_IDS.lastVerbExecuted, verb), property(PROPERTY_IDS.iconIndex, icon));
  }

  if (inputs.stamp !== undefined) properties.push(property(inputs.stamp.propertyId, inputs.stamp.value));
  return properties;
}
