import {
  SYSTEM_FOLDER_IDS,
  type FolderView,
  type SourceFolder,
  type SystemFolderRole,
} from '../domain/source.ts';
import { children, integer, type JsonElement, text } from './json-element.ts';

const ROLE_BY_ID = new Map<string, SystemFolderRole>(
  Object.entries(SYSTEM_FOLDER_IDS).map(([role, id]) => [id, role as SystemFolderRole]),
);
const VIEWS = new Set<FolderView>(['message', 'contact', 'appointment', 'task']);
/** The user's root (id 1, "USER_ROOT"): its children are the top-level folders. */
const USER_ROOT_ID = '1';

/** A folder Ferry does not migrate as the user's data, and why — for the mailbox's report. */
export interface LeftOutFolder {
  readonly path: string;
  readonly reason: string;
}

export interface FolderTree {
  readonly folders: SourceFolder[];
  readonly leftOut: LeftOutFolder[];
}

/**
 * Flattens a GetFolderResponse tree into the folders a migration reads (zimbra.md §4). Mountpoints
 * (`link`, another user's folder) are not the user's data: left out and reported. A saved search
 * (`search`) holds no items, but real folders can live below it: the search itself is kept as an
 * empty container (view "other") so those folders keep their place. A feed calendar (`url`) is a
 * copy of someone else's calendar: left out and reported. A folder without `view` (Trash,
 * IMAP-created folders) holds mail.
 */
export function readFolderTree(response: JsonElement): FolderTree {
  const folders: SourceFolder[] = [];
  const leftOut: LeftOutFolder[] = [];
  const visit = (
    folder: JsonElement,
    element: 'folder' | 'search',
    parentPath: string | undefined,
    parentId: string | undefined,
  ) => {
    const id = text(folder, 'id') ?? '';
    const name = text(folder, 'name') ?? '';
    const isRoot = id === USER_ROOT_ID || parentPath === undefined;
    const path = isRoot ? '' : parentPath === '' ? name : `${parentPath}/${name}`;
    if (!isRoot) {
      const view = text(folder, 'view');
      const url = text(folder, 'url');
      if (url !== undefined && url !== '') {
        leftOut.push({
          path,
          reason: `a feed synced from ${url}, not the user's own ${view === 'appointment' ? 'calendar' : 'folder'}; subscribe to the feed again in Outlook`,
        });
      }
      folders.push({
        id,
        parentId: parentId === USER_ROOT_ID ? undefined : parentId,
        name,
        path,
        view:
          element === 'search' || (url !== undefined && url !== '')
            ? 'other'
            : view === undefined
              ? 'message'
              : VIEWS.has(view as FolderView)
                ? (view as FolderView)
                : 'other',
        role: ROLE_BY_ID.get(id),
        itemCount: integer(folder, 'n') ?? 0,
        sizeBytes: integer(folder, 's') ?? 0,
        color: text(folder, 'rgb') ?? text(folder, 'color'),
      });
    }
    for (const sub of children(folder, 'folder')) visit(sub, 'folder', path, id);
    for (const sub of children(folder, 'search')) visit(sub, 'search', path, id);
    for (const link of children(folder, 'link')) {
      const linkPath = path === '' ? (text(link, 'name') ?? '') : `${path}/${text(link, 'name') ?? ''}`;
      leftOut.push({
        path: linkPath,
        reason: `a mountpoint of ${text(link, 'owner') ?? 'another user'}'s folder, not this user's data; it moves with its owner's mailbox`,
      });
    }
  };
  for (const root of children(response, 'folder')) visit(root, 'folder', undefined, undefined);
  return { folders, leftOut };
}
