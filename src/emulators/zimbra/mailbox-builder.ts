/**
 * Builds one account's mailbox from its data-dir folder. Ids are deterministic: user folders get ids
 * from 257 in sorted path order, then tags (8.0+; 64 upwards on 6.x/7.x), then items in category
 * (mail, contacts, calendar, tasks) and sorted path order.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { readJsonFile } from './json-file.ts';
import { addFolder, createSystemFolders, systemFolderIdForName } from './folders.ts';
import { groupCalendarComponents, timeProp, toUtcMs } from './icalendar.ts';
import { canonicalFlags, itemUuid } from './ids.ts';
import { decodeBytes } from './mime.ts';
import { summarizeMessage } from './message-summary.ts';
import type { CalendarItem, ContactItem, Folder, FolderStats, Item, Mailbox, Tag } from './model.ts';
import { resolveGroupMembers } from './contact-groups.ts';
import { atLeast } from './versions.ts';
import { parseVCards, fileAsString } from './vcard.ts';

const FIRST_USER_ID = 257;

const CATEGORIES = [
  { dir: 'mail', view: 'message', defaultFolder: 2, ext: '.eml' },
  { dir: 'contacts', view: 'contact', defaultFolder: 7, ext: '.vcf' },
  { dir: 'calendar', view: 'appointment', defaultFolder: 10, ext: '.ics' },
  { dir: 'tasks', view: 'task', defaultFolder: 15, ext: '.ics' },
] as const;
type Category = (typeof CATEGORIES)[number];

const messageMetaSchema = z
  .object({
    flags: z.string().optional(),
    tags: z.array(z.string()).optional(),
    receivedMs: z.number().optional(),
  })
  .loose();
const tagsSchema = z.array(
  z
    .object({
      name: z.string(),
      color: z.number().int().min(0).max(9).optional(),
      rgb: z.string().optional(),
    })
    .loose(),
);
const filtersSchema = z.union([
  z.array(z.unknown()),
  z
    .object({ filterRules: z.array(z.object({ filterRule: z.array(z.unknown()).optional() }).loose()) })
    .loose(),
]);
/** signatures.json: the `signature` array of GetSignaturesResponse (zimbra.md §10). */
const signaturesSchema = z.array(
  z
    .object({
      id: z.string(),
      name: z.string(),
      content: z.array(z.object({ type: z.string(), _content: z.string() })).optional(),
    })
    .loose(),
);
const prefsSchema = z.record(z.string(), z.union([z.string(), z.array(z.string()), z.boolean(), z.number()]));

/**
 * `folders.json`: folders that are not plain folders, by path ("Invoices", "Work/Shared plan"):
 * saved searches (`search`, with their query), mountpoints of another user's folder (`link`, with
 * the owner and the owner's folder id) and feed calendars (`url`). A search may hold real folders
 * below it, as in Zimbra (zimbra.md §4.1, §4.3).
 */
const folderKindsSchema = z.record(
  z.string(),
  z.object({
    kind: z.enum(['search', 'link']).optional(),
    view: z.string().optional(),
    query: z.string().optional(),
    owner: z.string().optional(),
    remoteId: z.number().int().optional(),
    url: z.string().optional(),
  }),
);

interface FileEntry {
  readonly category: Category;
  readonly segments: readonly string[];
  readonly name: string;
  readonly full: string;
}

const compareSegments = (a: readonly string[], b: readonly string[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
};

function walk(
  root: string,
  segments: string[],
  dirs: string[][],
  files: { segments: string[]; name: string; full: string }[],
): void {
  let entries;
  try {
    entries = readdirSync(path.join(root, ...segments), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) {
      dirs.push([...segments, entry.name.normalize('NFC')]);
      walk(root, [...segments, entry.name], dirs, files);
    } else if (entry.isFile()) {
      files.push({
        segments: segments.map((s) => s.normalize('NFC')),
        name: entry.name,
        full: path.join(root, ...segments, entry.name),
      });
    }
  }
}

export function emptyMailbox(email: string, version: string): Mailbox {
  const folders = createSystemFolders(email, version);
  return {
    folders,
    stats: computeStats(folders, new Map()),
    items: new Map(),
    tags: [],
    filterRules: [],
    outgoingFilterRules: [],
    signatures: [],
    prefs: {},
    changeId: FIRST_USER_ID - 1,
  };
}

export function buildMailbox(accountDir: string, email: string, version: string): Mailbox {
  const folders = createSystemFolders(email, version);
  let nextId = FIRST_USER_ID;
  const files: FileEntry[] = [];
  const folderViews = new Map<string, { segments: string[]; view: string }>();
  for (const category of CATEGORIES) {
    const dirs: string[][] = [];
    const found: { segments: string[]; name: string; full: string }[] = [];
    walk(path.join(accountDir, category.dir), [], dirs, found);
    for (const segments of dirs) {
      const key = segments.join('/');
      if (!folderViews.has(key)) folderViews.set(key, { segments, view: category.view });
    }
    for (const f of found) if (f.name.toLowerCase().endsWith(category.ext)) files.push({ category, ...f });
  }
  const byKey = new Map<string, Folder>();
  const root = folders.get(1);
  if (!root) throw new Error('root folder missing');
  const kinds = new Map(
    Object.entries(readJsonFile(path.join(accountDir, 'folders.json'), folderKindsSchema) ?? {}).map(
      ([key, spec]) => [key.replace(/^\/+|\/+$/g, ''), spec],
    ),
  );
  for (const [key, spec] of kinds) {
    const segments = key.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parentKey = segments.slice(0, i).join('/');
      if (!folderViews.has(parentKey))
        folderViews.set(parentKey, { segments: segments.slice(0, i), view: 'message' });
    }
    if (!folderViews.has(key)) folderViews.set(key, { segments, view: spec.view ?? 'message' });
  }
  for (const { segments, view } of [...folderViews.values()].sort((a, b) =>
    compareSegments(a.segments, b.segments),
  )) {
    const parentSegments = segments.slice(0, -1);
    const name = segments.at(-1) ?? '';
    const systemId = parentSegments.length === 0 ? systemFolderIdForName(name) : undefined;
    const systemFolder = systemId === undefined ? undefined : folders.get(systemId);
    if (systemFolder) {
      byKey.set(segments.join('/'), systemFolder);
      continue;
    }
    const parent = parentSegments.length === 0 ? root : byKey.get(parentSegments.join('/'));
    if (!parent) continue;
    const spec = kinds.get(segments.join('/'));
    const { kind, query, owner, remoteId, url } = spec ?? {};
    byKey.set(
      segments.join('/'),
      addFolder(
        folders,
        email,
        nextId++,
        parent,
        name,
        kind === 'search' ? undefined : (spec?.view ?? view),
        {
          ...(kind === undefined ? {} : { kind }),
          ...(query === undefined ? {} : { query }),
          ...(owner === undefined ? {} : { owner }),
          ...(remoteId === undefined ? {} : { remoteId }),
          ...(url === undefined ? {} : { url }),
        },
      ),
    );
  }
  const folderOf = (entry: FileEntry): number =>
    entry.segments.length === 0
      ? entry.category.defaultFolder
      : (byKey.get(entry.segments.join('/'))?.id ?? entry.category.defaultFolder);

  const messageMeta = new Map<string, z.infer<typeof messageMetaSchema>>();
  for (const file of files) {
    if (file.category.dir === 'mail') {
      messageMeta.set(file.full, readJsonFile(`${file.full}.json`, messageMetaSchema) ?? {});
    }
  }
  const declared = readJsonFile(path.join(accountDir, 'tags.json'), tagsSchema) ?? [];
  const tagNames = [...declared.map((t) => t.name)];
  for (const meta of messageMeta.values()) {
    for (const t of meta.tags ?? []) if (!tagNames.includes(t)) tagNames.push(t);
  }
  const modernTags = atLeast(version, 8);
  const tags: Tag[] = tagNames.map((name, i) => {
    const spec = declared.find((t) => t.name === name);
    const id = modernTags ? nextId++ : 64 + i;
    return {
      id,
      name,
      ...(spec?.rgb !== undefined
        ? { rgb: spec.rgb }
        : spec?.color !== undefined
          ? { color: spec.color }
          : {}),
    };
  });

  const items = new Map<number, Item>();
  const sorted = [...files].sort(
    (a, b) =>
      CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) ||
      compareSegments([...a.segments, a.name], [...b.segments, b.name]),
  );
  const contacts: ContactItem[] = [];
  const calendarFolders = new Map<string, FileEntry[]>();
  for (const file of sorted) {
    const mtime = statSync(file.full).mtimeMs;
    if (file.category.dir === 'mail') {
      const raw = readFileSync(file.full);
      const summary = summarizeMessage(raw);
      const meta = messageMeta.get(file.full) ?? {};
      const id = nextId++;
      items.set(id, {
        kind: 'message',
        id,
        folderId: folderOf(file),
        uuid: itemUuid(email, id),
        date: meta.receivedMs ?? summary.receivedDate ?? summary.sentDate ?? Math.floor(mtime),
        size: raw.length,
        flags: canonicalFlags(`${meta.flags ?? ''}${summary.derivedFlags}`),
        tags: meta.tags ?? [],
        file: file.full,
        summary,
      });
    } else if (file.category.dir === 'contacts') {
      for (const parsed of parseVCards(readFileSync(file.full))) {
        const id = nextId++;
        const contact: ContactItem = {
          kind: 'contact',
          id,
          folderId: folderOf(file),
          uuid: itemUuid(email, id),
          date: parsed.revMs ?? Math.floor(mtime),
          size: parsed.photo?.bytes.length ?? 0,
          flags: '',
          tags: [],
          attrs: parsed.attrs,
          members: parsed.memberRefs.map((value) => ({ type: 'I' as const, value })),
          fileAsStr: fileAsString(parsed.attrs),
          photo: parsed.photo,
        };
        contacts.push(contact);
        items.set(id, contact);
      }
    } else {
      const key = `${file.category.dir}:${folderOf(file)}`;
      calendarFolders.set(key, [...(calendarFolders.get(key) ?? []), file]);
    }
  }
  for (const contact of resolveGroupMembers(contacts)) items.set(contact.id, contact);
  for (const [key, entries] of calendarFolders) {
    const first = entries[0];
    if (!first) continue;
    const kind = first.category.dir === 'tasks' ? 'task' : 'appointment';
    const texts = entries.map((e) => ({ name: e.name, text: decodeBytes(readFileSync(e.full)) }));
    const mtime = Math.floor(statSync(first.full).mtimeMs);
    for (const group of groupCalendarComponents(texts, kind === 'task' ? 'vtodo' : 'vevent')) {
      const firstInviteId = nextId++;
      const id = nextId++;
      const invites = group.components.map((component, i) => ({
        id: i === 0 ? firstInviteId : nextId++,
        component,
        recurrenceId: timeProp(component, 'recurrence-id'),
      }));
      const stamp = group.components[0];
      const stampTime = stamp
        ? (timeProp(stamp, 'last-modified') ?? timeProp(stamp, 'dtstamp') ?? timeProp(stamp, 'created'))
        : undefined;
      const item: CalendarItem = {
        kind,
        id,
        folderId: Number(key.split(':')[1]),
        uuid: itemUuid(email, id),
        date: stampTime ? toUtcMs(stampTime) : mtime,
        size: 0,
        flags: '',
        tags: [],
        uid: group.uid,
        invites,
        timezones: group.timezones,
      };
      items.set(id, item);
    }
  }
  const filters = readJsonFile(path.join(accountDir, 'filters.json'), filtersSchema);
  const rulesOf = (file: z.infer<typeof filtersSchema> | undefined) =>
    Array.isArray(file) ? file : (file?.filterRules.flatMap((r) => r.filterRule ?? []) ?? []);
  const filterRules = rulesOf(filters);
  const outgoingFilterRules = rulesOf(
    readJsonFile(path.join(accountDir, 'outgoing-filters.json'), filtersSchema),
  );
  const signatures = readJsonFile(path.join(accountDir, 'signatures.json'), signaturesSchema) ?? [];
  const prefs: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(
    readJsonFile(path.join(accountDir, 'prefs.json'), prefsSchema) ?? {},
  )) {
    prefs[key] =
      typeof value === 'boolean' ? (value ? 'TRUE' : 'FALSE') : Array.isArray(value) ? value : String(value);
  }
  return {
    folders,
    stats: computeStats(folders, items),
    items,
    tags,
    filterRules,
    outgoingFilterRules,
    signatures,
    prefs,
    changeId: nextId - 1,
  };
}

function computeStats(folders: Map<number, Folder>, items: Map<number, Item>): Map<number, FolderStats> {
  const stats = new Map<number, FolderStats>();
  for (const id of folders.keys()) stats.set(id, { n: 0, u: 0, s: 0, maxId: id });
  for (const item of items.values()) {
    const s = stats.get(item.folderId);
    if (!s) continue;
    s.n++;
    s.s += item.size;
    if (item.kind === 'message' && item.flags.includes('u')) s.u++;
    s.maxId = Math.max(s.maxId, item.id);
  }
  return stats;
}
