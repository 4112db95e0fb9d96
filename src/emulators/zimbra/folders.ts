/** The system folder table (zimbra.md §4.2, Mailbox.createDefaultFolders) and folder lookups. */
import { itemUuid } from './ids.ts';
import type { Folder, Mailbox } from './model.ts';
import { atLeast } from './versions.ts';

interface SystemFolder {
  readonly id: number;
  readonly name: string;
  readonly view: string | undefined;
  readonly flags: string;
}

const SYSTEM_FOLDERS: readonly SystemFolder[] = [
  { id: 2, name: 'Inbox', view: 'message', flags: '' },
  { id: 3, name: 'Trash', view: undefined, flags: '' },
  { id: 4, name: 'Junk', view: 'message', flags: '' },
  { id: 5, name: 'Sent', view: 'message', flags: '' },
  { id: 6, name: 'Drafts', view: 'message', flags: '' },
  { id: 7, name: 'Contacts', view: 'contact', flags: '' },
  { id: 10, name: 'Calendar', view: 'appointment', flags: '#' },
  { id: 12, name: 'Notebook', view: 'wiki', flags: '' },
  { id: 13, name: 'Emailed Contacts', view: 'contact', flags: '' },
  { id: 14, name: 'Chats', view: 'message', flags: '' },
  { id: 15, name: 'Tasks', view: 'task', flags: '#' },
  { id: 16, name: 'Briefcase', view: 'document', flags: '' },
  // Hidden system folders of later versions (Mailbox.java ID_FOLDER_COMMENTS = 17; zimbra.md §4.2):
  // not the user's mail, whatever their name.
  { id: 17, name: 'Comments', view: 'comment', flags: '' },
  { id: 20, name: 'Files shared with me', view: 'document', flags: '' },
];

/** The version each later system folder first appears in. */
const SINCE: Readonly<Record<number, readonly [number, number]>> = { 17: [8, 0], 20: [9, 0] };

const ROOT_ID = 1;
export const TRASH_ID = 3;
export const JUNK_ID = 4;

/** Creates the root and the system folders a mailbox of `version` starts with. */
export function createSystemFolders(email: string, version: string): Map<number, Folder> {
  const folders = new Map<number, Folder>();
  const root: Folder = {
    id: ROOT_ID,
    name: 'USER_ROOT',
    parentId: 11,
    path: '/',
    view: undefined,
    flags: '',
    system: true,
    uuid: itemUuid(email, ROOT_ID),
    children: [],
  };
  folders.set(ROOT_ID, root);
  for (const sys of SYSTEM_FOLDERS) {
    if (sys.id === 12 && atLeast(version, 7)) continue;
    const since = SINCE[sys.id];
    if (since !== undefined && !atLeast(version, since[0], since[1])) continue;
    const folder: Folder = {
      id: sys.id,
      name: sys.name,
      parentId: ROOT_ID,
      path: `/${sys.name}`,
      view: sys.view,
      flags: sys.flags,
      system: true,
      uuid: itemUuid(email, sys.id),
      children: [],
    };
    folders.set(sys.id, folder);
    root.children.push(folder);
  }
  return folders;
}

/** The system folder a top-level directory name stands for, matched case-insensitively. */
export function systemFolderIdForName(name: string): number | undefined {
  const lower = name.toLowerCase();
  return SYSTEM_FOLDERS.find((f) => f.name.toLowerCase() === lower)?.id;
}

export function addFolder(
  folders: Map<number, Folder>,
  email: string,
  id: number,
  parent: Folder,
  name: string,
  view: string | undefined,
  extra: Partial<Pick<Folder, 'kind' | 'query' | 'owner' | 'remoteId' | 'url'>> = {},
): Folder {
  const folder: Folder = {
    ...extra,
    id,
    name,
    parentId: parent.id,
    path: parent.path === '/' ? `/${name}` : `${parent.path}/${name}`,
    view,
    flags: '',
    system: false,
    uuid: itemUuid(email, id),
    children: [],
  };
  folders.set(id, folder);
  parent.children.push(folder);
  return folder;
}

/** Finds a folder by path ("/Inbox/Sub", "inbox/sub"), case-insensitively as Zimbra does. */
export function folderByPath(mailbox: Mailbox, path: string): Folder | undefined {
  const wanted = normalisePath(path);
  for (const folder of mailbox.folders.values()) {
    if (normalisePath(folder.path) === wanted) return folder;
  }
  return undefined;
}

function normalisePath(path: string): string {
  const trimmed = path
    .normalize('NFC')
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();
  return `/${trimmed}`;
}

/** The folder and all folders below it. */
export function subtreeIds(folder: Folder): number[] {
  return [folder.id, ...folder.children.flatMap(subtreeIds)];
}
