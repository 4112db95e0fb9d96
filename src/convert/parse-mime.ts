/**
 * mailparser's simpleParser without the work Ferry throws away. simpleParser always renders the
 * plain text as HTML (`textAsHtml`, an HTML-escaping pass over every text part) although only `text`
 * and `html` are used; that rendering is needed only where the HTML body itself is made of text parts
 * (a text/plain part outside any multipart/alternative in a message that also has HTML), so it is
 * switched off everywhere else. Everything else is simpleParser's own logic, so the result is the
 * same ParsedMail.
 */
import { MailParser, type Attachment, type MailParserOptions } from 'mailparser';
import { bytesContent, type AttachmentContent } from './attachment-content.ts';

/** What the converter reads of one attachment. */
export interface MimeAttachment {
  readonly contentType: string;
  readonly content: AttachmentContent;
  readonly filename: string | undefined;
  /** The Content-ID without angle brackets, when the part has one. */
  readonly cid: string | undefined;
}

/** What the converter reads of a parsed message. */
export interface ParsedMime {
  readonly text: string | undefined;
  readonly html: string | undefined;
  readonly attachments: readonly MimeAttachment[];
}

/** The parts of mailparser's internal tree that decide whether text is rendered into the HTML. */
interface TreeNode {
  readonly contentType?: string;
  readonly textContent?: string;
  readonly children?: readonly TreeNode[];
}

/** Mirrors the condition in MailParser.getTextContent under which a text part is added to `html`. */
function textGoesIntoHtml(
  node: TreeNode | undefined,
  alternative: boolean,
  keepDeliveryStatus: boolean,
): boolean {
  if (node === undefined) return false;
  const textual =
    node.contentType === 'text/plain' ||
    (node.contentType === 'message/delivery-status' && !keepDeliveryStatus);
  if (!alternative && textual && typeof node.textContent === 'string' && node.textContent !== '') return true;
  const inAlternative = alternative || node.contentType === 'multipart/alternative';
  return (node.children ?? []).some((child) => textGoesIntoHtml(child, inAlternative, keepDeliveryStatus));
}

class LeanMailParser extends MailParser {
  /** Called by MailParser once the whole message is read (not part of its typed surface). */
  getTextContent(): unknown {
    const internals = this as unknown as { tree?: TreeNode; hasHtml?: boolean };
    const needed =
      internals.hasHtml === true &&
      textGoesIntoHtml(internals.tree, false, this.options.keepDeliveryStatus === true);
    this.options.skipTextToHtml = !needed;
    return (MailParser.prototype as unknown as { getTextContent(): unknown }).getTextContent.call(this);
  }
}

interface TextResult {
  readonly type: 'text';
  readonly text?: string;
  readonly html?: string;
}

interface AttachmentResult {
  readonly type: 'attachment';
  content: NodeJS.ReadableStream | Buffer;
  release(): void;
}

/** simpleParser(input, { ...options, keepCidLinks: true }) with the text-as-HTML pass skipped. */
export function parseMime(input: Buffer, options: MailParserOptions): Promise<ParsedMime> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: unknown, mail?: ParsedMime) => {
      if (settled) return;
      settled = true;
      if (mail === undefined) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(mail);
    };
    const attachments: Attachment[] = [];
    let text: string | undefined;
    let html: string | undefined;
    const parser = new LeanMailParser(options);
    parser.on('error', (error: unknown) => settle(error));
    let reading = false;
    const reader = (): void => {
      reading = true;
      const data = parser.read() as TextResult | AttachmentResult | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        text = data.text;
        html = data.html;
        reader();
        return;
      }
      const attachment = data;
      attachments.push(attachment as unknown as Attachment);
      const stream = attachment.content as NodeJS.ReadableStream;
      const chunks: Buffer[] = [];
      let length = 0;
      stream.on('readable', () => {
        let chunk: Buffer | null;
        while ((chunk = stream.read() as Buffer | null) !== null) {
          chunks.push(chunk);
          length += chunk.length;
        }
      });
      stream.on('end', () => {
        attachment.content = Buffer.concat(chunks, length);
        attachment.release();
        reader();
      });
    };
    parser.on('readable', () => {
      if (!reading) reader();
    });
    parser.on('end', () =>
      settle(undefined, {
        text,
        html,
        attachments: attachments.map((attachment) => ({
          contentType: attachment.contentType,
          content: bytesContent(attachment.content),
          filename: attachment.filename,
          cid: attachment.cid,
        })),
      }),
    );
    parser.end(input);
  });
}
