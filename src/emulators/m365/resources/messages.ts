import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { GraphError, badRequest, type GraphResponse, show } from '../errors.ts';
import { parseExtendedProperties, propertyValue, storeExtendedProperties } from '../extended-properties.ts';
import { newChangeKey, newId, type ExtendedProperty, type StoredItem } from '../item-store.ts';
import { entityResponse, etag, listResponse, noContent, type Presenter } from '../odata-query.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';
import { checkMessageSize, parseAttachment } from './attachments.ts';
import { resolveMailFolder } from './mail-folders.ts';
import { createMimeDraft } from './mime-import.ts';

/** MAPI properties Exchange honours only when the item is created [O: §5.2]; a later PATCH leaves them. */
export const CREATION_ONLY_PROPERTIES = [
  'Integer 0x0E07',
  'SystemTime 0x0E06',
  'SystemTime 0x0039',
  'String 0x007D',
];
const MSGFLAG_READ = 0x1;
const MSGFLAG_UNSENT = 0x8;

/** Properties a PATCH may change only while the message is a draft [D: message update]. */
const DRAFT_ONLY = [
  'subject',
  'body',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'from',
  'sender',
  'internetMessageId',
];
const ALWAYS_UPDATABLE = [
  'isRead',
  'categories',
  'flag',
  'importance',
  'inferenceClassification',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
];

export function textPreview(body: unknown): string {
  const content = (body as { content?: unknown } | undefined)?.content;
  const text = typeof content === 'string' ? content.replace(/<style[\s\S]*?<\/style>|<[^>]+>/gi, ' ') : '';
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255);
}

const isoSeconds = (value: string): string => new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Unfolds a raw header block (PR_TRANSPORT_MESSAGE_HEADERS) into Graph's internetMessageHeaders. */
export function parseHeaderBlock(block: string): { name: string; value: string }[] {
  const headers: { name: string; value: string }[] = [];
  for (const line of block.replace(/\r\n/g, '\n').split('\n')) {
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last !== undefined) last.value += ` ${line.trim()}`;
    else if (line.includes(':')) {
      headers.push({
        name: line.slice(0, line.indexOf(':')).trim(),
        value: line.slice(line.indexOf(':') + 1).trim(),
      });
    }
  }
  return headers;
}

/** Graph's rules for internetMessageHeaders on create: x- names only, at most five [D/O]. */
function checkHeaders(raw: unknown): { name: string; value: string }[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw new GraphError(400, 'RequestBodyRead', "Cannot read the value of 'internetMessageHeaders'.");
  }
  const headers = raw as { name?: unknown; value?: unknown }[];
  for (const header of headers) {
    if (typeof header.name !== 'string' || !/^x-/i.test(header.name)) {
      throw new GraphError(
        400,
        'InvalidInternetMessageHeader',
        `The internet message header name '${String(header.name)}' should start with 'x-' or 'X-'.`,
      );
    }
  }
  if (headers.length > 5) {
    throw new GraphError(
      400,
      'InvalidInternetMessageHeaderCollection',
      'Maximum number of headers in one message should be less than or equal to 5.',
    );
  }
  return headers.map((h) => ({ name: String(h.name), value: show(h.value ?? '') }));
}

export function messagePresenter(ctx: GraphContext): Presenter {
  return (item) => {
    const folder = ctx.mailbox.mailFolders.get(item.containerId);
    return {
      '@odata.etag': etag(item),
      id: ctx.ids(item),
      createdDateTime: item.data.createdDateTime,
      lastModifiedDateTime: item.data.lastModifiedDateTime,
      changeKey: item.changeKey,
      categories: item.data.categories ?? [],
      receivedDateTime: item.data.receivedDateTime,
      sentDateTime: item.data.sentDateTime,
      hasAttachments: item.attachments.some((a) => !a.isInline),
      internetMessageId: item.data.internetMessageId ?? null,
      subject: item.data.subject ?? '',
      bodyPreview: textPreview(item.data.body),
      importance: item.data.importance ?? 'normal',
      parentFolderId: folder === undefined ? null : ctx.ids(folder),
      conversationId: item.data.conversationId,
      isDeliveryReceiptRequested: item.data.isDeliveryReceiptRequested ?? false,
      isReadReceiptRequested: item.data.isReadReceiptRequested ?? false,
      isRead: item.data.isRead,
      isDraft: item.data.isDraft,
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(item.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
      inferenceClassification: item.data.inferenceClassification ?? 'focused',
      body: item.data.body ?? { contentType: 'text', content: '' },
      sender: item.data.sender ?? item.data.from ?? null,
      from: item.data.from ?? null,
      toRecipients: item.data.toRecipients ?? [],
      ccRecipients: item.data.ccRecipients ?? [],
      bccRecipients: item.data.bccRecipients ?? [],
      replyTo: item.data.replyTo ?? [],
      flag: item.data.flag ?? { flagStatus: 'notFlagged' },
      internetMessageHeaders: item.data.internetMessageHeaders ?? [],
    };
  };
}

/** Stores a new message and answers 201 with it. */
export function storeMessage(
  ctx: GraphContext,
  folder: StoredItem,
  data: Record<string, unknown>,
  properties: readonly ExtendedProperty[],
  attachments: StoredItem['attachments'],
): GraphResponse {
  checkMessageSize(ctx.mailbox, JSON.stringify(data.body ?? '').length, attachments);
  const now = isoSeconds(new Date().toISOString());
  const item = ctx.mailbox.messages.add(folder.immutableId, {
    createdDateTime: now,
    lastModifiedDateTime: now,
    receivedDateTime: now,
    sentDateTime: now,
    conversationId: newId('AAQkAGI2'),
    ...data,
  });
  storeExtendedProperties(item, properties);
  item.attachments.push(...attachments);
  return entityResponse(ctx, `${metadataBase(ctx)}/messages`, item, messagePresenter(ctx), 201);
}

function createFromJson(ctx: GraphContext, folder: StoredItem): GraphResponse {
  const body = jsonBody(ctx);
  checkProperties(body, 'message');
  const properties = parseExtendedProperties(body.singleValueExtendedProperties);
  const headers = checkHeaders(body.internetMessageHeaders);
  const flags = propertyValue(properties, 'Integer 0x0E07');
  const isDraft = flags === undefined || (Number(flags) & MSGFLAG_UNSENT) !== 0;
  const delivered = propertyValue(properties, 'SystemTime 0x0E06');
  const submitted = propertyValue(properties, 'SystemTime 0x0039');
  const transport = propertyValue(properties, 'String 0x007D');
  const attachments = Array.isArray(body.attachments)
    ? body.attachments.map((raw) => parseAttachment(raw))
    : [];
  const data: Record<string, unknown> = {};
  for (const name of [...DRAFT_ONLY, ...ALWAYS_UPDATABLE]) {
    if (body[name] !== undefined) data[name] = body[name];
  }
  data.isDraft = isDraft;
  data.isRead =
    typeof body.isRead === 'boolean'
      ? body.isRead
      : flags === undefined
        ? true
        : (Number(flags) & MSGFLAG_READ) !== 0;
  if (delivered !== undefined) data.receivedDateTime = isoSeconds(delivered);
  if (submitted !== undefined) data.sentDateTime = isoSeconds(submitted);
  data.internetMessageHeaders = transport === undefined ? headers : parseHeaderBlock(transport);
  return storeMessage(ctx, folder, data, properties, attachments);
}

function create(
  ctx: GraphContext,
  folder: StoredItem,
  mimeAllowed: boolean,
): GraphResponse | Promise<GraphResponse> {
  if ((ctx.headers['content-type'] ?? '').toLowerCase().startsWith('text/plain')) {
    if (!mimeAllowed) throw new GraphError(400, 'UnableToDeserializePostBody', 'were unable to deserialize ');
    return createMimeDraft(ctx);
  }
  return createFromJson(ctx, folder);
}

function update(ctx: GraphContext): GraphResponse {
  const item = lookup(ctx.mailbox.messages, param(ctx, 'message'));
  const body = jsonBody(ctx);
  checkProperties(body, 'message');
  const properties = parseExtendedProperties(body.singleValueExtendedProperties);
  for (const name of DRAFT_ONLY) {
    if (body[name] === undefined) continue;
    if (item.data.isDraft !== true) {
      throw new GraphError(
        400,
        'ErrorInvalidPropertyUpdateSentMessage',
        `The property '${name}' can only be updated while the message is a draft.`,
      );
    }
    item.data[name] = body[name];
  }
  for (const name of ALWAYS_UPDATABLE) if (body[name] !== undefined) item.data[name] = body[name];
  storeExtendedProperties(item, properties, CREATION_ONLY_PROPERTIES);
  item.data.lastModifiedDateTime = isoSeconds(new Date().toISOString());
  item.changeKey = newChangeKey();
  return entityResponse(ctx, `${metadataBase(ctx)}/messages`, item, messagePresenter(ctx));
}

function move(ctx: GraphContext): GraphResponse {
  const item = lookup(ctx.mailbox.messages, param(ctx, 'message'));
  const destination = jsonBody(ctx).destinationId;
  if (typeof destination !== 'string') throw badRequest('The destinationId parameter is required.');
  ctx.mailbox.messages.move(item, resolveMailFolder(ctx.mailbox, destination).immutableId);
  return entityResponse(ctx, `${metadataBase(ctx)}/messages`, item, messagePresenter(ctx), 201);
}

const list = (ctx: GraphContext, folderId?: string) =>
  listResponse(
    ctx,
    `${metadataBase(ctx)}/messages`,
    ctx.mailbox.messages.list(folderId),
    messagePresenter(ctx),
  );
const folderOf = (ctx: GraphContext) => resolveMailFolder(ctx.mailbox, param(ctx, 'folder'));
const get = (ctx: GraphContext) =>
  entityResponse(
    ctx,
    `${metadataBase(ctx)}/messages`,
    lookup(ctx.mailbox.messages, param(ctx, 'message')),
    messagePresenter(ctx),
  );
const remove = (ctx: GraphContext) => {
  ctx.mailbox.messages.delete(lookup(ctx.mailbox.messages, param(ctx, 'message')));
  return noContent();
};

export const messageRoutes: Route[] = [
  { method: 'GET', pattern: 'messages', area: 'Mail', handler: (ctx) => list(ctx) },
  {
    method: 'POST',
    pattern: 'messages',
    area: 'Mail',
    handler: (ctx) => create(ctx, resolveMailFolder(ctx.mailbox, 'drafts'), true),
  },
  {
    method: 'GET',
    pattern: 'mailFolders/:folder/messages',
    area: 'Mail',
    handler: (ctx) => list(ctx, folderOf(ctx).immutableId),
  },
  {
    method: 'POST',
    pattern: 'mailFolders/:folder/messages',
    area: 'Mail',
    handler: (ctx) => create(ctx, folderOf(ctx), false),
  },
  ...['messages/:message', 'mailFolders/:folder/messages/:message'].flatMap((pattern): Route[] => [
    { method: 'GET', pattern, area: 'Mail', handler: get },
    { method: 'PATCH', pattern, area: 'Mail', handler: update },
    { method: 'DELETE', pattern, area: 'Mail', handler: remove },
  ]),
  { method: 'POST', pattern: 'messages/:message/move', area: 'Mail', handler: move },
];
