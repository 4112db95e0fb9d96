import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { GraphError, badRequest } from '../errors.ts';
import type { StoredItem } from '../item-store.ts';
import { NON_MAIL_ROOT_FOLDERS, type Mailbox } from '../mailbox.ts';
import { entityResponse, listResponse, noContent, type Presenter } from '../odata-query.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';

/** A mail folder by id or well-known name (inbox, drafts, msgfolderroot, …). */
export function resolveMailFolder(mailbox: Mailbox, idOrName: string): StoredItem {
  const wellKnown = mailbox.wellKnown.get(idOrName.toLowerCase());
  return lookup(mailbox.mailFolders, wellKnown ?? idOrName);
}

export function folderPresenter(ctx: GraphContext): Presenter {
  const { mailbox, ids } = ctx;
  return (folder) => {
    const parent = mailbox.mailFolders.get(folder.containerId);
    const messages = mailbox.messages.list(folder.immutableId);
    return {
      id: ids(folder),
      displayName: folder.data.displayName,
      parentFolderId: parent === undefined ? null : ids(parent),
      childFolderCount: mailbox.mailFolders.list(folder.immutableId).length,
      unreadItemCount: messages.filter((m) => m.data.isRead !== true).length,
      totalItemCount: messages.length,
      isHidden: folder.data.isHidden === true,
    };
  };
}

function listChildren(ctx: GraphContext, parent: StoredItem) {
  const hidden = ctx.query.get('includeHiddenFolders') === 'true';
  const children = ctx.mailbox.mailFolders
    .list(parent.immutableId)
    .filter((f) => hidden || f.data.isHidden !== true);
  return listResponse(ctx, `${metadataBase(ctx)}/mailFolders`, children, folderPresenter(ctx));
}

function createChild(ctx: GraphContext, parent: StoredItem) {
  const body = jsonBody(ctx);
  checkProperties(body, 'mailFolder');
  const name = body.displayName;
  if (typeof name !== 'string' || name.trim() === '') {
    throw badRequest('The DisplayName property is required.', 'ErrorInvalidFolderName');
  }
  const siblings = ctx.mailbox.mailFolders.list(parent.immutableId);
  const heldByNonMailFolder =
    parent.immutableId === ctx.mailbox.wellKnown.get('msgfolderroot') &&
    NON_MAIL_ROOT_FOLDERS.some((n) => n.toLowerCase() === name.toLowerCase());
  if (
    heldByNonMailFolder ||
    siblings.some((f) => String(f.data.displayName).toLowerCase() === name.toLowerCase())
  ) {
    throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  }
  const folder = ctx.mailbox.mailFolders.add(parent.immutableId, {
    displayName: name,
    isHidden: body.isHidden === true,
  });
  return entityResponse(ctx, `${metadataBase(ctx)}/mailFolders`, folder, folderPresenter(ctx), 201);
}

function update(ctx: GraphContext) {
  const folder = resolveMailFolder(ctx.mailbox, param(ctx, 'folder'));
  const body = jsonBody(ctx);
  checkProperties(body, 'mailFolder');
  if ('isHidden' in body) {
    throw badRequest(
      'The property isHidden can only be set when the folder is created.',
      'ErrorInvalidPropertyUpdate',
    );
  }
  if (typeof body.displayName === 'string') {
    const name = body.displayName;
    const clash = ctx.mailbox.mailFolders
      .list(folder.containerId)
      .some((f) => f !== folder && String(f.data.displayName).toLowerCase() === name.toLowerCase());
    if (clash) {
      throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    folder.data.displayName = name;
  }
  return entityResponse(ctx, `${metadataBase(ctx)}/mailFolders`, folder, folderPresenter(ctx));
}

function remove(ctx: GraphContext) {
  const folder = resolveMailFolder(ctx.mailbox, param(ctx, 'folder'));
  if ([...ctx.mailbox.wellKnown.values()].includes(folder.immutableId)) {
    throw new GraphError(403, 'ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.');
  }
  const drop = (node: StoredItem): void => {
    for (const child of ctx.mailbox.mailFolders.list(node.immutableId)) drop(child);
    for (const message of ctx.mailbox.messages.list(node.immutableId)) ctx.mailbox.messages.delete(message);
    ctx.mailbox.mailFolders.delete(node);
  };
  drop(folder);
  return noContent();
}

const root = (ctx: GraphContext) => resolveMailFolder(ctx.mailbox, 'msgfolderroot');
const named = (ctx: GraphContext) => resolveMailFolder(ctx.mailbox, param(ctx, 'folder'));

export const mailFolderRoutes: Route[] = [
  { method: 'GET', pattern: 'mailFolders', area: 'Mail', handler: (ctx) => listChildren(ctx, root(ctx)) },
  { method: 'POST', pattern: 'mailFolders', area: 'Mail', handler: (ctx) => createChild(ctx, root(ctx)) },
  {
    method: 'GET',
    pattern: 'mailFolders/:folder',
    area: 'Mail',
    handler: (ctx) =>
      entityResponse(ctx, `${metadataBase(ctx)}/mailFolders`, named(ctx), folderPresenter(ctx)),
  },
  { method: 'PATCH', pattern: 'mailFolders/:folder', area: 'Mail', handler: update },
  { method: 'DELETE', pattern: 'mailFolders/:folder', area: 'Mail', handler: remove },
  {
    method: 'GET',
    pattern: 'mailFolders/:folder/childFolders',
    area: 'Mail',
    handler: (ctx) => listChildren(ctx, named(ctx)),
  },
  {
    method: 'POST',
    pattern: 'mailFolders/:folder/childFolders',
    area: 'Mail',
    handler: (ctx) => createChild(ctx, named(ctx)),
  },
];
