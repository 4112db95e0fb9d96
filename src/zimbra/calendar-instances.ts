import type { SourceCalendarInstance } from '../domain/pim.ts';
import { bool, children, integer, type JsonElement, text } from './json-element.ts';

/** The calendar summary cache refuses longer windows (localconfig calendar_search_max_days, zimbra.md §7.2). */
export const MAX_EXPAND_DAYS = 400;
const DAY_MS = 86_400_000;
const PAGE_LIMIT = 1000;

/**
 * Splits [fromMs, toMs) into windows of at most 400 days. Chunks rather than dateAsc paging: each
 * request then takes Zimbra's fast path (sortBy=none, inid only), answered from its calendar summary
 * cache with every item at once, and no single answer carries years of expanded instances.
 */
export function expansionWindows(fromMs: number, toMs: number): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  for (let start = fromMs; start < toMs; start += MAX_EXPAND_DAYS * DAY_MS) {
    windows.push({ start, end: Math.min(toMs, start + MAX_EXPAND_DAYS * DAY_MS) });
  }
  return windows;
}

export function instancesRequest(folderId: string, start: number, end: number, offset: number): JsonElement {
  return {
    types: 'appointment',
    sortBy: 'none',
    limit: PAGE_LIMIT,
    offset,
    query: `inid:${folderId}`,
    calExpandInstStart: start,
    calExpandInstEnd: end,
  };
}

/**
 * The instances of one SearchResponse. An exception (`ex`) may carry its own duration and all-day
 * flag; other instances take the series'. A RECURRENCE-ID only exists for recurring items.
 */
export function readInstances(response: JsonElement): { instances: SourceCalendarInstance[]; hits: number } {
  const appointments = children(response, 'appt');
  const instances = appointments.flatMap((appt) => {
    const itemId = text(appt, 'id') ?? '';
    const recurring = bool(appt, 'recur') === true;
    return children(appt, 'inst').flatMap((inst): SourceCalendarInstance[] => {
      const startMs = integer(inst, 's');
      if (startMs === undefined) return [];
      const exception = bool(inst, 'ex') === true;
      const duration = (exception ? integer(inst, 'dur') : undefined) ?? integer(appt, 'dur') ?? 0;
      const ridZ = text(inst, 'ridZ');
      return [
        {
          itemId,
          startMs,
          endMs: startMs + duration,
          allDay: bool(inst, 'allDay') ?? bool(appt, 'allDay') ?? false,
          recurrenceIdUtc: recurring || exception ? ridZ : undefined,
        },
      ];
    });
  });
  return { instances, hits: appointments.length };
}

/** One instance per item and occurrence, whichever windows reported it (an instance may span two). */
export function dedupeInstances(instances: readonly SourceCalendarInstance[]): SourceCalendarInstance[] {
  const seen = new Map<string, SourceCalendarInstance>();
  for (const instance of instances) {
    const key = `${instance.itemId}|${instance.recurrenceIdUtc ?? instance.startMs}`;
    if (!seen.has(key)) seen.set(key, instance);
  }
  return [...seen.values()].sort((a, b) => a.startMs - b.startMs || a.itemId.localeCompare(b.itemId));
}
