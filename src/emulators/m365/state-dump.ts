import type { GraphContext, Services } from './context.ts';
import type { ItemCollection, StoredItem } from './item-store.ts';
import { regularIds } from './item-store.ts';
import type { Mailbox } from './mailbox.ts';
import type { Presenter } from './odata-query.ts';
import { sha256 } from './resources/attachments.ts';
import { exceptionOccurrences } from './resources/event-occurrences.ts';
import { eventPresenter } from './resources/events.ts';
import { messagePresenter } from './resources/messages.ts';

function dumpContext(services: Services, mailbox: Mailbox): GraphContext {
  return {
    method: 'GET',
    version: 'v1.0',
    segments: [],
    query: new URLSearchParams(),
    headers: {},
    body: Buffer.alloc(0),
    grant: { tenantId: mailbox.user.tenantId, clientId: 'state-dump', permissions: new Set() },
    params: {},
    mailbox,
    ids: regularIds,
    services,
  };
}

function withExtras(item: StoredItem, present: Presenter): Record<string, unknown> {
  const { '@odata.etag': _etag, ...json } = present(item);
  return {
    ...json,
    singleValueExtendedProperties: [...item.extendedProperties.values()].map((p) => ({
      id: p.id,
      value: p.value,
    })),
    attachments: item.attachments.map((a) => ({
      name: a.name,
      contentType: a.contentType,
      size: a.bytes.length,
      isInline: a.isInline,
      contentId: a.contentId,
      sha256: sha256(a.bytes),
    })),
  };
}

/** Folders depth-first with their "/"-joined display-name paths. */
function walk(
  folders: ItemCollection,
  parentId: string,
  prefix: string,
): { path: string; folder: StoredItem }[] {
  return folders.list(parentId).flatMap((folder) => {
    const path = `${prefix}${String(folder.data.displayName)}`;
    return [{ path, folder }, ...walk(folders, folder.immutableId, `${path}/`)];
  });
}

/** GET /_emulator/mailboxes/{upn}: everything written to the mailbox, as Graph would return it. */
export function dumpMailbox(services: Services, mailbox: Mailbox): Record<string, unknown> {
  const ctx = dumpContext(services, mailbox);
  const message = messagePresenter(ctx);
  const event = eventPresenter(ctx);
  const root = mailbox.wellKnown.get('msgfolderroot') ?? '';
  const contactRoot = mailbox.rootContactFolder;
  const contactPresent: Presenter = (item) => ({ id: item.id, ...item.data });
  const taskPresent: Presenter = (item) => ({ id: item.id, ...item.data });
  return {
    mailFolders: walk(mailbox.mailFolders, root, '').map(({ path, folder }) => ({
      path,
      messages: mailbox.messages.list(folder.immutableId).map((m) => withExtras(m, message)),
    })),
    contactFolders: [
      { path: 'Contacts', folder: contactRoot },
      ...walk(mailbox.contactFolders, contactRoot.immutableId, 'Contacts/'),
    ].map(({ path, folder }) => ({
      path,
      contacts: mailbox.contacts.list(folder.immutableId).map((c) => {
        const photo = mailbox.contactPhotos.get(c.immutableId);
        return {
          ...withExtras(c, contactPresent),
          photo:
            photo === undefined
              ? null
              : { contentType: photo.contentType, size: photo.bytes.length, sha256: sha256(photo.bytes) },
        };
      }),
    })),
    distributionLists: mailbox.distributionLists
      .list()
      .map((list) => ({ displayName: list.data.displayName, members: list.data.members })),
    calendars: mailbox.calendars.list().map((calendar) => ({
      name: calendar.data.name,
      events: mailbox.events.list(calendar.immutableId).map((item) => ({
        ...withExtras(item, event),
        start: item.data.start,
        end: item.data.end,
        exceptionOccurrences: exceptionOccurrences(ctx, item),
      })),
    })),
    todoLists: mailbox.todoLists.list().map((list) => ({
      displayName: list.data.displayName,
      tasks: mailbox.tasks.list(list.immutableId).map((t) => withExtras(t, taskPresent)),
    })),
    masterCategories: mailbox.categories
      .list()
      .map((c) => ({ displayName: c.data.displayName, color: c.data.color })),
    messageRules: mailbox.messageRules.list().map((r) => ({ ...r.data })),
    automaticRepliesSetting: mailbox.settings.automaticRepliesSetting,
    mailboxSettings: { ...mailbox.settings },
    invitationsSent: mailbox.invitations.length,
    invitations: mailbox.invitations,
  };
}
