/**
 * An iCalendar RRULE → Graph's `patternedRecurrence` (microsoft-graph.md §8), or the reason Graph
 * cannot express it; the caller then copies the occurrences as single events.
 *
 * Graph's patterns are Outlook's: every N days; on some weekdays every N weeks; on day D, or on the
 * first…fourth or last given weekday(s), every N months or years. Its semantics differ from RFC
 * 5545 in two places this module guards: "day 31" falls on the last day of shorter months in
 * Outlook but is skipped in iCalendar, and a series always starts on an occurrence in Outlook while
 * an iCalendar DTSTART need not follow its own rule.
 */
import type ICAL from 'ical.js';

export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface RecurrencePatternJson {
  readonly type:
    'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
  readonly interval: number;
  readonly daysOfWeek?: readonly string[];
  readonly firstDayOfWeek?: string;
  readonly dayOfMonth?: number;
  readonly month?: number;
  readonly index?: 'first' | 'second' | 'third' | 'fourth' | 'last';
}

export interface RecurrenceRangeJson {
  readonly type: 'endDate' | 'noEnd' | 'numbered';
  readonly startDate: string;
  readonly endDate?: string;
  readonly numberOfOccurrences?: number;
  readonly recurrenceTimeZone: string;
}

export interface PatternedRecurrenceJson {
  readonly pattern: RecurrencePatternJson;
  readonly range: RecurrenceRangeJson;
}

export type RecurrenceMapping =
  | { readonly expressible: true; readonly recurrence: PatternedRecurrenceJson }
  | { readonly expressible: false; readonly reason: string };

export interface SeriesStart {
  readonly date: LocalDate;
  /** Wall-clock hour, minute and second of the start; undefined for all-day events. */
  readonly time: { readonly hour: number; readonly minute: number; readonly second: number } | undefined;
  /** The Graph zone the series is written in. */
  readonly timeZone: string;
  /** Last date an occurrence may start on (UNTIL in the series' zone), when the rule has UNTIL. */
  readonly untilDate: LocalDate | undefined;
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const ICAL_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const INDEXES = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', [-1]: 'last' } as const;
const MAX_INTERVAL = 999;

type Index = (typeof INDEXES)[keyof typeof INDEXES];

class NotExpressible extends Error {}

function refuse(reason: string): never {
  throw new NotExpressible(reason);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function formatDate(date: LocalDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function numbers(parts: Record<string, unknown>, name: string): number[] {
  const value = parts[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(Number);
}

interface WeekdayRule {
  readonly ordinal: number | undefined;
  readonly day: number;
}

function weekdays(parts: Record<string, unknown>): WeekdayRule[] {
  const value = parts['BYDAY'];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((entry) => {
    const match = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(String(entry).toUpperCase());
    if (match === null) refuse(`its BYDAY value "${String(entry)}" is not a weekday`);
    const day = ICAL_DAYS.indexOf(match[2] as (typeof ICAL_DAYS)[number]);
    return { ordinal: match[1] === undefined ? undefined : Number(match[1]), day };
  });
}

function graphIndex(position: number, what: string): Index {
  const index = (INDEXES as Record<number, Index | undefined>)[position];
  if (index === undefined) {
    refuse(
      position === 5
        ? `it falls on the 5th ${what}, which Outlook cannot express (only first to fourth and last)`
        : `it falls on position ${position} of the ${what}s, which Outlook cannot express`,
    );
  }
  return index;
}

/** The dates of `year-month` whose weekday is in `days`, in order. */
function matchingDays(year: number, month: number, days: readonly number[]): number[] {
  const result: number[] = [];
  for (let day = 1; day <= daysInMonth(year, month); day += 1) {
    if (days.includes(weekdayOf({ year, month, day }))) result.push(day);
  }
  return result;
}

function isRelativeDay(date: LocalDate, days: readonly number[], index: Index): boolean {
  const candidates = matchingDays(date.year, date.month, days);
  const position =
    index === 'last' ? candidates.length - 1 : ['first', 'second', 'third', 'fourth'].indexOf(index);
  return candidates[position] === date.day;
}

function dayNames(days: readonly number[]): string[] {
  return [...new Set(days)].sort((a, b) => a - b).map((d) => DAYS[d] ?? 'sunday');
}

/** A relative (nth weekday) pattern from BYDAY with an ordinal, or weekdays + one BYSETPOS. */
function relative(
  rules: readonly WeekdayRule[],
  setPositions: readonly number[],
  period: string,
): { days: number[]; index: Index } {
  if (rules.some((r) => r.ordinal !== undefined)) {
    if (rules.length !== 1 || setPositions.length > 0) {
      refuse(`it combines several numbered weekdays in one ${period}`);
    }
    const rule = rules[0] as WeekdayRule;
    return { days: [rule.day], index: graphIndex(rule.ordinal ?? 1, 'weekday of the ' + period) };
  }
  if (setPositions.length !== 1) refuse(`it picks several positions (BYSETPOS) in one ${period}`);
  return {
    days: rules.map((r) => r.day),
    index: graphIndex(setPositions[0] ?? 1, 'matching day of the ' + period),
  };
}

function checkTimeParts(parts: Record<string, unknown>, start: SeriesStart): void {
  const fields = [
    ['BYHOUR', start.time?.hour, 'hours'],
    ['BYMINUTE', start.time?.minute, 'minutes'],
    ['BYSECOND', start.time?.second, 'seconds'],
  ] as const;
  for (const [name, own, what] of fields) {
    const values = numbers(parts, name);
    if (values.length === 0) continue;
    // A BYHOUR that only repeats the start's own hour changes nothing.
    if (values.length !== 1 || values[0] !== own)
      refuse(`it repeats at several ${what} of the day (${name})`);
  }
}

function pattern(rule: ICAL.Recur, start: SeriesStart): RecurrencePatternJson {
  const parts = rule.parts as Record<string, unknown>;
  const interval = rule.interval || 1;
  if (interval > MAX_INTERVAL) refuse(`its interval of ${interval} is larger than Outlook's ${MAX_INTERVAL}`);
  checkTimeParts(parts, start);
  for (const [name, label] of [
    ['BYWEEKNO', 'week numbers (BYWEEKNO)'],
    ['BYYEARDAY', 'days of the year (BYYEARDAY)'],
  ] as const) {
    if (parts[name] !== undefined) refuse(`it uses ${label}`);
  }
  const byDay = weekdays(parts);
  const byMonthDay = numbers(parts, 'BYMONTHDAY');
  const byMonth = numbers(parts, 'BYMONTH');
  const bySetPos = numbers(parts, 'BYSETPOS');
  const startWeekday = weekdayOf(start.date);
  const firstDayOfWeek = DAYS[rule.wkst === undefined ? 1 : rule.wkst - 1] ?? 'monday';
  const weekly = (days: number[], every: number): RecurrencePatternJson => {
    if (!days.includes(startWeekday)) refuse('its first date is not one of the weekdays it repeats on');
    return { type: 'weekly', interval: every, daysOfWeek: dayNames(days), firstDayOfWeek };
  };
  switch (rule.freq) {
    case 'DAILY':
      if (byMonthDay.length > 0 || byMonth.length > 0 || bySetPos.length > 0) {
        refuse('it repeats daily but only in some months or on some days of the month');
      }
      if (byDay.length === 0) return { type: 'daily', interval };
      if (interval !== 1 || byDay.some((d) => d.ordinal !== undefined)) {
        refuse('it repeats every few days but only on some weekdays');
      }
      return weekly(
        byDay.map((d) => d.day),
        1,
      );
    case 'WEEKLY':
      if (byMonthDay.length > 0 || byMonth.length > 0 || bySetPos.length > 0) {
        refuse('it repeats weekly but only in some months or positions');
      }
      if (byDay.some((d) => d.ordinal !== undefined)) refuse('it numbers weekdays in a weekly rule');
      return weekly(byDay.length === 0 ? [startWeekday] : byDay.map((d) => d.day), interval);
    case 'MONTHLY':
      if (byMonth.length > 0) refuse('it repeats monthly but only in some months');
      return monthly(interval, byDay, byMonthDay, bySetPos, start, weekly);
    case 'YEARLY':
      return yearly(interval, byDay, byMonthDay, byMonth, bySetPos, start);
    default:
      return refuse(`it repeats ${String(rule.freq).toLowerCase()}, more often than daily`);
  }
}

function absoluteDay(monthDays: readonly number[], start: SeriesStart, month: number | undefined): number {
  if (monthDays.length > 1) refuse('it falls on several days of the month');
  const day = monthDays[0] ?? start.date.day;
  if (month !== undefined) {
    const length = month === 2 ? 29 : daysInMonth(2001, month);
    if (month === 2 && (day === 29 || day === -1)) refuse('it falls on the last days of February');
    if (day === -1) return length;
    if (day < 1 || day > length) refuse(`day ${day} does not exist in month ${month}`);
    return day;
  }
  if (day === -1) return 31;
  if (day < 1) refuse(`it counts days from the end of the month (${day})`);
  if (day > 28) {
    refuse(
      `day ${day} does not exist in every month; Outlook would move those occurrences to the month's last day`,
    );
  }
  return day;
}

function monthly(
  interval: number,
  byDay: readonly WeekdayRule[],
  byMonthDay: readonly number[],
  bySetPos: readonly number[],
  start: SeriesStart,
  weekly: (days: number[], every: number) => RecurrencePatternJson,
): RecurrencePatternJson {
  if (byDay.length > 0 && byMonthDay.length > 0) refuse('it combines weekdays with days of the month');
  if (byDay.length === 0) {
    if (bySetPos.length > 0) refuse('it picks positions (BYSETPOS) among days of the month');
    const dayOfMonth = absoluteDay(byMonthDay, start, undefined);
    const expected = Math.min(dayOfMonth, daysInMonth(start.date.year, start.date.month));
    if (start.date.day !== expected) refuse('its first date is not a day it repeats on');
    return { type: 'absoluteMonthly', interval, dayOfMonth };
  }
  if (bySetPos.length === 0 && byDay.every((d) => d.ordinal === undefined)) {
    if (interval !== 1) refuse('it repeats on every given weekday of every few months');
    return weekly(
      byDay.map((d) => d.day),
      1,
    );
  }
  const { days, index } = relative(byDay, bySetPos, 'month');
  if (!isRelativeDay(start.date, days, index)) refuse('its first date is not a day it repeats on');
  return { type: 'relativeMonthly', interval, daysOfWeek: dayNames(days), index };
}

function yearly(
  interval: number,
  byDay: readonly WeekdayRule[],
  byMonthDay: readonly number[],
  byMonth: readonly number[],
  bySetPos: readonly number[],
  start: SeriesStart,
): RecurrencePatternJson {
  if (byMonth.length > 1) refuse('it repeats in several months of the year');
  const month = byMonth[0] ?? start.date.month;
  if (month !== start.date.month) refuse('its first date is not in the month it repeats in');
  if (byDay.length > 0) {
    if (byMonthDay.length > 0) refuse('it combines weekdays with days of the month');
    if (byMonth.length === 0) refuse('it repeats on weekdays counted through the whole year');
    const { days, index } = relative(byDay, bySetPos, 'month');
    if (!isRelativeDay(start.date, days, index)) refuse('its first date is not a day it repeats on');
    return { type: 'relativeYearly', interval, daysOfWeek: dayNames(days), month, index };
  }
  if (bySetPos.length > 0) refuse('it picks positions (BYSETPOS) among days of the month');
  const dayOfMonth = absoluteDay(byMonthDay, start, month);
  if (start.date.day !== dayOfMonth) refuse('its first date is not a day it repeats on');
  return { type: 'absoluteYearly', interval, dayOfMonth, month };
}

/** The Graph recurrence of one RRULE starting at `start`, or why there is none. */
export function toPatternedRecurrence(rule: ICAL.Recur, start: SeriesStart): RecurrenceMapping {
  try {
    const startDate = formatDate(start.date);
    const base = { startDate, recurrenceTimeZone: start.timeZone };
    let range: RecurrenceRangeJson;
    if (rule.count !== null && rule.count !== undefined && rule.count > 0) {
      range = { type: 'numbered', ...base, numberOfOccurrences: rule.count };
    } else if (start.untilDate !== undefined) {
      const endDate = formatDate(start.untilDate);
      if (endDate < startDate) refuse('it ends before it starts');
      range = { type: 'endDate', ...base, endDate };
    } else {
      range = { type: 'noEnd', ...base };
    }
    return { expressible: true, recurrence: { pattern: pattern(rule, start), range } };
  } catch (error) {
    if (error instanceof NotExpressible) return { expressible: false, reason: error.message };
    throw error;
  }
}
