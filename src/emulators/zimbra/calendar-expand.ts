/** Expansion of calendar items into instances for SearchRequest calExpandInstStart/End. */
import ICAL from 'ical.js';

import { endOf, formatUtcStamp, offsetMs, timeProp, toUtcMs, withZoneOf } from './icalendar.ts';
import type { CalendarItem, Invite } from './model.ts';

export interface Instance {
  readonly startMs: number;
  readonly endMs: number;
  readonly tzo: number;
  readonly ridZ: string;
  readonly allDay: boolean;
  readonly exception: Invite | undefined;
}

const MAX_OCCURRENCES = 20000;

function span(invite: Invite): { start: ICAL.Time; startMs: number; endMs: number } | undefined {
  const start = timeProp(invite.component, 'dtstart') ?? timeProp(invite.component, 'due');
  if (!start) return undefined;
  const end = endOf(invite.component, start);
  const startMs = toUtcMs(start);
  return { start, startMs, endMs: end ? Math.max(startMs, toUtcMs(end)) : startMs };
}

function isRecurring(component: ICAL.Component): boolean {
  return component.hasProperty('rrule') || component.hasProperty('rdate');
}

/** True when the item has dates at all (tasks without DTSTART/DUE have no instances). */
export function hasDates(item: CalendarItem): boolean {
  return item.invites.some((invite) => span(invite) !== undefined);
}

export function expandInstances(item: CalendarItem, windowStart: number, windowEnd: number): Instance[] {
  const series = item.invites.find((invite) => invite.recurrenceId === undefined);
  const exceptions = new Map<number, Invite>();
  for (const invite of item.invites) {
    if (invite.recurrenceId) exceptions.set(toUtcMs(invite.recurrenceId), invite);
  }
  const result: Instance[] = [];
  const used = new Set<number>();
  const overlaps = (s: number, e: number): boolean =>
    s < windowEnd && (e > windowStart || (e === s && s >= windowStart));
  const pushException = (ridMs: number, invite: Invite, allDay: boolean): void => {
    used.add(ridMs);
    const own = span(invite);
    if (!own) return;
    if (overlaps(own.startMs, own.endMs)) {
      result.push({
        startMs: own.startMs,
        endMs: own.endMs,
        tzo: offsetMs(own.start),
        ridZ: formatUtcStamp(ridMs, allDay),
        allDay: own.start.isDate,
        exception: invite,
      });
    }
  };
  const base = series ? span(series) : undefined;
  if (series && base) {
    const duration = base.endMs - base.startMs;
    const occurrences = isRecurring(series.component)
      ? iterate(series.component, base.start, windowEnd)
      : [base.start];
    for (const time of occurrences) {
      const startMs = toUtcMs(time);
      const exception = exceptions.get(startMs);
      if (exception) {
        pushException(startMs, exception, time.isDate);
        continue;
      }
      if (!overlaps(startMs, startMs + duration)) continue;
      result.push({
        startMs,
        endMs: startMs + duration,
        tzo: offsetMs(time),
        ridZ: formatUtcStamp(startMs, time.isDate),
        allDay: time.isDate,
        exception: undefined,
      });
    }
  }
  for (const [ridMs, invite] of exceptions) {
    if (!used.has(ridMs)) pushException(ridMs, invite, invite.recurrenceId?.isDate ?? false);
  }
  return result.sort((a, b) => a.startMs - b.startMs);
}

function textStatus(invite: Invite): string {
  const value: unknown = invite.component.getFirstPropertyValue('status');
  return typeof value === 'string' ? value.toUpperCase() : '';
}

function iterate(component: ICAL.Component, start: ICAL.Time, windowEnd: number): ICAL.Time[] {
  const times: ICAL.Time[] = [];
  try {
    const expansion = new ICAL.RecurExpansion({ component, dtstart: start });
    for (let i = 0; i < MAX_OCCURRENCES; i++) {
      const next = expansion.next();
      if (!next || toUtcMs(withZoneOf(next, start)) >= windowEnd) break;
      times.push(withZoneOf(next, start));
    }
  } catch {
    return times.length > 0 ? times : [start];
  }
  return times;
}

/** The `inst` JSON of one instance: start, offset, recurrence id and exception overrides. */
export function instanceJson(item: CalendarItem, instance: Instance): Record<string, unknown> {
  const json: Record<string, unknown> = { s: instance.startMs, tzo: instance.tzo, ridZ: instance.ridZ };
  if (item.kind === 'task') {
    json['dueDate'] = instance.endMs;
    json['tzoDue'] = instance.tzo;
  }
  const exception = instance.exception;
  if (!exception) return json;
  json['ex'] = true;
  json['invId'] = `${item.id}-${exception.id}`;
  json['dur'] = instance.endMs - instance.startMs;
  const name: unknown = exception.component.getFirstPropertyValue('summary');
  if (typeof name === 'string') json['name'] = name;
  const loc: unknown = exception.component.getFirstPropertyValue('location');
  if (typeof loc === 'string') json['loc'] = loc;
  if (textStatus(exception) === 'CANCELLED') json['status'] = 'CANC';
  json['allDay'] = instance.allDay;
  return json;
}
