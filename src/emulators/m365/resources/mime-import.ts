import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { param, type GraphContext } from '../context.ts';
import { GraphError, type GraphResponse } from '../errors.ts';
import { newId, type StoredAttachment } from '../item-store.ts';
import type { Route } from '../router.ts';
import { resolveMailFolder } from './mail-folders.ts';
import { parseHeaderBlock, storeMessage } from './messages.ts';

/** Decodes a text/plain body holding base64 MIME, with Graph's error for anything else [D]. */
function decodeMime(ctx: GraphContext): Buffer {
  const text = ctx.body.toString('latin1').replace(/\s+/g, '');
  if (text === '' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new GraphError(
      400,
      'ErrorMimeContentInvalidBase64String',
      'Invalid base64 string for MIME content.',
    );
  }
  return Buffer.from(text, 'base64');
}

function recipients(value: AddressObject | AddressObject[] | undefined): unknown[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((object) =>
    object.value
      .filter((a) => a.address !== undefined)
      .map((a) => ({ emailAddress: { name: a.name || a.address, address: a.address } })),
  );
}

function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/** The date of the first (most recent) Received: header, where delivery would have stamped it. */
function receivedDate(headers: { name: string; value: string }[]): string | undefined {
  const received = headers.find((h) => h.name.toLowerCase() === 'received')?.value;
  const date =
    received === undefined ? undefined : Date.parse(received.slice(received.lastIndexOf(';') + 1).trim());
  return date === undefined || Number.isNaN(date) ? undefined : new Date(date).toISOString();
}

function attachmentsOf(mail: ParsedMail): StoredAttachment[] {
  return mail.attachments.map((part) => ({
    id: newId('AAMkAGI2THVSAAABEgAQA'),
    odataType: '#microsoft.graph.fileAttachment',
    name: part.filename ?? 'attachment',
    contentType: part.contentType,
    isInline: part.contentDisposition === 'inline' && part.cid !== undefined,
    contentId: part.cid ?? null,
    bytes: part.content,
    lastModifiedDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }));
}

async function fromMime(
  raw: Buffer,
): Promise<{ data: Record<string, unknown>; attachments: StoredAttachment[] }> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const headers = parseHeaderBlock(headerBlock(raw));
  const from = recipients(mail.from)[0] ?? null;
  const data: Record<string, unknown> = {
    subject: mail.subject ?? '',
    body:
      typeof mail.html === 'string'
        ? { contentType: 'html', content: mail.html }
        : { contentType: 'text', content: mail.text ?? '' },
    from,
    sender: from,
    toRecipients: recipients(mail.to),
    ccRecipients: recipients(mail.cc),
    bccRecipients: recipients(mail.bcc),
    replyTo: recipients(mail.replyTo),
    internetMessageHeaders: headers,
  };
  if (mail.messageId !== undefined) data.internetMessageId = mail.messageId;
  if (mail.date !== undefined) data.sentDateTime = mail.date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const received = receivedDate(headers);
  if (received !== undefined) data.receivedDateTime = received.replace(/\.\d{3}Z$/, 'Z');
  return { data, attachments: attachmentsOf(mail) };
}

/** v1.0 MIME create: always a draft in Drafts, whatever the MIME says [D]. */
export async function createMimeDraft(ctx: GraphContext): Promise<GraphResponse> {
  const { data, attachments } = await fromMime(decodeMime(ctx));
  delete data.receivedDateTime;
  return storeMessage(
    ctx,
    resolveMailFolder(ctx.mailbox, 'drafts'),
    { ...data, isDraft: true, isRead: true },
    [],
    attachments,
  );
}

/** beta mailFolder: importMime — a non-draft "as if delivered" into the folder [D beta]. */
async function importMime(ctx: GraphContext): Promise<GraphResponse> {
  const folder = resolveMailFolder(ctx.mailbox, param(ctx, 'folder'));
  const { data, attachments } = await fromMime(decodeMime(ctx));
  return storeMessage(ctx, folder, { ...data, isDraft: false, isRead: false }, [], attachments);
}

export const mimeRoutes: Route[] = [
  {
    method: 'POST',
    pattern: 'mailFolders/:folder/importMime',
    area: 'MailAdvanced',
    betaOnly: true,
    handler: importMime,
  },
];
