/**
 * SearchRequest (SearchParams/Search/ResultsPager semantics): default types=conversation, limit
 * default 10 (30 before 8.0) capped at 1000, offset or cursor paging with `more`, Trash/Junk left out
 * of folder-less queries, calExpandInstStart/End expansion and the calendar-summary fast path.
 */
import { expandInstances, hasDates, instanceJson } from '../calendar-expand.ts';
import { calendarHitJson, contactJson, messageHitJson, type Recipients, tagAttrs } from '../encode-items.ts';
import { JUNK_ID, TRASH_ID } from '../folders.ts';
import { addressJson } from '../message-summary.ts';
import type { Account, Item, ItemKind } from '../model.ts';
import { compileQuery } from '../search-query.ts';
import type { HandlerContext, SoapHandler } from '../soap-dispatch.ts';
import { attr, boolAttr, child, intAttr, type Json } from '../soap-envelope.ts';
import { faults } from '../soap-faults.ts';
import { atLeast } from '../versions.ts';
import { allPrefs } from './prefs.ts';
import { fullMessageJson } from '../message-encode.ts';
import { sortHits, SORT_ORDERS, type SortBy, sortValue, compareToCursor } from '../search-sort.ts';

const MAX_LIMIT = 1000;
const MAX_CALENDAR_RANGE_DAYS = 400;
const DAY = 86_400_000;

const TYPE_KINDS: Record<string, ItemKind | 'conversation'> = {
  message: 'message',
  conversation: 'conversation',
  contact: 'contact',
  appointment: 'appointment',
  task: 'task',
};

function search(request: Json, ctx: HandlerContext): Json {
  const account = ctx.target;
  if (!account) throw faults.authRequired();
  const version = ctx.state.directory.version;
  const typeNames = (attr(request, 'types') ?? attr(request, 'searchTypes') ?? 'conversation')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const kinds = new Set(typeNames.map((t) => TYPE_KINDS[t]).filter((k) => k !== undefined));
  const conversations = kinds.has('conversation');
  const requestedSort = attr(request, 'sortBy');
  const sortBy: SortBy = SORT_ORDERS.includes(requestedSort as SortBy)
    ? (requestedSort as SortBy)
    : 'dateDesc';
  const defaultLimit = atLeast(version, 8) ? 10 : 30;
  const requestedLimit = intAttr(request, 'limit') ?? 0;
  const limit = requestedLimit <= 0 ? defaultLimit : Math.min(requestedLimit, MAX_LIMIT);
  const offset = Math.max(0, intAttr(request, 'offset') ?? 0);
  const query = compileQuery(attr(request, 'query') ?? '', account.mailbox, ctx.now);
  const prefs = allPrefs(account);
  const excluded = new Set<number>();
  if (!query.hasFolderTerm) {
    if (prefs['zimbraPrefIncludeTrashInSearch'] !== 'TRUE') excluded.add(TRASH_ID);
    if (prefs['zimbraPrefIncludeSpamInSearch'] !== 'TRUE') excluded.add(JUNK_ID);
  }
  const wantsKind = (kind: ItemKind): boolean => kinds.has(kind) || (conversations && kind === 'message');
  let hits: Item[] = [...account.mailbox.items.values()].filter(
    (item) => wantsKind(item.kind) && !excluded.has(item.folderId) && query.matches(item),
  );
  const expandStart = intAttr(request, 'calExpandInstStart');
  const expandEnd = intAttr(request, 'calExpandInstEnd');
  const expanding = expandStart !== undefined && expandEnd !== undefined;
  const calendarOnly = typeNames.length === 1 && (typeNames[0] === 'appointment' || typeNames[0] === 'task');
  const fastPath = calendarOnly && offset === 0 && requestedSort === 'none' && query.onlyInids !== undefined;
  if (fastPath && expanding && expandEnd - expandStart > MAX_CALENDAR_RANGE_DAYS * DAY) {
    throw faults.invalidRequest(`Requested range is too large (Maximum ${MAX_CALENDAR_RANGE_DAYS} days)`);
  }
  const instances = new Map<number, Json[]>();
  if (expanding) {
    hits = hits.filter((item) => {
      if (item.kind !== 'appointment' && item.kind !== 'task') return true;
      if (item.kind === 'task' && !hasDates(item)) return true;
      const list = expandInstances(item, expandStart, expandEnd);
      instances.set(
        item.id,
        list.map((i) => instanceJson(item, i)),
      );
      return list.length > 0;
    });
  }
  hits = sortHits(hits, sortBy);
  let start = offset;
  const cursor = child(request, 'cursor');
  const cursorId = attr(cursor, 'id');
  if (cursor && cursorId !== undefined && sortBy !== 'none') {
    const sortVal = attr(cursor, 'sortVal');
    const endSortVal = attr(cursor, 'endSortVal');
    const index = hits.findIndex((item) => compareToCursor(item, sortBy, sortVal, Number(cursorId)) > 0);
    start = index < 0 ? hits.length : index;
    if (endSortVal !== undefined) {
      hits = hits.filter((item, i) => i < start || compareToCursor(item, sortBy, endSortVal, Number.NaN) < 0);
    }
  }
  const page = fastPath ? hits : hits.slice(start, start + limit);
  const more = !fastPath && start + limit < hits.length;
  const response: Json = { sortBy, offset: fastPath ? 0 : start, more };
  if (attr(request, 'resultMode')?.toUpperCase() === 'IDS') {
    if (page.length > 0) response['hit'] = page.map((item) => ({ id: String(item.id) }));
    return response;
  }
  const recip = Math.min(2, Math.max(0, intAttr(request, 'recip') ?? 0)) as Recipients;
  const fetch = attr(request, 'fetch');
  const html = boolAttr(request, 'html');
  page.forEach((item, index) => {
    const hit = encodeHit(account, item, version, recip, conversations);
    const sf = sortValue(item, sortBy);
    if (item.kind === 'message' && !conversations && shouldFetch(fetch, index, item.id)) {
      Object.assign(
        hit,
        fullMessageJson(account, item, version, { html, max: undefined, part: undefined, headers: [] }),
      );
    }
    const inst = instances.get(item.id);
    if (inst) hit['inst'] = inst;
    if (sf !== undefined) hit['sf'] = sf;
    const key =
      item.kind === 'message'
        ? conversations
          ? 'c'
          : 'm'
        : item.kind === 'contact'
          ? 'cn'
          : item.kind === 'task'
            ? 'task'
            : 'appt';
    const list = (response[key] as Json[] | undefined) ?? [];
    list.push(hit);
    response[key] = list;
  });
  return response;
}

function shouldFetch(fetch: string | undefined, index: number, id: number): boolean {
  if (fetch === undefined || fetch === '0' || fetch === 'none') return false;
  if (fetch === 'all') return true;
  if (fetch === '1' || fetch === 'first') return index === 0;
  return fetch.split(',').includes(String(id));
}

function encodeHit(
  account: Account,
  item: Item,
  version: string,
  recip: Recipients,
  conversations: boolean,
): Json {
  switch (item.kind) {
    case 'message': {
      if (!conversations) return messageHitJson(account, item, version, recip);
      const conv: Json = { id: String(-item.id), u: item.flags.includes('u') ? 1 : 0, n: 1 };
      if (item.flags) conv['f'] = item.flags;
      Object.assign(conv, tagAttrs(account, item.tags, version));
      conv['d'] = item.date;
      const senders = item.summary.addresses.filter((a) => a.type === 'f').map(addressJson);
      if (senders.length > 0) conv['e'] = senders;
      if (item.summary.subject !== undefined) conv['su'] = item.summary.subject;
      if (item.summary.fragment) conv['fr'] = item.summary.fragment;
      conv['m'] = [
        { id: String(item.id), l: String(item.folderId), ...(item.flags ? { f: item.flags } : {}) },
      ];
      return conv;
    }
    case 'contact':
      return contactJson(account, item, version);
    case 'appointment':
    case 'task':
      return calendarHitJson(account, item, version);
  }
}

export const searchHandlers: Record<string, SoapHandler> = {
  'urn:zimbraMail|SearchRequest': { ns: 'urn:zimbraMail', auth: 'user', handle: search },
};
