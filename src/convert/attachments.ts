/**
 * MIME attachments → the attachments of a Graph message: names, content types, inline images.
 *
 * Attached messages (message/rfc822) become a file attachment `<subject>.eml` with content type
 * message/rfc822 and the embedded message's bytes unchanged. Graph can also take an itemAttachment
 * with an embedded `message`, but that would have to be rebuilt field by field (losing headers,
 * nested structure and signatures) and cannot exceed the 4 MB request; the .eml keeps everything
 * and Outlook opens it as a message.
 */
import libmime from 'libmime';
import type { AttachmentContent } from './attachment-content.ts';
import { MAX_ATTACHMENT_NAME_CHARS } from './limits.ts';
import { decodeSubject, stripControlCharacters } from './message-headers.ts';
import type { MimeAttachment } from './parse-mime.ts';
import { headerValue, readHeaderBlock } from './raw-headers.ts';

/** One attachment before it is placed in the create JSON or left for a separate upload. */
export interface AttachmentCandidate {
  readonly name: string;
  readonly contentType: string;
  readonly content: AttachmentContent;
  readonly isInline: boolean;
  readonly contentId?: string;
}

/** A file name safe for Graph: no path, no control characters, at most MAX_ATTACHMENT_NAME_CHARS. */
export function sanitizeFileName(name: string, fallback: string): string {
  const cleaned = stripControlCharacters(name)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\/]+/g, '_')
    .trim();
  const base = cleaned === '' || /^\.+$/.test(cleaned) ? fallback : cleaned;
  if (base.length <= MAX_ATTACHMENT_NAME_CHARS) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 && base.length - dot <= 16 ? base.slice(dot) : '';
  return base.slice(0, MAX_ATTACHMENT_NAME_CHARS - extension.length) + extension;
}

/** The subject of an attached message, read from its own header block. */
export function attachedMessageSubject(bytes: Uint8Array): string | undefined {
  const subject = decodeSubject(headerValue(readHeaderBlock(bytes).fields, 'Subject'));
  return subject === '' ? undefined : subject;
}

function extensionFor(contentType: string): string {
  let extension = 'bin';
  try {
    extension = libmime.detectExtension(contentType) || 'bin';
  } catch {
    // keep bin
  }
  return extension === 'bin' && contentType.startsWith('text/') ? 'txt' : extension;
}

/** Whether the HTML body refers to this Content-ID (`cid:` URLs may be percent-encoded). */
function referencedFrom(html: string | undefined, contentId: string): boolean {
  if (html === undefined || contentId === '') return false;
  const lower = html.toLowerCase();
  const id = contentId.toLowerCase();
  if (lower.includes(`cid:${id}`)) return true;
  try {
    return lower.includes(`cid:${encodeURIComponent(contentId).toLowerCase()}`);
  } catch {
    return false;
  }
}

/**
 * Turns the parser's attachments into candidates. An attachment is inline only when the HTML body
 * shows it through its `cid:`; an unreferenced part with a Content-ID stays a normal attachment so
 * Outlook lists it instead of hiding it.
 */
export function attachmentCandidates(
  attachments: readonly MimeAttachment[],
  html: string | undefined,
): AttachmentCandidate[] {
  return attachments.map((attachment, index) => {
    const contentType = (attachment.contentType || 'application/octet-stream').toLowerCase();
    const contentId = attachment.cid?.trim() ?? '';
    const isInline = referencedFrom(html, contentId);
    const number = index + 1;
    let name: string;
    if (contentType === 'message/rfc822') {
      const given = attachment.filename?.trim() ?? '';
      const fromSubject = attachedMessageSubject(attachment.content.bytes()) ?? 'attached message';
      const chosen = given === '' ? fromSubject : given;
      name = sanitizeFileName(/\.eml$/i.test(chosen) ? chosen : `${chosen}.eml`, `message-${number}.eml`);
    } else {
      const fallback = `${isInline ? 'image' : 'attachment'}-${number}.${extensionFor(contentType)}`;
      name = sanitizeFileName(attachment.filename ?? '', fallback);
    }
    const { content } = attachment;
    return contentId === ''
      ? { name, contentType, content, isInline }
      : { name, contentType, content, isInline, contentId };
  });
}
