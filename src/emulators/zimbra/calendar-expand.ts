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
  const allDaySeries = series !== undefined && span(series)?.start.isDate === true;
  const exceptions = new Map<number, Invite>();
  for (const invite of item.invites) {
    const rid = invite.recurrenceId;
    // An all-day series' occurrence is a day: a RECURRENCE-ID written as a time names its day.
    if (rid) exceptions.set(allDaySeries ? Date.UTC(rid.year, rid.month - 1, rid.day) : toUtcMs(rid), invite);
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

/** Every value of every property `name` (RDATE, EXDATE), flattened; undecodable ones skipped. */
function allValues(component: ICAL.Component, name: string): unknown[] {
  return component.getAllProperties(name).flatMap((prop) => {
    try {
      return prop.getValues() as unknown[];
    } catch {
      return [];
    }
  });
}

/** `date`'s day at the wall-clock time and zone of `start` (an RDATE/EXDATE date in a timed series). */
function atTimeOf(date: ICAL.Time, start: ICAL.Time): ICAL.Time {
  const { hour, minute, second } = start;
  const time = ICAL.Time.fromData({
    year: date.year,
    month: date.month,
    day: date.day,
    hour,
    minute,
    second,
  });
  return withZoneOf(time, start);
}

/** The instant a rule's UNTIL ends at; a date UNTIL in a timed series includes that whole day. */
function untilMs(until: ICAL.Time, start: ICAL.Time): number {
  if (!until.isDate || start.isDate) return toUtcMs(until);
  const last = ICAL.Time.fromData({
    year: until.year,
    month: until.month,
    day: until.day,
    hour: 23,
    minute: 59,
    second: 59,
  });
  return toUtcMs(withZoneOf(last, start));
}

/**
 * The series' start times as Zimbra's recurrence computes them: DTSTART, every RRULE and RDATE
 * (a PERIOD by its start), less every EXDATE — RDATEs included. COUNT counts the rule's own
 * occurrences (DTSTART when it matches the rule); a COUNT below one is ignored. Each rule is iterated alone (ical.js's RecurExpansion stops at the first
 * rule that ends and skips DTSTART when an EXDATE removes the last RDATE).
 */
function iterate(component: ICAL.Component, start: ICAL.Time, windowEnd: number): ICAL.Time[] {
  const times = new Map<number, ICAL.Time>([[toUtcMs(start), start]]);
  for (const prop of component.getAllProperties('rrule')) {
    let rule: ICAL.Recur;
    try {
      const value: unknown = prop.getFirstValue();
      if (!(value instanceof ICAL.Recur) || !value.freq) continue;
      rule = value.clone();
    } catch {
      continue;
    }
    const count = rule.count !== null && rule.count !== undefined && rule.count > 0 ? rule.count : undefined;
    const end = rule.until ? untilMs(rule.until, start) : Number.POSITIVE_INFINITY;
    rule.count = null;
    rule.until = null;
    try {
      const iterator = rule.iterator(start);
      for (let n = 0; n < MAX_OCCURRENCES && (count === undefined || n < count); n++) {
        const next = iterator.next();
        if (!next) break;
        const time = withZoneOf(next, start);
        const ms = toUtcMs(time);
        if (ms > end || ms >= windowEnd) break;
        times.set(ms, time);
      }
    } catch {
      // a rule ical.js cannot iterate adds what it produced so far
    }
  }
  for (const value of allValues(component, 'rdate')) {
    const time = value instanceof ICAL.Period ? value.start : value;
    if (!(time instanceof ICAL.Time)) continue;
    const own = time.isDate && !start.isDate ? atTimeOf(time, start) : time;
    times.set(toUtcMs(own), own);
  }
  const excluded = new Set<number>();
  const excludedDays = new Set<string>();
  for (const value of allValues(component, 'exdate')) {
    if (!(value instanceof ICAL.Time)) continue;
    if (value.isDate && !start.isDate) excludedDays.add(value.toString());
    else excluded.add(toUtcMs(value));
  }
  const dayOf = (time: ICAL.Time): string =>
    `${String(time.year).padStart(4, '0')}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}`;
  return [...times.entries()]
    .filter(([ms, time]) => !excluded.has(ms) && !excludedDays.has(dayOf(time)))
    .sort(([a], [b]) => a - b)
    .slice(0, MAX_OCCURRENCES)
    .map(([, time]) => time);
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
