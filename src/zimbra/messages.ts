import type { SourceMessageRef, SourcePage } from '../domain/source.ts';
import { children, integer, type JsonElement, text } from './json-element.ts';
import { decodeTagNames } from './tag-names.ts';

/** Zimbra caps a page at 1000 hits and defaults to 10 (30 on 6.x/7.x): always ask explicitly. */
export const SEARCH_PAGE_SIZE = 500;

/** The SearchRequest body for one page of one folder, oldest first, continuing after `cursor`. */
export function folderPageRequest(
  folderId: string,
  cursor: string | undefined,
  limit = SEARCH_PAGE_SIZE,
  types = 'message',
): JsonElement {
  const body: JsonElement = {
    types,
    sortBy: 'dateAsc',
    limit,
    offset: 0,
    query: `inid:${folderId}`,
  };
  if (cursor !== undefined) {
    const [id, sortVal] = cursor.split('|');
    body.cursor = { id, sortVal };
  }
  return body;
}

/**
 * Reads a SearchResponse page. The cursor is the id and sort value (`sf`) of the last hit, which
 * the server positions after, ignoring offset (zimbra.md §5.1). Tags: 8.0+ sends names in `tn`;
 * 6.x/7.x only ids in `t`, mapped through `tagNamesById`.
 */
export function readMessagePage(
  response: JsonElement,
  tagNamesById: ReadonlyMap<string, string>,
): SourcePage<SourceMessageRef> {
  const hits = children(response, 'm');
  const items = hits.map((hit): SourceMessageRef => ({
    id: text(hit, 'id') ?? '',
    folderId: text(hit, 'l') ?? '',
    sizeBytes: integer(hit, 's') ?? 0,
    receivedMs: integer(hit, 'd') ?? 0,
    flags: text(hit, 'f') ?? '',
    tags: hitTags(hit, tagNamesById),
    subject: text(hit, 'su'),
  }));
  return { items, next: nextCursor(response, hits) };
}

/** Tag names of a hit: 8.0+ sends names in `tn` (commas escaped); 6.x/7.x only ids in `t`, mapped through `tagNamesById`. */
export function hitTags(hit: JsonElement, tagNamesById: ReadonlyMap<string, string>): string[] {
  const tagNames = text(hit, 'tn');
  if (tagNames !== undefined && tagNames !== '') return decodeTagNames(tagNames);
  const tagIds = text(hit, 't');
  if (tagIds === undefined || tagIds === '') return [];
  return tagIds.split(',').flatMap((id) => {
    const name = tagNamesById.get(id);
    return name === undefined ? [] : [name];
  });
}

/** The cursor after the last hit when the server says more follow: its id and sort value (`sf`). */
export function nextCursor(response: JsonElement, hits: readonly JsonElement[]): string | undefined {
  const last = hits.at(-1);
  const more = text(response, 'more') === 'true' || text(response, 'more') === '1';
  return more && last !== undefined
    ? `${text(last, 'id') ?? ''}|${text(last, 'sf') ?? text(last, 'd') ?? ''}`
    : undefined;
}
