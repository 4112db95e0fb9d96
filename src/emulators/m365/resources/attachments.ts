import { createHash } from 'node:crypto';
import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { GraphError, badRequest, type GraphResponse, show } from '../errors.ts';
import { newId, type StoredAttachment, type StoredItem } from '../item-store.ts';
import type { Mailbox } from '../mailbox.ts';
import { noContent, ok } from '../odata-query.ts';
import { lookup, type Route } from '../router.ts';

/** Largest attachment an upload session takes [D]. */
export const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A fileAttachment or itemAttachment from a request body. */
export function parseAttachment(raw: unknown): StoredAttachment {
  const body = (raw ?? {}) as Record<string, unknown>;
  const type = show(body['@odata.type'] ?? '#microsoft.graph.fileAttachment').replace(/^#?/, '#');
  const name = typeof body.name === 'string' ? body.name : '';
  if (type === '#microsoft.graph.fileAttachment') {
    if (typeof body.contentBytes !== 'string') {
      throw badRequest(
        'The contentBytes property is required for a file attachment.',
        'ErrorInvalidProperty',
      );
    }
    return {
      id: newId('AAMkAGI2THVSAAABEgAQA'),
      odataType: type,
      name,
      contentType: typeof body.contentType === 'string' ? body.contentType : 'application/octet-stream',
      isInline: body.isInline === true,
      contentId: typeof body.contentId === 'string' ? body.contentId : null,
      bytes: Buffer.from(body.contentBytes, 'base64'),
      lastModifiedDateTime: now(),
    };
  }
  if (type === '#microsoft.graph.itemAttachment') {
    const item = (body.item ?? {}) as Record<string, unknown>;
    return {
      id: newId('AAMkAGI2THVSAAABEgAQA'),
      odataType: type,
      name,
      contentType: 'message/rfc822',
      isInline: false,
      contentId: null,
      bytes: Buffer.from(JSON.stringify(item)),
      item,
      lastModifiedDateTime: now(),
    };
  }
  throw badRequest(`Attachments of type '${type}' are not supported here.`, 'ErrorInvalidProperty');
}

/** Rejects a message over the mailbox's MaxSendSize/MaxReceiveSize [U exact code]. */
export function checkMessageSize(
  mailbox: Mailbox,
  bodyBytes: number,
  attachments: readonly StoredAttachment[],
  extra = 0,
): void {
  const total = bodyBytes + extra + attachments.reduce((sum, a) => sum + a.bytes.length, 0);
  if (total > mailbox.user.maxMessageSizeMB * 1024 * 1024) {
    throw new GraphError(413, 'ErrorMessageSizeExceeded', 'The message exceeds the maximum supported size.');
  }
}

export function presentAttachment(
  attachment: StoredAttachment,
  withContent: boolean,
): Record<string, unknown> {
  return {
    '@odata.type': attachment.odataType,
    id: attachment.id,
    lastModifiedDateTime: attachment.lastModifiedDateTime,
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.bytes.length,
    isInline: attachment.isInline,
    ...(attachment.odataType === '#microsoft.graph.fileAttachment'
      ? {
          contentId: attachment.contentId,
          contentLocation: null,
          ...(withContent ? { contentBytes: attachment.bytes.toString('base64') } : {}),
        }
      : withContent && attachment.item !== undefined
        ? { item: attachment.item }
        : {}),
  };
}

type ParentKind = 'messages' | 'events';

function parent(ctx: GraphContext, kind: ParentKind): StoredItem {
  return kind === 'messages'
    ? lookup(ctx.mailbox.messages, param(ctx, 'message'))
    : lookup(ctx.mailbox.events, param(ctx, 'event'));
}

function attachmentOf(item: StoredItem, id: string): StoredAttachment {
  const attachment = item.attachments.find((a) => a.id === id);
  if (attachment === undefined) {
    throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  }
  return attachment;
}

function add(ctx: GraphContext, kind: ParentKind): GraphResponse {
  const item = parent(ctx, kind);
  const attachment = parseAttachment(jsonBody(ctx));
  if (kind === 'messages') checkMessageSize(ctx.mailbox, 0, item.attachments, attachment.bytes.length);
  item.attachments.push(attachment);
  return ok(
    {
      '@odata.context': `${metadataBase(ctx)}/${kind}('${ctx.ids(item)}')/attachments/$entity`,
      ...presentAttachment(attachment, true),
    },
    201,
  );
}

function createUploadSession(ctx: GraphContext, kind: ParentKind): GraphResponse {
  const item = parent(ctx, kind);
  const spec = (jsonBody(ctx).AttachmentItem ?? jsonBody(ctx).attachmentItem) as
    Record<string, unknown> | undefined;
  if (spec === undefined || typeof spec.name !== 'string' || typeof spec.size !== 'number') {
    throw badRequest('The AttachmentItem parameter with name and size is required.', 'ErrorInvalidParameter');
  }
  if (spec.attachmentType !== undefined && spec.attachmentType !== 'file') {
    throw badRequest(
      'Only attachmentType file can be uploaded with an upload session.',
      'ErrorInvalidParameter',
    );
  }
  if (spec.size <= 0 || spec.size > MAX_ATTACHMENT_BYTES) {
    throw new GraphError(
      400,
      'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
      `The attachment size must be between 1 byte and ${MAX_ATTACHMENT_BYTES} bytes.`,
    );
  }
  if (kind === 'messages') checkMessageSize(ctx.mailbox, 0, item.attachments, spec.size);
  const session = ctx.services.uploads.create(ctx, item, kind, {
    name: spec.name,
    size: spec.size,
    contentType: typeof spec.contentType === 'string' ? spec.contentType : 'application/octet-stream',
    isInline: spec.isInline === true,
    contentId: typeof spec.contentId === 'string' ? spec.contentId : null,
  });
  return ok(
    {
      '@odata.context': `https://graph.microsoft.com/${ctx.version}/$metadata#microsoft.graph.uploadSession`,
      uploadUrl: session.uploadUrl,
      expirationDateTime: session.expirationDateTime,
      nextExpectedRanges: ['0-'],
    },
    201,
  );
}

function routesFor(kind: ParentKind, base: string, area: 'Mail' | 'Calendars'): Route[] {
  return [
    {
      method: 'GET',
      pattern: `${base}/attachments`,
      area,
      handler: (ctx) =>
        ok({
          '@odata.context': `${metadataBase(ctx)}/${kind}/attachments`,
          value: parent(ctx, kind).attachments.map((a) => presentAttachment(a, true)),
        }),
    },
    { method: 'POST', pattern: `${base}/attachments`, area, handler: (ctx) => add(ctx, kind) },
    {
      method: 'POST',
      pattern: `${base}/attachments/createUploadSession`,
      area,
      handler: (ctx) => createUploadSession(ctx, kind),
    },
    {
      method: 'GET',
      pattern: `${base}/attachments/:attachment`,
      area,
      handler: (ctx) =>
        ok(presentAttachment(attachmentOf(parent(ctx, kind), param(ctx, 'attachment')), true)),
    },
    {
      method: 'GET',
      pattern: `${base}/attachments/:attachment/$value`,
      area,
      handler: (ctx) => {
        const attachment = attachmentOf(parent(ctx, kind), param(ctx, 'attachment'));
        return { status: 200, headers: { 'Content-Type': attachment.contentType }, body: attachment.bytes };
      },
    },
    {
      method: 'DELETE',
      pattern: `${base}/attachments/:attachment`,
      area,
      handler: (ctx) => {
        const item = parent(ctx, kind);
        item.attachments.splice(item.attachments.indexOf(attachmentOf(item, param(ctx, 'attachment'))), 1);
        return noContent();
      },
    },
  ];
}

export const attachmentRoutes: Route[] = [
  ...routesFor('messages', 'messages/:message', 'Mail'),
  ...routesFor('messages', 'mailFolders/:folder/messages/:message', 'Mail'),
  ...routesFor('events', 'events/:event', 'Calendars'),
];
