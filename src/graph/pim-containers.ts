import { BugError } from '../domain/errors.ts';
import type { PimContainerRequest, PimKind } from '../domain/pim.ts';
import { GraphRequestError } from './graph-error.ts';
import { odataString, query, segment, userPath } from './graph-paths.ts';
import { withFolder } from './mail-folders.ts';
import { collectPages } from './paging.ts';
import { remember } from './promise-cache.ts';
import type { GraphTransport } from './transport.ts';

/**
 * The container id that stands for the default contacts folder. Graph addresses that folder as
 * `/users/{id}/contacts` (create and list) without ever naming its id, so neither does Ferry.
 */
export const DEFAULT_CONTACT_FOLDER = 'contacts';

/** Where a contact folder's contacts are created and listed. */
export function contactsPath(base: string, folderId: string): string {
  return folderId === DEFAULT_CONTACT_FOLDER
    ? `${base}/contacts`
    : `${base}/contactFolders/${segment(folderId)}/contacts`;
}

/** Graph calendars and To Do lists are flat: a nested Zimbra path becomes one name. */
const FLAT_SEPARATOR = ' / ';

export interface PimContainers {
  ensure(request: PimContainerRequest): Promise<string>;
}

interface Named {
  readonly id: string;
  readonly name?: string;
  readonly displayName?: string;
  readonly wellknownListName?: string;
}

export function createPimContainers(transport: GraphTransport, userPrincipalName: string): PimContainers {
  const base = userPath(userPrincipalName);
  const mailbox = userPrincipalName;
  // Exchange compares folder and calendar names case-insensitively, so the cache does too.
  const cache = new Map<string, Promise<string>>();
  const keyOf = (kind: PimKind, path: readonly string[]) =>
    JSON.stringify([kind, ...path.map((name) => name.toLowerCase())]);

  async function findContactFolder(parentId: string | undefined, name: string): Promise<string | undefined> {
    const collection =
      parentId === undefined
        ? `${base}/contactFolders`
        : `${base}/contactFolders/${segment(parentId)}/childFolders`;
    const found = await transport.request<{ value: readonly Named[] }>({
      method: 'GET',
      path: `${collection}${query({ $filter: `displayName eq ${odataString(name)}`, $select: 'id,displayName' })}`,
      mailbox,
    });
    return found.body.value[0]?.id;
  }

  /** Graph's top-level contact folders are the children of the default Contacts folder; deeper ones nest. */
  function ensureContactFolder(path: readonly string[]): Promise<string> {
    return remember(cache, keyOf('contacts', path), async () => {
      const name = path[path.length - 1] ?? '';
      const parentId = path.length === 1 ? undefined : await ensureContactFolder(path.slice(0, -1));
      const existing = await findContactFolder(parentId, name);
      if (existing !== undefined) return existing;
      const collection =
        parentId === undefined
          ? `${base}/contactFolders`
          : `${base}/contactFolders/${segment(parentId)}/childFolders`;
      return createOrReuse(
        () =>
          transport.request<{ id: string }>({
            method: 'POST',
            path: collection,
            mailbox,
            json: { displayName: name },
            repeatable: true,
          }),
        () => findContactFolder(parentId, name),
      );
    });
  }

  function listCalendars(): Promise<Named[]> {
    return collectPages<Named>(transport, mailbox, `${base}/calendars${query({ $select: 'id,name' })}`);
  }

  function listTodoLists(): Promise<Named[]> {
    return collectPages<Named>(transport, mailbox, `${base}/todo/lists`);
  }

  const byName = (entries: readonly Named[], name: string) =>
    entries.find((entry) => (entry.name ?? entry.displayName ?? '').toLowerCase() === name.toLowerCase())?.id;

  function ensureCalendar(name: string, color: string | undefined): Promise<string> {
    return remember(cache, keyOf('calendar', [name]), async () => {
      const existing = byName(await listCalendars(), name);
      if (existing !== undefined) return existing;
      return createOrReuse(
        () =>
          transport.request<{ id: string }>({
            method: 'POST',
            path: `${base}/calendars`,
            mailbox,
            json: color === undefined ? { name } : { name, color },
            repeatable: true,
          }),
        async () => byName(await listCalendars(), name),
      );
    });
  }

  function defaultCalendar(): Promise<string> {
    return remember(cache, 'default calendar', async () => {
      const calendar = await transport.request<{ id: string }>({
        method: 'GET',
        path: `${base}/calendar${query({ $select: 'id' })}`,
        mailbox,
      });
      return calendar.body.id;
    });
  }

  function ensureTodoList(name: string | undefined): Promise<string> {
    return remember(cache, keyOf('tasks', name === undefined ? [] : [name]), async () => {
      const lists = await listTodoLists();
      const existing =
        name === undefined
          ? lists.find((list) => list.wellknownListName === 'defaultList')?.id
          : byName(lists, name);
      if (existing !== undefined) return existing;
      if (name === undefined) {
        throw new BugError(
          'NO_DEFAULT_TODO_LIST',
          `Microsoft To Do shows no default task list for ${userPrincipalName}.`,
          {
            context: { user: userPrincipalName },
          },
        );
      }
      // To Do accepts two lists of one name, so this create is never repeated blindly.
      const created = await transport.request<{ id: string }>({
        method: 'POST',
        path: `${base}/todo/lists`,
        mailbox,
        json: { displayName: name },
      });
      return created.body.id;
    });
  }

  return {
    async ensure(request) {
      const { kind, path, isDefault } = request;
      const shown = path.join('/');
      if (!isDefault && (path.length === 0 || path.some((name) => name.trim() === ''))) {
        throw new BugError('EMPTY_FOLDER_NAME', `The folder path "${shown}" has an empty name in it.`, {
          context: { user: userPrincipalName, folderPath: shown },
        });
      }
      try {
        switch (kind) {
          case 'contacts':
            return isDefault ? DEFAULT_CONTACT_FOLDER : await ensureContactFolder(path);
          case 'calendar':
            return await (isDefault
              ? defaultCalendar()
              : ensureCalendar(path.join(FLAT_SEPARATOR), request.color));
          case 'tasks':
            return await ensureTodoList(isDefault ? undefined : path.join(FLAT_SEPARATOR));
        }
      } catch (error) {
        throw withFolder(error, userPrincipalName, path);
      }
    },
  };
}

/** A repeated create meets ErrorFolderExists (another worker, or our own first attempt): reuse that one. */
async function createOrReuse(
  create: () => Promise<{ body: { id: string } }>,
  find: () => Promise<string | undefined>,
): Promise<string> {
  try {
    return (await create()).body.id;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.status === 409) {
      const raced = await find();
      if (raced !== undefined) return raced;
    }
    throw error;
  }
}
