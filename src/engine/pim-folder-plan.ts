import type { PassOptions } from '../domain/migration.ts';
import type { PimContainerRequest, PimKind } from '../domain/pim.ts';
import type { FolderView, SourceFolder, SystemFolderRole } from '../domain/source.ts';
import { compileUserPattern } from '../domain/user-pattern.ts';
import { graphCalendarColor } from './calendar-color.ts';

/** Where each source contact, calendar or task folder goes. */
export interface PlannedPimFolder {
  readonly sourceFolderId: string;
  readonly sourcePath: string;
  readonly kind: PimKind;
  readonly container: PimContainerRequest;
  readonly sourceCount: number;
}

const KIND_OF_VIEW: Partial<Record<FolderView, PimKind>> = {
  contact: 'contacts',
  appointment: 'calendar',
  task: 'tasks',
};
/** Zimbra's default folder of each kind becomes the destination's default contacts, calendar or task list. */
const DEFAULT_ROLE: Record<PimKind, SystemFolderRole> = {
  contacts: 'contacts',
  calendar: 'calendar',
  tasks: 'tasks',
};

/**
 * Plans contact, calendar and task folders. Zimbra's Contacts, Calendar and Tasks become the
 * mailbox's defaults; a folder below one of them is placed below the default (its path is taken
 * relative to it); any other folder keeps its path. Names that clash ignoring case get " (2)".
 */
export function planPimFolders(
  folders: readonly SourceFolder[],
  options: Pick<PassOptions, 'folderFilter' | 'itemTypes'>,
): PlannedPimFolder[] {
  const filter =
    options.folderFilter === undefined
      ? undefined
      : compileUserPattern(options.folderFilter, 'Folder filter');
  const byId = new Map(folders.map((f) => [f.id, f]));
  const isDefault = (folder: SourceFolder, kind: PimKind) =>
    folder.role === DEFAULT_ROLE[kind] && folder.parentId === undefined;
  const taken = new Map<string, Set<string>>();
  const planned: PlannedPimFolder[] = [];
  const sorted = [...folders].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const folder of sorted) {
    const kind = KIND_OF_VIEW[folder.view];
    if (kind === undefined || !options.itemTypes.includes(kind)) continue;
    if (filter?.test(folder.path) ?? false) continue;
    let path: string[] = [];
    if (!isDefault(folder, kind)) {
      const names = [folder.name];
      for (let parent = byId.get(folder.parentId ?? ''); parent !== undefined;) {
        if (isDefault(parent, kind)) break;
        names.unshift(parent.name);
        parent = byId.get(parent.parentId ?? '');
      }
      path = uniquePath(taken, kind, names);
    }
    planned.push({
      sourceFolderId: folder.id,
      sourcePath: folder.path,
      kind,
      container: {
        kind,
        path,
        isDefault: isDefault(folder, kind),
        color: kind === 'calendar' ? graphCalendarColor(folder.color) : undefined,
      },
      sourceCount: folder.itemCount,
    });
  }
  return planned;
}

function uniquePath(taken: Map<string, Set<string>>, kind: PimKind, names: readonly string[]): string[] {
  const parentKey = `${kind}:${names.slice(0, -1).join('/').toLowerCase()}`;
  const used = taken.get(parentKey) ?? new Set<string>();
  taken.set(parentKey, used);
  const wanted = (names.at(-1) ?? '').trim() || '(unnamed)';
  let name = wanted;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${wanted} (${n})`;
  used.add(name.toLowerCase());
  return [...names.slice(0, -1), name];
}
