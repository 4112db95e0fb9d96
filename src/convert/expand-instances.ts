/**
 * The support option ZimbraCalendarExpandInstances=1: every occurrence Zimbra computed for an item
 * (`SearchRequest calExpandInstStart/End`, zimbra.md §7.2) becomes a single event. Zimbra did the
 * recurrence and time zone arithmetic; this only takes the fields of the matching exception VEVENT
 * (by RECURRENCE-ID in UTC, Zimbra's `ridZ`), else of the series, and stamps each event
 * `${stamp}#${ridZ}`. The series link is lost, as the option promises.
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
import { SOURCE_ID_PROPERTY_ID, type CalendarConversionOptions } from './ical-event-to-graph.ts';
import { readCalendar, timeProp, unreadable } from './ical-reading.ts';
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

export function convertExpandedInstances(
  item: SourceCalendarItem,
  instances: readonly SourceCalendarInstance[],
  options: CalendarConversionOptions,
): ConvertedCalendarItem {
  const contentHash = createHash('sha256').update(item.ics).digest('hex');
  const parts = readCalendar(item.ref, item.ics);
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
