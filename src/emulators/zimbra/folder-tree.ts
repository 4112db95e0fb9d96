/** The nested folder JSON of GetFolderResponse: children sorted by name, optional view filter and depth. */
import { folderJson } from './encode-items.ts';
import type { Account, Folder } from './model.ts';

type Json = Record<string, unknown>;

function containsView(folder: Folder, view: string): boolean {
  return folder.view === view || folder.children.some((c) => containsView(c, view));
}

export function encodeFolderTree(
  account: Account,
  folder: Folder,
  version: string,
  view: string | undefined,
  depth: number,
): Json | undefined {
  if (view !== undefined && !containsView(folder, view) && folder.id !== 1) return undefined;
  const json = folderJson(account, folder, version);
  if (depth === 0) return json;
  // A mountpoint's own subfolders are the owner's and only listed with tr=1 (not emulated).
  if (folder.kind === 'link') return json;
  const sorted = [...folder.children].sort((a, b) =>
    a.name.toLowerCase().localeCompare(b.name.toLowerCase()),
  );
  // Children are grouped by element name: `folder`, `link` (mountpoint), `search` (zimbra.md §4.1).
  for (const element of ['folder', 'link', 'search'] as const) {
    const kids = sorted
      .filter((c) => (c.kind ?? 'folder') === element)
      .map((c) => encodeFolderTree(account, c, version, view, depth - 1))
      .filter((c): c is Json => c !== undefined);
    if (kids.length > 0) json[element] = kids;
  }
  return json;
}
