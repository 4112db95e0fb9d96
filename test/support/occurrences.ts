/**
 * Two independent ways to list a series' occurrences, for tests that compare a Zimbra series with
 * what Graph holds after migration:
 *
 * - `sourceOccurrences`: the iCalendar's recurrence set per RFC 5545 (DTSTART, RRULEs, RDATEs, less
 *   EXDATEs; ical.js iterates each rule), RECURRENCE-ID overrides at their new start, cancelled ones
 *   left out; instants from the item's VTIMEZONEs, else the zone a TZID names;
 * - `graphOccurrences`: a Graph `patternedRecurrence` expanded here from Graph's documented rules
 *   (not the emulator's or the converter's code), plus exception moves, minus cancellations.
 *
 * Both return ISO UTC instants ("2024-02-07T08:00:00Z") of occurrence starts in [fromMs, toMs).
 */
import ICAL from 'ical.js';
import { findIana } from 'windows-iana';

const DAY_MS = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function offsetMs(iana: string, utcMs: number): number {
  if (iana === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: iana,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return (
    Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) -
    Math.floor(utcMs / 1000) * 1000
  );
}

/** A wall-clock time (fields as UTC ms) in an IANA zone → instant; gap times move forward. */
function wallToInstant(wall: number, iana: string): number {
  const guess = wall - offsetMs(iana, wall);
  const fixed = wall - offsetMs(iana, guess);
  return fixed + offsetMs(iana, fixed) === wall ? fixed : Math.max(guess, fixed);
}

function ianaOf(zone: string): string {
  if (/^utc$/i.test(zone)) return 'UTC';
  return findIana(zone, '001')[0] ?? findIana(zone)[0] ?? zone;
}

function isKnownIana(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The IANA zone a TZID without VTIMEZONE names: an Olson name, also behind "/" or vendor prefixes
 * ("/mozilla.org/…/Europe/Berlin"), or a Windows name ("Pacific Standard Time").
 */
function knownIana(tzid: string): string | undefined {
  const clean = tzid.replace(/^"|"$/g, '');
  const windows = findIana(clean, '001')[0] ?? findIana(clean)[0];
  if (windows !== undefined && isKnownIana(windows)) return windows;
  const parts = clean.split('/').filter((p) => p !== '');
  for (let i = 0; i < parts.length; i++) {
    const candidate = parts.slice(i).join('/');
    if (candidate.includes('/') || /^utc$/i.test(candidate)) {
      if (isKnownIana(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Instant of an ical.js time: its VTIMEZONE, else a TZID the IANA database or CLDR knows (its own,
 * or `fallbackTzid` — ical.js's rule iterator drops TZIDs nothing defines), else UTC (floating,
 * dates).
 */
function icalInstant(time: ICAL.Time, fallbackTzid?: string): number {
  const written = (time as unknown as { timezone?: string }).timezone ?? fallbackTzid;
  const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  if (time.isDate) return wall;
  if (time.zone !== undefined && time.zone !== null && time.zone.tzid !== 'floating')
    return time.toUnixTime() * 1000;
  const iana = written === undefined ? undefined : knownIana(written);
  if (iana !== undefined) return wallToInstant(wall, iana);
  return wall;
}

const dayOf = (time: ICAL.Time): string => time.toString().slice(0, 10);

/** `date`'s day at the wall-clock time and zone of `start`. */
function atTimeOf(date: ICAL.Time, start: ICAL.Time, end = false): ICAL.Time {
  const time = start.clone();
  time.year = date.year;
  time.month = date.month;
  time.day = date.day;
  if (end) [time.hour, time.minute, time.second] = [23, 59, 59];
  return time;
}

function values(component: ICAL.Component, name: string): unknown[] {
  return component.getAllProperties(name).flatMap((p) => p.getValues() as unknown[]);
}

/**
 * The start times of the recurrence set (RFC 5545 §3.8.5): DTSTART, each RRULE, each RDATE (a
 * PERIOD by its start), less every EXDATE — RDATEs included. ical.js iterates each rule alone
 * (its RecurExpansion stops at the first rule that ends, keeps RDATEs an EXDATE removes, and
 * counts some occurrences twice); COUNT counts the rule's own occurrences, a COUNT below one is
 * ignored, a date UNTIL in a timed series includes that day. Keys: instants.
 */
function recurrenceSet(master: ICAL.Component, toMs: number): Map<number, ICAL.Time> {
  const start = master.getFirstPropertyValue('dtstart') as ICAL.Time;
  const tzid = (start as unknown as { timezone?: string }).timezone;
  const instant = (t: ICAL.Time): number => icalInstant(t, tzid);
  const times = new Map<number, ICAL.Time>([[instant(start), start]]);
  for (const prop of master.getAllProperties('rrule')) {
    const rule = (prop.getFirstValue() as ICAL.Recur).clone();
    const count = (rule.count ?? 0) > 0 ? (rule.count as number) : Infinity;
    const until = rule.until;
    const untilMs =
      until === null || until === undefined
        ? Infinity
        : instant(until.isDate && !start.isDate ? atTimeOf(until, start, true) : until);
    rule.count = null;
    rule.until = null;
    const iterator = rule.iterator(start);
    for (let n = 0; n < count && n < 100_000; n += 1) {
      const next = iterator.next();
      if (next === null || next === undefined) break;
      const at = instant(next);
      if (at > untilMs || at >= toMs + 60 * DAY_MS) break;
      times.set(at, next.clone());
    }
  }
  for (const value of values(master, 'rdate')) {
    const time = value instanceof ICAL.Period ? value.start : value;
    if (!(time instanceof ICAL.Time)) continue;
    const own = time.isDate && !start.isDate ? atTimeOf(time, start) : time;
    times.set(instant(own), own);
  }
  for (const value of values(master, 'exdate')) {
    if (!(value instanceof ICAL.Time)) continue;
    if (value.isDate && !start.isDate) {
      for (const [at, time] of times) if (dayOf(time) === dayOf(value)) times.delete(at);
    } else times.delete(instant(value));
  }
  return times;
}

/**
 * Rewrites a VTIMEZONE's RDATE lines to one per onset: ical.js reads only the first value of each,
 * and skips the DTSTART of an observance listed by RDATE — its first onset (RFC 5545 §3.6.5).
 */
function listEveryOnset(vtimezone: ICAL.Component): void {
  for (const observance of vtimezone.getAllSubcomponents()) {
    const lines = observance.getAllProperties('rdate');
    if (lines.length === 0) continue;
    const onsets = values(observance, 'rdate');
    const start: unknown = observance.getFirstPropertyValue('dtstart');
    if (!observance.hasProperty('rrule') && start instanceof ICAL.Time) onsets.push(start);
    for (const line of lines) observance.removeProperty(line);
    const unique = new Map<string, ICAL.Time>();
    for (const onset of onsets) if (onset instanceof ICAL.Time) unique.set(onset.toString(), onset);
    for (const onset of unique.values()) observance.addPropertyWithValue('rdate', onset);
  }
}

export interface OccurrenceOptions {
  /** Occurrences that are dates (all-day) as "2024-02-07" instead of the instant of their midnight UTC. */
  readonly allDayAsDate?: boolean;
}

/**
 * Occurrence starts of the series in `ics` (its first VEVENT without RECURRENCE-ID). An exception
 * replaces the occurrence its RECURRENCE-ID names (by instant; by day in an all-day series), also
 * when it names none; cancelled ones are left out. RANGE=THISANDFUTURE is read as this occurrence
 * only, as Zimbra does.
 */
export function sourceOccurrences(
  ics: string,
  fromMs: number,
  toMs: number,
  options: OccurrenceOptions = {},
): Set<string> {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) listEveryOnset(vtimezone);
  const vevents = calendar.getAllSubcomponents('vevent');
  const master = vevents.find((v) => !v.hasProperty('recurrence-id'));
  if (master === undefined) throw new Error('no series VEVENT');
  const start = master.getFirstPropertyValue('dtstart') as ICAL.Time;
  const tzid = (start as unknown as { timezone?: string }).timezone;
  const keyOf = (rid: ICAL.Time): string =>
    start.isDate ? dayOf(rid) : String(icalInstant(rid, rid.isDate ? undefined : tzid));
  const occurrences = new Map<string, ICAL.Time | ICAL.Component>();
  for (const time of recurrenceSet(master, toMs).values()) occurrences.set(keyOf(time), time);
  for (const exception of vevents.filter((v) => v.hasProperty('recurrence-id'))) {
    if (uid(exception) !== uid(master) || !exception.hasProperty('dtstart')) continue;
    occurrences.set(keyOf(exception.getFirstPropertyValue('recurrence-id') as ICAL.Time), exception);
  }
  const result = new Set<string>();
  for (const occurrence of occurrences.values()) {
    let time = occurrence;
    if (occurrence instanceof ICAL.Component) {
      const status = String(occurrence.getFirstPropertyValue('status') ?? '').toUpperCase();
      if (status === 'CANCELLED') continue;
      time = occurrence.getFirstPropertyValue('dtstart') as ICAL.Time;
    }
    const at = time as ICAL.Time;
    const instant = icalInstant(at, at === occurrence ? tzid : undefined);
    if (instant < fromMs || instant >= toMs) continue;
    result.add(at.isDate && options.allDayAsDate === true ? iso(instant).slice(0, 10) : iso(instant));
  }
  return result;
}

function uid(component: ICAL.Component): string {
  return String(component.getFirstPropertyValue('uid') ?? '');
}

interface GraphTime {
  readonly dateTime: string;
  readonly timeZone: string;
}

interface GraphPattern {
  readonly type: string;
  readonly interval?: number;
  readonly daysOfWeek?: readonly string[];
  readonly firstDayOfWeek?: string;
  readonly dayOfMonth?: number;
  readonly month?: number;
  readonly index?: string;
}

interface GraphRange {
  readonly type: string;
  readonly startDate: string;
  readonly endDate?: string;
  readonly numberOfOccurrences?: number;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const ORDINALS = ['first', 'second', 'third', 'fourth'];

function graphInstant(time: GraphTime): number {
  const wall = Date.parse(`${time.dateTime.slice(0, 19)}Z`);
  return wallToInstant(wall, ianaOf(time.timeZone));
}

/** The instant (ISO UTC) Graph computes for a `dateTimeTimeZone`. */
export function graphTimeInstant(time: GraphTime): string {
  return iso(graphInstant(time));
}

/** Whether `date` (UTC midnight ms) is the index-th (or last) of its month among `days`. */
function isNth(date: Date, days: readonly string[], index: string): boolean {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const matches: number[] = [];
  for (
    let d = new Date(Date.UTC(year, month, 1));
    d.getUTCMonth() === month;
    d = new Date(d.getTime() + DAY_MS)
  ) {
    if (days.includes(WEEKDAYS[d.getUTCDay()] ?? '')) matches.push(d.getUTCDate());
  }
  const wanted = index === 'last' ? matches.at(-1) : matches[ORDINALS.indexOf(index)];
  return wanted === date.getUTCDate();
}

function lastDayOf(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

function onPattern(pattern: GraphPattern, start: Date, date: Date): boolean {
  const interval = pattern.interval ?? 1;
  const months =
    (date.getUTCFullYear() - start.getUTCFullYear()) * 12 + date.getUTCMonth() - start.getUTCMonth();
  const weekday = WEEKDAYS[date.getUTCDay()] ?? '';
  const days = pattern.daysOfWeek ?? [];
  switch (pattern.type) {
    case 'daily':
      return Math.round((date.getTime() - start.getTime()) / DAY_MS) % interval === 0;
    case 'weekly': {
      const first = WEEKDAYS.indexOf(pattern.firstDayOfWeek ?? 'sunday');
      const weekStart = (d: Date): number => d.getTime() - ((d.getUTCDay() - first + 7) % 7) * DAY_MS;
      const weeks = Math.round((weekStart(date) - weekStart(start)) / (7 * DAY_MS));
      return days.includes(weekday) && weeks % interval === 0;
    }
    case 'absoluteMonthly':
      return (
        months % interval === 0 && date.getUTCDate() === Math.min(pattern.dayOfMonth ?? 0, lastDayOf(date))
      );
    case 'relativeMonthly':
      return months % interval === 0 && isNth(date, days, pattern.index ?? 'first');
    case 'absoluteYearly':
      return (
        months % (12 * interval) === 0 &&
        date.getUTCMonth() + 1 === pattern.month &&
        date.getUTCDate() === Math.min(pattern.dayOfMonth ?? 0, lastDayOf(date))
      );
    case 'relativeYearly':
      return (
        date.getUTCMonth() + 1 === pattern.month &&
        (date.getUTCFullYear() - start.getUTCFullYear()) % interval === 0 &&
        isNth(date, days, pattern.index ?? 'first')
      );
    default:
      throw new Error(`unknown pattern type ${pattern.type}`);
  }
}

/**
 * Occurrence starts of a Graph series: `master` is the create body (start, recurrence), each
 * exception patch may move its occurrence (`start`), cancelled ones are original starts in UTC.
 */
export function graphOccurrences(
  master: Readonly<Record<string, unknown>>,
  exceptions: readonly {
    readonly originalStartUtc: string;
    readonly patch: Readonly<Record<string, unknown>>;
  }[],
  cancelled: readonly string[],
  fromMs: number,
  toMs: number,
): Set<string> {
  const start = master['start'] as GraphTime;
  const { pattern, range } = master['recurrence'] as { pattern: GraphPattern; range: GraphRange };
  const first = new Date(`${range.startDate}T00:00:00Z`);
  const timeOfDay = start.dateTime.slice(10, 19);
  const moves = new Map(
    exceptions.map((e) => [e.originalStartUtc, e.patch['start'] as GraphTime | undefined]),
  );
  const removed = new Set(cancelled);
  const result = new Set<string>();
  let count = 0;
  for (let date = first; ; date = new Date(date.getTime() + DAY_MS)) {
    const day = date.toISOString().slice(0, 10);
    if (range.type === 'endDate' && day > (range.endDate ?? '')) break;
    if (range.type === 'numbered' && count >= (range.numberOfOccurrences ?? 0)) break;
    if (date.getTime() > toMs + 60 * DAY_MS) break;
    if (!onPattern(pattern, first, date)) continue;
    count += 1;
    const original = iso(graphInstant({ dateTime: `${day}${timeOfDay}`, timeZone: start.timeZone }));
    if (removed.has(original)) continue;
    const moved = moves.get(original);
    const instant = moved === undefined ? Date.parse(original) : graphInstant(moved);
    if (instant >= fromMs && instant < toMs) result.add(iso(instant));
  }
  return result;
}
