/**
 * What a message becomes when its MIME cannot be converted faithfully: a short explanation as the
 * body and the raw message, byte for byte, attached as `original.eml`.
 */
import { bytesContent } from './attachment-content.ts';
import type { AttachmentCandidate } from './attachments.ts';

export const ORIGINAL_ATTACHMENT_NAME = 'original.eml';
export const UNREADABLE_SUBJECT = '(unreadable message)';

/** The raw message as an attachment; Outlook opens it as a message. */
export function originalAttachment(raw: Uint8Array): AttachmentCandidate {
  return {
    name: ORIGINAL_ATTACHMENT_NAME,
    contentType: 'message/rfc822',
    content: bytesContent(raw),
    isInline: false,
  };
}

/** The body of a message that could not be read: why, and where the original is. */
export function unreadableBody(reason: string, hasOriginal: boolean): string {
  const where = hasOriginal
    ? `The original message is attached unchanged as ${ORIGINAL_ATTACHMENT_NAME}; open it to read the message.`
    : 'The original message was empty.';
  return `Ferry could not convert this message from Zimbra: ${reason}.\r\n\r\n${where}\r\n`;
}

/** The body left in place when the real body is too large for the create request. */
export function bodyMovedNote(fileName: string): string {
  return `This message's body is too large to import as a body. It is attached as ${fileName}.\r\n`;
}
