import type { DestinationFolderRequest } from '../domain/destination.ts';
import { BugError } from '../domain/errors.ts';
import type { SystemFolderRole } from '../domain/source.ts';
import { GraphRequestError } from './graph-error.ts';
import { odataString, query, segment, userPath } from './graph-paths.ts';
import { remember } from './promise-cache.ts';
import type { GraphTransport } from './transport.ts';

/** Zimbra's system mail folders and the well-known Graph names of their counterparts (microsoft-graph.md §4). */
const WELL_KNOWN_FOLDERS: Readonly<Partial<Record<SystemFolderRole, string>>> = {
  inbox: 'inbox',
  sent: 'sentitems',
  drafts: 'drafts',
  junk: 'junkemail',
  trash: 'deleteditems',
};

/**
 * Top-level names that can only mean a system folder: Zimbra's fixed names for them (only its UI
 * translates them) and the English Exchange names the folder plan gives them, both of which no user
 * folder may take at the top. So when a child such as "Inbox/Projects" is ensured before its parent,
 * the parent is still recognised as the well-known folder rather than created as a new top-level
 * "Inbox" (which in a German mailbox would sit beside "Posteingang").
 */
const SYSTEM_FOLDER_NAMES: Readonly<Record<string, SystemFolderRole>> = {
  inbox: 'inbox',
  sent: 'sent',
  'sent items': 'sent',
  drafts: 'drafts',
  junk: 'junk',
  'junk email': 'junk',
  trash: 'trash',
  'deleted items': 'trash',
};

export interface MailFolders {
  ensure(request: DestinationFolderRequest): Promise<string>;
}

interface FolderList {
  readonly value: readonly { readonly id: string }[];
}

export function createMailFolders(transport: GraphTransport, userPrincipalName: string): MailFolders {
  const base = userPath(userPrincipalName);
  const mailbox = userPrincipalName;
  // Folder names compare case-insensitively in Exchange, so the cache does too.
  const byPath = new Map<string, Promise<string>>();
  const byWellKnown = new Map<string, Promise<string>>();

  const keyOf = (path: readonly string[]) => JSON.stringify(path.map((name) => name.toLowerCase()));
  const shown = (path: readonly string[]) => path.join('/');

  function wellKnownId(name: string, path: readonly string[]): Promise<string> {
    return remember(byWellKnown, name, async () => {
      try {
        const response = await transport.request<{ id: string }>({
          method: 'GET',
          path: `${base}/mailFolders/${name}${query({ $select: 'id' })}`,
          mailbox,
        });
        return response.body.id;
      } catch (error) {
        throw withFolder(error, userPrincipalName, path);
      }
    });
  }

  async function findChild(parentId: string, name: string): Promise<string | undefined> {
    const response = await transport.request<FolderList>({
      method: 'GET',
      path: `${base}/mailFolders/${segment(parentId)}/childFolders${query({
        $filter: `displayName eq ${odataString(name)}`,
        $select: 'id,displayName',
        // A hidden folder still blocks the name (409), so it must be found to be reused.
        includeHiddenFolders: 'true',
      })}`,
      mailbox,
    });
    return response.body.value[0]?.id;
  }

  async function findOrCreateChild(parentId: string, path: readonly string[]): Promise<string> {
    const name = path[path.length - 1] ?? '';
    const existing = await findChild(parentId, name);
    if (existing !== undefined) return existing;
    try {
      const created = await transport.request<{ id: string }>({
        method: 'POST',
        path: `${base}/mailFolders/${segment(parentId)}/childFolders`,
        mailbox,
        json: { displayName: name, isHidden: false },
        // A repeated create cannot duplicate the folder: it meets ErrorFolderExists, handled below.
        repeatable: true,
      });
      return created.body.id;
    } catch (error) {
      // Another worker (or the first attempt of a repeated request) created it meanwhile.
      if (error instanceof GraphRequestError && error.failure.graphCode === 'ErrorFolderExists') {
        const raced = await findChild(parentId, name);
        if (raced !== undefined) return raced;
      }
      throw error;
    }
  }

  function ensurePath(path: readonly string[]): Promise<string> {
    return remember(byPath, keyOf(path), async () => {
      const first = path[0];
      if (path.length === 1 && first !== undefined) {
        const role = SYSTEM_FOLDER_NAMES[first.toLowerCase()];
        const wellKnown = role === undefined ? undefined : WELL_KNOWN_FOLDERS[role];
        if (wellKnown !== undefined) return wellKnownId(wellKnown, path);
      }
      const parentId = path.length === 1 ? 'msgfolderroot' : await ensurePath(path.slice(0, -1));
      try {
        return await findOrCreateChild(parentId, path);
      } catch (error) {
        throw withFolder(error, userPrincipalName, path);
      }
    });
  }

  return {
    ensure({ path, role }) {
      if (path.length === 0 || path.some((name) => name.trim() === '')) {
        return Promise.reject(
          new BugError('EMPTY_FOLDER_NAME', `The folder path "${shown(path)}" has an empty name in it.`, {
            context: { user: userPrincipalName, folderPath: shown(path) },
          }),
        );
      }
      if (role === undefined) return ensurePath(path);
      const wellKnown = WELL_KNOWN_FOLDERS[role];
      if (wellKnown === undefined) {
        return Promise.reject(
          new BugError(
            'NOT_A_MAIL_FOLDER',
            `The Zimbra ${role} folder holds no mail; it must not be created as a mail folder.`,
            { context: { user: userPrincipalName, folderPath: shown(path) } },
          ),
        );
      }
      // The role decides, whatever the path says: it overrides an earlier guess for the same path.
      const key = keyOf(path);
      const pending = wellKnownId(wellKnown, path);
      byPath.set(key, pending);
      void pending.catch(() => {
        if (byPath.get(key) === pending) byPath.delete(key);
      });
      return pending;
    },
  };
}

/** The same refusal, now saying which folder it concerned. */
export function withFolder(error: unknown, user: string, path: readonly string[]): unknown {
  if (!(error instanceof GraphRequestError) || error.context.folderPath !== undefined) return error;
  return new GraphRequestError(error.failure, { ...error.context, user, folderPath: path.join('/') });
}
