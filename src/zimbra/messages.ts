import type { SourceMessageRef, SourcePage } from '../domain/source.ts';
import { children, integer, type JsonElement, text } from './json-element.ts';

/** Zimbra caps a page at 1000 hits and defaults to 10 (30 on 6.x/7.x): always ask explicitly. */
export const SEARCH_PAGE_SIZE = 500;

/** The SearchRequest body for one page of one folder, oldest first, continuing after `cursor`. */
export function folderPageRequest(
  folderId: string,
  cursor: string | undefined,
  limit = SEARCH_PAGE_SIZE,
): JsonElement {
  const body: JsonElement = {
    types: 'message',
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
  const items = hits.map((hit): SourceMessageRef => {
    const tagNames = text(hit, 'tn');
    const tagIds = text(hit, 't');
    const tags =
      tagNames !== undefined && tagNames !== ''
        ? tagNames.split(',')
        : tagIds !== undefined && tagIds !== ''
          ? tagIds.split(',').flatMap((id) => {
              const name = tagNamesById.get(id);
              return name === undefined ? [] : [name];
            })
          : [];
    return {
      id: text(hit, 'id') ?? '',
      folderId: text(hit, 'l') ?? '',
      sizeBytes: integer(hit, 's') ?? 0,
      receivedMs: integer(hit, 'd') ?? 0,
      flags: text(hit, 'f') ?? '',
      tags,
      subject: text(hit, 'su'),
    };
  });
  const last = hits.at(-1);
  const more = text(response, 'more') === 'true' || text(response, 'more') === '1';
  const next =
    more && last !== undefined
      ? `${text(last, 'id') ?? ''}|${text(last, 'sf') ?? text(last, 'd') ?? ''}`
      : undefined;
  return { items, next };
}
