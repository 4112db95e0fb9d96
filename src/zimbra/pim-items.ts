import type { PimKind, SourcePimRef } from '../domain/pim.ts';
import type { SourcePage } from '../domain/source.ts';
import { children, integer, type JsonElement, text } from './json-element.ts';
import { folderPageRequest, hitTags, nextCursor } from './messages.ts';

/** The SearchRequest type and the hit element of each kind (zimbra.md §6–8). */
const SEARCH_TYPES: Readonly<Record<PimKind, { types: string; hit: string }>> = {
  contacts: { types: 'contact', hit: 'cn' },
  calendar: { types: 'appointment', hit: 'appt' },
  tasks: { types: 'task', hit: 'task' },
};

/**
 * One page of a contact, calendar or task folder: the same dateAsc + cursor crawl as messages. No
 * calExpandInst here, and sortBy is never `none`, so the calendar fast path and its 400-day limit
 * (zimbra.md §7.2) are not involved: every item comes once, whatever its dates.
 */
export function pimPageRequest(
  folderId: string,
  kind: PimKind,
  cursor: string | undefined,
  limit: number | undefined,
): JsonElement {
  return folderPageRequest(folderId, cursor, limit, SEARCH_TYPES[kind].types);
}

export function readPimPage(
  response: JsonElement,
  kind: PimKind,
  tagNamesById: ReadonlyMap<string, string>,
): SourcePage<SourcePimRef> {
  const hits = children(response, SEARCH_TYPES[kind].hit);
  const items = hits.map((hit): SourcePimRef => ({
    id: text(hit, 'id') ?? '',
    folderId: text(hit, 'l') ?? '',
    kind,
    revision: revisionOf(hit),
    sizeBytes: integer(hit, 's') ?? 0,
    tags: hitTags(hit, tagNamesById),
    subject: kind === 'contacts' ? (text(hit, 'fileAsStr') ?? attr(hit, 'fullName')) : text(hit, 'name'),
  }));
  return { items, next: nextCursor(response, hits) };
}

/**
 * `ms` (modified sequence) moves on every change, tags and moves included, which become categories
 * and folders in Microsoft 365; servers that leave it out still send `rev` (saved sequence) or the
 * change date `md`, and `d` as a last resort.
 */
function revisionOf(hit: JsonElement): string {
  const ms = text(hit, 'ms');
  if (ms !== undefined) return `ms:${ms}`;
  const rev = text(hit, 'rev');
  if (rev !== undefined) return `rev:${rev}`;
  const md = text(hit, 'md');
  return md !== undefined ? `md:${md}` : `d:${text(hit, 'd') ?? ''}`;
}

/** A single-valued contact attribute from `_attrs`. */
function attr(hit: JsonElement, name: string): string | undefined {
  const attrs = hit._attrs;
  if (typeof attrs !== 'object' || attrs === null) return undefined;
  const value = (attrs as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
