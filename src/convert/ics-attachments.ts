/**
 * Takes the attachments out of a calendar item's iCalendar text before it is parsed: Zimbra writes
 * them inline when asked (`icalAttach=inline`) as
 * `ATTACH;VALUE=BINARY;ENCODING=BASE64;FMTTYPE=…;X-APPLE-FILENAME=…:<base64>` (zm-mailbox common
 * calendar/Attach.java), or as a URI. Binary ones become event attachments; a URI cannot be fetched
 * on the user's behalf and is reported. Removing them first keeps megabytes of base64 out of the
 * iCalendar parser and under its size limit.
 */
import type { LargeAttachment } from '../domain/mail.ts';

export interface IcsAttachments {
  /** The iCalendar text without ATTACH lines. */
  readonly ics: string;
  /** Binary attachments of the series or single event (the VEVENT without RECURRENCE-ID). */
  readonly attachments: readonly LargeAttachment[];
  /** What could not be carried over, for the item's report. */
  readonly leftOut: readonly string[];
}

/** A parameter value, unquoted; parameters are case-insensitive (RFC 5545 §3.2). */
function parameter(params: string, name: string): string | undefined {
  const match = new RegExp(`;${name}=("[^"]*"|[^;:]*)`, 'i').exec(params);
  return match?.[1]?.replace(/^"|"$/g, '');
}

/** Unfolds RFC 5545 content lines (CRLF or LF followed by a space or tab continues a line). */
function unfold(ics: string): string[] {
  return ics.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
}

export function extractIcsAttachments(ics: string): IcsAttachments {
  if (!/^ATTACH[;:]/im.test(ics)) return { ics, attachments: [], leftOut: [] };
  const kept: string[] = [];
  const attachments: LargeAttachment[] = [];
  const leftOut: string[] = [];
  let pending: { line: string }[] = [];
  let inEvent = false;
  let isException = false;
  const settle = () => {
    for (const { line } of pending) {
      const colon = line.indexOf(':');
      const params = line.slice('ATTACH'.length, colon);
      const value = line.slice(colon + 1);
      const name = parameter(params, 'X-APPLE-FILENAME') ?? parameter(params, 'X-FILENAME') ?? 'attachment';
      const binary = parameter(params, 'VALUE')?.toUpperCase() === 'BINARY';
      if (!binary) {
        leftOut.push(
          `a linked attachment (${value.slice(0, 200)}) could not be copied: open it from the link`,
        );
      } else if (isException) {
        leftOut.push(
          `"${name}" of a changed occurrence was not copied (Outlook keeps attachments per series)`,
        );
      } else {
        const bytes = Buffer.from(value, 'base64');
        attachments.push({
          name,
          contentType: parameter(params, 'FMTTYPE') ?? 'application/octet-stream',
          size: bytes.byteLength,
          isInline: false,
          bytes,
        });
      }
    }
    pending = [];
  };
  for (const line of unfold(ics)) {
    const upper = line.toUpperCase();
    if (upper === 'BEGIN:VEVENT' || upper === 'BEGIN:VTODO') {
      inEvent = true;
      isException = false;
    } else if (inEvent && upper.startsWith('RECURRENCE-ID')) {
      isException = true;
    } else if (inEvent && (upper === 'END:VEVENT' || upper === 'END:VTODO')) {
      settle();
      inEvent = false;
    }
    if (inEvent && /^ATTACH[;:]/i.test(line)) {
      pending.push({ line });
      continue;
    }
    kept.push(line);
  }
  settle();
  return { ics: kept.join('\r\n'), attachments, leftOut };
}
