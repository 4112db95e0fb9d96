/**
 * Two independent ways to list a series' occurrences, for tests that compare a Zimbra series with
 * what Graph holds after migration:
 *
 * - `sourceOccurrences`: the iCalendar as ical.js expands it (RRULE, RDATE, EXDATE, RECURRENCE-ID
 *   overrides at their new start; cancelled ones left out), instants from the item's VTIMEZONEs;
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

/** The IANA zone a TZID names, also behind "/" or vendor prefixes ("/mozilla.org/…/Europe/Berlin"). */
function knownIanaSuffix(tzid: string): string | undefined {
  const parts = tzid
    .replace(/^"|"$/g, '')
    .split('/')
    .filter((p) => p !== '');
  for (let i = 0; i < parts.length; i++) {
    const candidate = parts.slice(i).join('/');
    if (candidate.includes('/') || /^utc$/i.test(candidate)) {
      if (isKnownIana(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Instant of an ical.js time: its VTIMEZONE, else a known IANA TZID, else UTC (floating, dates). */
function icalInstant(time: ICAL.Time): number {
  const raw = (time as unknown as { timezone?: string }).timezone;
  const tzid = raw === undefined ? undefined : knownIanaSuffix(raw);
  const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  if (time.isDate) return wall;
  if (time.zone !== undefined && time.zone !== null && time.zone.tzid !== 'floating')
    return time.toUnixTime() * 1000;
  if (tzid !== undefined) return wallToInstant(wall, tzid);
  return wall;
}

/** Occurrence starts of the series in `ics` (its first VEVENT without RECURRENCE-ID). */
export function sourceOccurrences(ics: string, fromMs: number, toMs: number): Set<string> {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevents = calendar.getAllSubcomponents('vevent');
  const master = vevents.find((v) => !v.hasProperty('recurrence-id'));
  if (master === undefined) throw new Error('no series VEVENT');
  const event = new ICAL.Event(master);
  for (const exception of vevents.filter((v) => v.hasProperty('recurrence-id'))) {
    event.relateException(exception);
  }
  const result = new Set<string>();
  const iterator = event.iterator();
  for (let n = 0; n < 100_000; n += 1) {
    const next = iterator.next();
    if (next === null || next === undefined) break;
    if (icalInstant(next) >= toMs + 60 * DAY_MS) break;
    const details = event.getOccurrenceDetails(next);
    const item = details.item as ICAL.Event;
    const status = String(item.component.getFirstPropertyValue('status') ?? '').toUpperCase();
    if (status === 'CANCELLED') continue;
    const start = icalInstant(details.startDate);
    if (start >= fromMs && start < toMs) result.add(iso(start));
  }
  return result;
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
