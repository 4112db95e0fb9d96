import type { PassOptions } from '../domain/migration.ts';
import type { SourceFolder, SystemFolderRole } from '../domain/source.ts';
import { compileUserPattern, type UserPattern } from '../domain/user-pattern.ts';

/** Where each source mail folder goes, with the renames clashes forced (reported to the admin). */
export interface PlannedFolder {
  readonly sourceFolderId: string;
  readonly sourcePath: string;
  readonly destinationPath: readonly string[];
  readonly role: SystemFolderRole | undefined;
  readonly sourceCount: number;
  /** Why the destination name differs from the source name, when it does. */
  readonly renamed: string | undefined;
}

/** Display names of the Exchange folders Zimbra's system mail folders become. */
const WELL_KNOWN_NAMES: Partial<Record<SystemFolderRole, string>> = {
  inbox: 'Inbox',
  sent: 'Sent Items',
  drafts: 'Drafts',
  junk: 'Junk Email',
  trash: 'Deleted Items',
};
/**
 * Other names Exchange holds at the top of a mailbox: well-known mail folders, and non-mail folders
 * that `mailFolders` does not list but that still refuse a mail folder of their name
 * (ErrorFolderExists): the default folders of [MS-OXOSFLD] and those Exchange Online adds. A Zimbra
 * folder of such a name is renamed "Name (2)" and reported.
 */
const RESERVED_TOP_LEVEL = [
  'Archive',
  'Outbox',
  'Conversation History',
  'Sync Issues',
  'Calendar',
  'Contacts',
  'Tasks',
  'Notes',
  'Journal',
  'Files',
  'Conversation Action Settings',
  'Quick Step Settings',
  'RSS Feeds',
  'RSS Subscriptions',
  'Suggested Contacts',
  'ExternalContacts',
  'PersonMetadata',
  'Yammer Root',
  'Social Activity Notifications',
  'Scheduled',
  'Clutter',
  'Recoverable Items',
];
/** Exchange limits folder display names; longer names are cut (and reported). */
export const MAX_FOLDER_NAME_LENGTH = 250;

/**
 * Plans the destination of every source mail folder: system folders map to their well-known
 * Exchange folders, user folders keep their hierarchy. FolderMapping rules rewrite source paths
 * first; clashes (same name ignoring case, reserved names, over-long names) are resolved
 * deterministically — the same source always gets the same destination name.
 */
export function planMailFolders(
  folders: readonly SourceFolder[],
  options: Pick<PassOptions, 'folderFilter' | 'folderMappings'>,
): PlannedFolder[] {
  const filter =
    options.folderFilter === undefined
      ? undefined
      : compileUserPattern(options.folderFilter, 'Folder filter');
  const mappings = options.folderMappings.map((m) => ({
    pattern: compileUserPattern(m.pattern, 'FolderMapping'),
    replacement: m.replacement,
  }));
  const byId = new Map(folders.map((f) => [f.id, f]));
  const mail = folders
    .filter((f) => f.view === 'message' && !(filter?.test(f.path) ?? false))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : Number(a.id) - Number(b.id)));

  /** Used destination names per destination parent (lower-cased), to find clashes. */
  const taken = new Map<string, Set<string>>();
  const claim = (parentKey: string, wanted: string): string => {
    const used = taken.get(parentKey) ?? new Set<string>();
    taken.set(parentKey, used);
    let name = wanted;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${wanted} (${n})`;
    used.add(name.toLowerCase());
    return name;
  };
  const top = taken.set('', new Set(RESERVED_TOP_LEVEL.map((n) => n.toLowerCase()))).get('')!;
  for (const name of Object.values(WELL_KNOWN_NAMES)) top.add(name.toLowerCase());

  const destinationOf = new Map<string, readonly string[]>();
  const planned: PlannedFolder[] = [];
  for (const folder of mail) {
    const wellKnown = folder.role === undefined ? undefined : WELL_KNOWN_NAMES[folder.role];
    let destinationPath: readonly string[];
    let renamed: string | undefined;
    if (wellKnown !== undefined && folder.parentId === undefined) {
      destinationPath = [wellKnown];
    } else {
      const mapped = applyMappings(folder.path, mappings);
      const parent = folder.parentId === undefined ? undefined : byId.get(folder.parentId);
      const parentPath =
        mapped !== folder.path
          ? mapped.split('/').slice(0, -1)
          : parent === undefined
            ? []
            : (destinationOf.get(parent.id) ?? parent.path.split('/'));
      const wanted = clean(mapped.split('/').at(-1) ?? folder.name);
      const name = claim(parentPath.join('/').toLowerCase(), wanted);
      if (name !== folder.name) {
        renamed =
          name === wanted
            ? `renamed to "${name}" (${mapped !== folder.path ? 'FolderMapping' : 'name not allowed as is'})`
            : `renamed to "${name}": "${wanted}" already exists there`;
      }
      destinationPath = [...parentPath, name];
    }
    destinationOf.set(folder.id, destinationPath);
    planned.push({
      sourceFolderId: folder.id,
      sourcePath: folder.path,
      destinationPath,
      role: folder.parentId === undefined ? folder.role : undefined,
      sourceCount: folder.itemCount,
      renamed,
    });
  }
  return planned;
}

function applyMappings(
  path: string,
  mappings: readonly { pattern: UserPattern; replacement: string }[],
): string {
  for (const { pattern, replacement } of mappings) {
    if (pattern.test(path)) return pattern.replaceFirst(path, replacement);
  }
  return path;
}

/** Trims whitespace Exchange would drop and cuts over-long names. */
function clean(name: string): string {
  const trimmed = name.trim() === '' ? '(unnamed)' : name.trim();
  return trimmed.length > MAX_FOLDER_NAME_LENGTH ? trimmed.slice(0, MAX_FOLDER_NAME_LENGTH) : trimmed;
}
