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

/**
 * Flattens a GetFolderResponse tree into the folders a migration reads. Mountpoints (`link`,
 * another user's folder) and saved searches (`search`) are not the user's data and are left out
 * (zimbra.md §4.3). A folder without `view` (Trash, IMAP-created folders) holds mail.
 */
export function flattenFolderTree(response: JsonElement): SourceFolder[] {
  const folders: SourceFolder[] = [];
  const visit = (folder: JsonElement, parentPath: string | undefined, parentId: string | undefined) => {
    const id = text(folder, 'id') ?? '';
    const name = text(folder, 'name') ?? '';
    const isRoot = id === USER_ROOT_ID || parentPath === undefined;
    const path = isRoot ? '' : parentPath === '' ? name : `${parentPath}/${name}`;
    if (!isRoot) {
      const view = text(folder, 'view');
      folders.push({
        id,
        parentId: parentId === USER_ROOT_ID ? undefined : parentId,
        name,
        path,
        view: view === undefined ? 'message' : VIEWS.has(view as FolderView) ? (view as FolderView) : 'other',
        role: ROLE_BY_ID.get(id),
        itemCount: integer(folder, 'n') ?? 0,
        sizeBytes: integer(folder, 's') ?? 0,
        color: text(folder, 'rgb') ?? text(folder, 'color'),
      });
    }
    for (const sub of children(folder, 'folder')) visit(sub, path, id);
  };
  for (const root of children(response, 'folder')) visit(root, undefined, undefined);
  return folders;
}
