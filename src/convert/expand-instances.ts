/**
 * The support option ZimbraCalendarExpandInstances=1 (zimbra.md §7.2, `SearchRequest
 * calExpandInstStart/End`). The series is migrated exactly as without the option — recurrence,
 * changed and cancelled occurrences — and Zimbra's own expansion is used as a check: an occurrence
 * Zimbra computes that the series as migrated does not produce (Zimbra and iCalendar arithmetic
 * disagree on odd rules and zones) is added as a single event stamped `${stamp}#${ridZ}`, with a
 * note. The option therefore never loses a recurrence; it only adds what the series would miss.
 */
import { createHash } from 'node:crypto';
import type ICAL from 'ical.js';
import { FerryError } from '../domain/errors.ts';
import type {
  ConvertedCalendarItem,
  GraphEventDraft,
  SourceCalendarInstance,
  SourceCalendarItem,
} from '../domain/pim.ts';
import { EventClock, ridZ, wallMs, type EventZone } from './event-clock.ts';
import { eventBody, timingOf, type DraftContext, type Timing } from './event-draft.ts';
import {
  convertCalendarItem,
  EXPANSION_YEARS,
  SOURCE_ID_PROPERTY_ID,
  type CalendarConversionOptions,
} from './ical-event-to-graph.ts';
import { extractIcsAttachments } from './ics-attachments.ts';
import { readCalendar, timeProp, unreadable } from './ical-reading.ts';
import { expandSeries, ExpansionRefused } from './series-expansion.ts';
import { zoneOffsetMs } from './time-zones.ts';

const DAY_MS = 86_400_000;

function instantTiming(instance: SourceCalendarInstance, zone: EventZone, clock: EventClock): Timing {
  if (instance.allDay) {
    // Zimbra gives midnight in the account's zone; the nearest midnight is the day it means.
    const local = instance.startMs + zoneOffsetMs(clock.floatingZone.iana, instance.startMs);
    const startWall = Math.round(local / DAY_MS) * DAY_MS;
    const days = Math.max(1, Math.round((instance.endMs - instance.startMs) / DAY_MS));
    return {
      zone: { ...zone, zone: clock.floatingZone },
      allDay: true,
      startWall,
      endWall: startWall + days * DAY_MS,
    };
  }
  const wall = (ms: number): number => ms + zoneOffsetMs(zone.zone.iana, ms);
  return {
    zone,
    allDay: false,
    startWall: wall(instance.startMs),
    endWall: wall(Math.max(instance.endMs, instance.startMs)),
  };
}

function exceptionKey(component: ICAL.Component, clock: EventClock): string | undefined {
  const rid = timeProp(component, 'recurrence-id');
  if (rid === undefined) return undefined;
  return rid.isDate ? ridZ(wallMs(rid), true) : ridZ(clock.sourceInstant(rid), false);
}

/** Each of `instances` as a single event, with the fields of its exception VEVENT or of the series. */
function instancesAsSingles(
  item: SourceCalendarItem,
  instances: readonly SourceCalendarInstance[],
  options: CalendarConversionOptions,
): ConvertedCalendarItem {
  const contentHash = createHash('sha256').update(item.ics).digest('hex');
  const parts = readCalendar(item.ref, extractIcsAttachments(item.ics).ics);
  const notes = [...parts.notes];
  const year = new Date(instances[0]?.startMs ?? options.now ?? Date.now()).getUTCFullYear();
  const clock = new EventClock(parts.calendar, { from: year, to: year + 1 }, options.timeZone);
  const ctx: DraftContext = {
    clock,
    tags: item.ref.tags,
    attendees: options.attendees ?? 'describe',
    note: (text) => notes.push(text),
  };
  try {
    const exceptions = new Map<string, ICAL.Component>();
    for (const component of parts.exceptions) {
      const key = exceptionKey(component, clock);
      if (key !== undefined) exceptions.set(key, component);
    }
    const fallback = parts.master ?? parts.exceptions[0];
    if (fallback === undefined) return { series: undefined, singles: [], notes, contentHash };
    const zone = timingOf(fallback, ctx).zone;
    const singles = instances.map((instance): GraphEventDraft => {
      const key = instance.recurrenceIdUtc;
      const component = (key === undefined ? undefined : exceptions.get(key)) ?? fallback;
      const stamp = key === undefined ? options.stamp : `${options.stamp}#${key}`;
      const body = eventBody(component, instantTiming(instance, zone, clock), ctx);
      return {
        stamp,
        event: {
          ...body.fields,
          singleValueExtendedProperties: [{ id: SOURCE_ID_PROPERTY_ID, value: stamp }, ...body.properties],
        },
      };
    });
    return { series: undefined, singles, notes, contentHash };
  } catch (error) {
    if (error instanceof FerryError) throw error;
    throw unreadable(
      item.ref,
      `Ferry could not interpret it (${error instanceof Error ? error.message : String(error)})`,
      error,
    );
  }
}

const YEAR_MS = 365.25 * DAY_MS;

/** The ridZ keys of the occurrences the migrated series produces between `fromMs` and `toMs`. */
function seriesKeys(
  item: SourceCalendarItem,
  converted: ConvertedCalendarItem,
  fromMs: number,
  toMs: number,
  options: CalendarConversionOptions,
): Set<string> {
  const keys = new Set(
    converted.singles.flatMap((s) => (s.stamp.includes('#') ? [s.stamp.split('#')[1]!] : [])),
  );
  if (converted.series === undefined) return keys;
  const parts = readCalendar(item.ref, extractIcsAttachments(item.ics).ics);
  const master = parts.master;
  const dtstart = master === undefined ? undefined : timeProp(master, 'dtstart');
  if (master === undefined || dtstart === undefined) return keys;
  const year = (ms: number) => new Date(ms).getUTCFullYear();
  const clock = new EventClock(parts.calendar, { from: year(fromMs), to: year(toMs) + 1 }, options.timeZone);
  const cancelled = new Set(
    converted.series.cancelledOriginalStartsUtc.map((iso) => ridZ(Date.parse(iso), false)),
  );
  try {
    const expansion = expandSeries({ master, clock, fromMs, toMs, maxOccurrences: 10_000 });
    for (const occurrence of expansion.occurrences) {
      const key = dtstart.isDate ? ridZ(occurrence.wall, true) : ridZ(occurrence.instant, false);
      if (!occurrence.excluded && !cancelled.has(key)) keys.add(key);
    }
  } catch (error) {
    if (!(error instanceof ExpansionRefused)) throw error;
  }
  return keys;
}

/**
 * The item as without the option, plus a single event for each occurrence Zimbra expands that the
 * migrated series (or its singles) does not produce.
 */
export function convertWithZimbraInstances(
  item: SourceCalendarItem,
  instances: readonly SourceCalendarInstance[],
  options: CalendarConversionOptions,
): ConvertedCalendarItem {
  const converted = convertCalendarItem(item, options);
  const recurring = instances.filter((i) => i.recurrenceIdUtc !== undefined);
  if (recurring.length === 0) return converted;
  const starts = recurring.map((i) => i.startMs);
  const now = options.now ?? Date.now();
  const fromMs = Math.max(Math.min(...starts), now - EXPANSION_YEARS * YEAR_MS) - DAY_MS;
  const toMs = Math.max(...starts) + DAY_MS;
  const keys = seriesKeys(item, converted, fromMs, toMs, options);
  const missed = recurring.filter((i) => !keys.has(i.recurrenceIdUtc!));
  if (missed.length === 0) return converted;
  const extra = instancesAsSingles(item, missed, options);
  const dates = missed.map((i) => new Date(i.startMs).toISOString().slice(0, 10));
  return {
    ...converted,
    singles: [...converted.singles, ...extra.singles],
    notes: [
      ...converted.notes,
      `Zimbra computes ${missed.length} occurrence(s) the series as migrated does not have (${dates.slice(0, 5).join(', ')}${dates.length > 5 ? ', …' : ''}); they were added as single events.`,
    ],
  };
}
