/** SearchRequest sort orders, their `sf` values and cursor positioning (ResultsPager). */
import type { Item } from './model.ts';

export const SORT_ORDERS = [
  'dateDesc',
  'dateAsc',
  'subjDesc',
  'subjAsc',
  'nameDesc',
  'nameAsc',
  'idDesc',
  'idAsc',
  'sizeDesc',
  'sizeAsc',
  'none',
] as const;
export type SortBy = (typeof SORT_ORDERS)[number];

function subjectKey(item: Item): string {
  if (item.kind === 'message') {
    return (item.summary.subject ?? '').replace(/^((re|fwd?|aw|wg)\s*:\s*)+/i, '').toUpperCase();
  }
  if (item.kind === 'contact') return item.fileAsStr.toUpperCase();
  return String(item.invites[0]?.component.getFirstPropertyValue('summary') ?? '').toUpperCase();
}

function nameKey(item: Item): string {
  if (item.kind === 'message') {
    const from = item.summary.addresses.find((a) => a.type === 'f')?.address;
    return (from?.personal ?? from?.address ?? '').toUpperCase();
  }
  return subjectKey(item);
}

type Key = { numeric: number } | { text: string };

function key(item: Item, sortBy: SortBy): Key {
  if (sortBy.startsWith('date')) return { numeric: item.date };
  if (sortBy.startsWith('id') || sortBy === 'none') return { numeric: item.id };
  if (sortBy.startsWith('size')) return { numeric: item.size };
  if (sortBy.startsWith('subj')) return { text: subjectKey(item) };
  return { text: nameKey(item) };
}

function compareKeys(a: Key, b: Key): number {
  if ('numeric' in a && 'numeric' in b) return a.numeric - b.numeric;
  const x = 'text' in a ? a.text : String(a.numeric);
  const y = 'text' in b ? b.text : String(b.numeric);
  return x < y ? -1 : x > y ? 1 : 0;
}

const descending = (sortBy: SortBy): boolean => sortBy.endsWith('Desc');

export function sortHits(items: Item[], sortBy: SortBy): Item[] {
  const sign = descending(sortBy) ? -1 : 1;
  return items.sort((a, b) => sign * (compareKeys(key(a, sortBy), key(b, sortBy)) || a.id - b.id));
}

export function sortValue(item: Item, sortBy: SortBy): string | undefined {
  if (sortBy === 'none') return undefined;
  const k = key(item, sortBy);
  return 'numeric' in k ? String(k.numeric) : k.text;
}

/** >0 when `item` sorts after the cursor position (sortVal, id); NaN id compares on value only. */
export function compareToCursor(item: Item, sortBy: SortBy, sortVal: string | undefined, id: number): number {
  const own = key(item, sortBy);
  const cursorKey: Key =
    'numeric' in own ? { numeric: Number(sortVal ?? 0) } : { text: (sortVal ?? '').toUpperCase() };
  const sign = descending(sortBy) ? -1 : 1;
  const byValue = sign * compareKeys(own, cursorKey);
  if (byValue !== 0 || Number.isNaN(id)) return byValue;
  return sign * (item.id - id);
}
