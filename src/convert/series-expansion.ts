/**
 * The occurrences of a Zimbra series (RRULEs ∪ RDATEs ∪ DTSTART, minus EXDATEs) over a bounded
 * window, as Zimbra computes them. ical.js iterates the rules; this module keeps it from running
 * away on hostile rules:
 *
 * - it iterates on floating wall-clock time, so no VTIMEZONE of the item is ever expanded by
 *   ical.js (instants come from the guarded offsets of event-clock.ts);
 * - a rule whose filters can never match on its own lattice (DAILY;INTERVAL=7;BYDAY=TU from a
 *   Monday, FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30…) would make ical.js search forever, so the lattice
 *   is checked first over one full period of the Gregorian calendar;
 * - sub-daily rules are refused when reaching the window would take millions of steps;
 * - every rule stops after MAX_STEPS occurrences and the result after `maxOccurrences`.
 */
import ICAL from 'ical.js';
import { isUtcTime, tzidOf, wallMs, type EventClock } from './event-clock.ts';
import { allValues, timeProp } from './ical-reading.ts';
import { wallToUtcMs, type OffsetAt } from './time-zones.ts';

export const MAX_STEPS = 200_000;
const MAX_LATTICE_STEPS = 2_000_000;
const SECOND = 1000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 400 Gregorian years: the period of dates, weekdays and leap years together. */
const GREGORIAN_DAYS = 146_097;

export interface Occurrence {
  /** Wall-clock start in the series' own zone (fields read as UTC ms). */
  readonly wall: number;
  /** The instant Zimbra computes for it. */
  readonly instant: number;
  /** Removed by an EXDATE (returned only when asked for). */
  readonly excluded: boolean;
}

export interface Expansion {
  readonly occurrences: readonly Occurrence[];
  /** True when a limit stopped the expansion before the window's end. */
  readonly truncated: boolean;
}

export class ExpansionRefused extends Error {}

const UNIT_MS: Readonly<Record<string, number>> = {
  SECONDLY: SECOND,
  MINUTELY: 60 * SECOND,
  HOURLY: 3600 * SECOND,
};
const DAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function numbers(parts: Record<string, unknown>, name: string): number[] {
  const value = parts[name];
  return value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(Number);
}

function weekdayCodes(parts: Record<string, unknown>): string[] {
  const value = parts['BYDAY'];
  return value === undefined
    ? []
    : (Array.isArray(value) ? value : [value]).map((d) => String(d).toUpperCase());
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Whether some point of `start + k·step` (k < cycle) satisfies `test`. */
function latticeHits(start: number, step: number, period: number, test: (wall: number) => boolean): boolean {
  const cycle = Math.min(period / gcd(step, period), MAX_LATTICE_STEPS);
  for (let k = 0; k < cycle; k += 1) if (test(start + k * step)) return true;
  return false;
}

function monthDayMatches(date: Date, monthDays: readonly number[]): boolean {
  if (monthDays.length === 0) return true;
  const day = date.getUTCDate();
  const length = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  return monthDays.some((d) => d === day || d === day - length - 1);
}

/** Refuses rules ical.js could iterate without end or for too long before `endWall`. */
function checkIterable(rule: ICAL.Recur, startWall: number, endWall: number): void {
  const parts = rule.parts as Record<string, unknown>;
  const interval = rule.interval || 1;
  const byDay = weekdayCodes(parts);
  const byMonth = numbers(parts, 'BYMONTH');
  const byMonthDay = numbers(parts, 'BYMONTHDAY');
  const plainDays = byDay.map((code) => DAY_CODES.indexOf(code));
  if (parts['BYWEEKNO'] !== undefined && rule.freq !== 'YEARLY') {
    throw new ExpansionRefused('it uses week numbers outside a yearly rule');
  }
  const unit = UNIT_MS[rule.freq];
  if (unit !== undefined) {
    for (const part of ['BYMONTH', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYSETPOS']) {
      if (parts[part] !== undefined)
        throw new ExpansionRefused(`it repeats ${rule.freq.toLowerCase()} with ${part}`);
    }
    if (plainDays.includes(-1))
      throw new ExpansionRefused('it numbers weekdays in a rule finer than monthly');
    const step = unit * interval;
    if ((endWall - startWall) / step > MAX_LATTICE_STEPS) {
      throw new ExpansionRefused(
        `it repeats every ${interval} ${rule.freq.toLowerCase().replace('ly', '')}(s) over too long a time`,
      );
    }
    // Parts finer than the frequency expand; the others only filter the lattice.
    const limits: [string, (d: Date) => number][] = [
      ['BYDAY', (d) => d.getUTCDay()],
      ['BYHOUR', (d) => d.getUTCHours()],
    ];
    if (rule.freq !== 'HOURLY') limits.push(['BYMINUTE', (d) => d.getUTCMinutes()]);
    if (rule.freq === 'SECONDLY') limits.push(['BYSECOND', (d) => d.getUTCSeconds()]);
    const test = (wall: number): boolean => {
      const date = new Date(wall);
      return limits.every(([part, field]) => {
        const wanted = part === 'BYDAY' ? plainDays : numbers(parts, part);
        return wanted.length === 0 || wanted.includes(field(date));
      });
    };
    if (!latticeHits(startWall, step, WEEK_MS, test)) throw new ExpansionRefused('its filters never match');
    return;
  }
  if (rule.freq === 'DAILY') {
    if (byDay.length > 0 && plainDays.includes(-1)) {
      throw new ExpansionRefused('it numbers weekdays in a daily rule');
    }
    const test = (wall: number): boolean => {
      const date = new Date(wall);
      return (
        (byMonth.length === 0 || byMonth.includes(date.getUTCMonth() + 1)) &&
        (plainDays.length === 0 || plainDays.includes(date.getUTCDay())) &&
        monthDayMatches(date, byMonthDay)
      );
    };
    if (!latticeHits(startWall, interval * DAY_MS, GREGORIAN_DAYS * DAY_MS, test)) {
      throw new ExpansionRefused('its filters never match');
    }
  }
  if (rule.freq === 'WEEKLY' && byMonth.length > 0) {
    const wkst = (rule.wkst || 2) - 1;
    const days = plainDays.filter((d) => d >= 0);
    const own = new Date(startWall).getUTCDay();
    const test = (wall: number): boolean => {
      const weekStart = wall - ((new Date(wall).getUTCDay() - wkst + 7) % 7) * DAY_MS;
      return (days.length === 0 ? [own] : days).some((day) => {
        const date = new Date(weekStart + ((day - wkst + 7) % 7) * DAY_MS);
        return byMonth.includes(date.getUTCMonth() + 1);
      });
    };
    if (!latticeHits(startWall, interval * WEEK_MS, GREGORIAN_DAYS * DAY_MS, test)) {
      throw new ExpansionRefused('its filters never match');
    }
  }
}

/** A floating copy of `time` (same wall-clock fields, no zone). */
function floating(time: ICAL.Time): ICAL.Time {
  return ICAL.Time.fromData({
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
    isDate: time.isDate,
  });
}

function floatingAt(wall: number, isDate: boolean): ICAL.Time {
  const d = new Date(wall);
  return ICAL.Time.fromData({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: isDate ? 0 : d.getUTCHours(),
    minute: isDate ? 0 : d.getUTCMinutes(),
    second: isDate ? 0 : d.getUTCSeconds(),
    isDate,
  });
}

export interface ExpansionRequest {
  readonly master: ICAL.Component;
  readonly clock: EventClock;
  /** Occurrences whose instant falls in [fromMs, toMs) are returned. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly maxOccurrences: number;
  /** Keep EXDATE'd occurrences, flagged, to check what an EXDATE or RECURRENCE-ID refers to. */
  readonly keepExcluded?: boolean;
}

/**
 * Wall-clock ms of `time` in the zone of the series starting at `dtstart`, as occurrences are
 * keyed: RECURRENCE-IDs, EXDATEs and RDATEs may be written in another zone or in UTC.
 */
export function seriesWall(clock: EventClock, dtstart: ICAL.Time, time: ICAL.Time): number {
  if (time.isDate || dtstart.isDate) return wallMs(time);
  if (isUtcTime(time) === isUtcTime(dtstart) && tzidOf(time) === tzidOf(dtstart)) return wallMs(time);
  const instant = clock.sourceInstant(time);
  return instant + clock.sourceOffsets(dtstart)(instant);
}

/** The series' occurrences in the window; throws ExpansionRefused for a rule it will not iterate. */
export function expandSeries(request: ExpansionRequest): Expansion {
  const { master, clock } = request;
  const dtstart = timeProp(master, 'dtstart');
  if (dtstart === undefined) throw new ExpansionRefused('it has no start');
  const offsets: OffsetAt = clock.sourceOffsets(dtstart);
  const startWall = wallMs(dtstart);
  const toWall = (time: ICAL.Time): number => seriesWall(clock, dtstart, time);
  const instantOf = (wall: number): number => wallToUtcMs(wall, offsets);
  const endWall = request.toMs + 14 * DAY_MS;
  const walls = new Set<number>([startWall]);
  let truncated = false;

  for (const prop of master.getAllProperties('rrule')) {
    const value: unknown = prop.getFirstValue();
    if (!(value instanceof ICAL.Recur)) continue;
    const rule = value.clone();
    // ical.js counts an occurrence twice when its iteration meets the same date again (a BYMONTH
    // list across a year's end), ending COUNT rules early: the count is kept here instead.
    const count = rule.count !== null && rule.count !== undefined && rule.count > 0 ? rule.count : undefined;
    rule.count = null;
    if (rule.until !== null && rule.until !== undefined) {
      const untilWall =
        rule.until.isDate && !dtstart.isDate ? wallMs(rule.until) + DAY_MS - SECOND : toWall(rule.until);
      rule.until = floatingAt(untilWall, dtstart.isDate);
    }
    checkIterable(rule, startWall, Math.min(endWall, rule.until ? wallMs(rule.until) : endWall));
    try {
      const iterator = rule.iterator(floating(dtstart));
      for (let steps = 0; count === undefined || steps < count; steps += 1) {
        if (steps >= MAX_STEPS) {
          truncated = true;
          break;
        }
        const next = iterator.next();
        if (next === null || next === undefined) break;
        const wall = wallMs(next);
        if (wall > endWall) break;
        walls.add(wall);
      }
    } catch (error) {
      throw new ExpansionRefused(
        `its rule could not be expanded (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  for (const value of allValues(master, 'rdate')) {
    const time = value instanceof ICAL.Period ? value.start : value;
    if (!(time instanceof ICAL.Time)) continue;
    if (time.isDate && !dtstart.isDate) {
      walls.add(Date.UTC(time.year, time.month - 1, time.day, dtstart.hour, dtstart.minute, dtstart.second));
    } else walls.add(toWall(time));
  }
  const excluded = new Set<number>();
  const excludedDates = new Set<number>();
  for (const value of allValues(master, 'exdate')) {
    if (!(value instanceof ICAL.Time)) continue;
    if (value.isDate && !dtstart.isDate) excludedDates.add(wallMs(value));
    else excluded.add(toWall(value));
  }
  const occurrences: Occurrence[] = [];
  for (const wall of [...walls].sort((a, b) => a - b)) {
    const isExcluded = excluded.has(wall) || excludedDates.has(Math.floor(wall / DAY_MS) * DAY_MS);
    if (isExcluded && request.keepExcluded !== true) continue;
    const instant = instantOf(wall);
    if (instant < request.fromMs || instant >= request.toMs) continue;
    if (occurrences.length >= request.maxOccurrences) {
      truncated = true;
      break;
    }
    occurrences.push({ wall, instant, excluded: isExcluded });
  }
  return { occurrences, truncated };
}
