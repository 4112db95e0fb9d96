/**
 * A VTODO's RRULE → the `patternedRecurrence` of a To Do task (microsoft-graph.md §9), or the reason
 * it cannot be one. To Do repeats the due date: `range.startDate` is the due date, and so is the day,
 * weekday and month a rule leaves implicit (RFC 5545 takes them from DTSTART; for a task due a month
 * after it starts, the due date is what To Do must repeat to keep each occurrence's due date).
 *
 * Expressible: DAILY (with INTERVAL; with BYDAY only every day of some weekdays → weekly), WEEKLY
 * with plain BYDAY, MONTHLY/YEARLY on one day of the month (BYMONTHDAY=-1 → the last of any weekday
 * of the month) or on the nth/last weekday (BYDAY=2TU, or BYDAY=MO,TU…;BYSETPOS=n), with COUNT,
 * UNTIL or no end. Anything else (HOURLY and finer, BYWEEKNO, BYYEARDAY, several month days, …)
 * is refused with the rule quoted, for the caller to keep in the body.
 */
import type ICAL from 'ical.js';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const ICAL_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const INDEXES: Readonly<Record<number, string>> = {
  1: 'first',
  2: 'second',
  3: 'third',
  4: 'fourth',
  [-1]: 'last',
};
/** Graph's largest recurrence interval. */
const MAX_INTERVAL = 999;

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export type TaskRecurrence =
  { readonly recurrence: Readonly<Record<string, unknown>> } | { readonly reason: string };

interface WeekdayRule {
  readonly ordinal: number | undefined;
  readonly day: (typeof DAYS)[number];
}

function parseWeekday(value: string): WeekdayRule | undefined {
  const match = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/i.exec(value.trim());
  if (!match) return undefined;
  const day = DAYS[ICAL_DAYS.indexOf((match[2] ?? '').toUpperCase())];
  if (day === undefined) return undefined;
  return { ordinal: match[1] === undefined ? undefined : Number(match[1]), day };
}

function weekdayOf(date: CalendarDate): (typeof DAYS)[number] {
  return DAYS[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()] ?? 'sunday';
}

const isoDate = (date: CalendarDate): string =>
  `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;

type Pattern = Record<string, unknown>;

/** The pattern part, or a reason. `anchor` supplies the implicit day, weekday and month. */
function pattern(rule: ICAL.Recur, anchor: CalendarDate): Pattern | string {
  const parts = rule.parts;
  const unsupported = (['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYYEARDAY', 'BYWEEKNO'] as const).filter(
    (name) => (parts[name]?.length ?? 0) > 0,
  );
  if (unsupported.length > 0) return `To Do cannot repeat by ${unsupported.join(', ')}`;
  const byday = (parts.BYDAY ?? []).map(parseWeekday);
  if (byday.some((d) => d === undefined)) return 'its BYDAY is not a list of weekdays';
  const days = byday.filter((d): d is WeekdayRule => d !== undefined);
  const monthDays = (parts.BYMONTHDAY ?? []).map(Number);
  const months = (parts.BYMONTH ?? []).map(Number);
  const setpos = (parts.BYSETPOS ?? []).map(Number);
  const interval = rule.interval;
  const plainDays = days.length > 0 && days.every((d) => d.ordinal === undefined);
  const dayNames = [...new Set(days.map((d) => d.day))];

  /** nth weekday(s) of a month: BYDAY=2TU, or BYDAY=MO,TU;BYSETPOS=2. */
  const relative = (): Pattern | string => {
    const single = days.length === 1 && days[0]?.ordinal !== undefined && setpos.length === 0;
    const ordinal = single ? days[0]?.ordinal : plainDays && setpos.length === 1 ? setpos[0] : undefined;
    const index = ordinal === undefined ? undefined : INDEXES[ordinal];
    if (index === undefined)
      return 'To Do repeats on the first to fourth or the last weekday of a month only';
    return { daysOfWeek: dayNames, index };
  };
  /** One day of the month: BYMONTHDAY=n, or the last day (every weekday, index last). */
  const monthDay = (): Pattern | string => {
    if (monthDays.length > 1) return 'To Do repeats on one day of the month only';
    const day = monthDays[0] ?? anchor.day;
    if (day === -1) return { daysOfWeek: [...DAYS], index: 'last' };
    if (!Number.isInteger(day) || day < 1 || day > 31) return 'To Do cannot repeat on that day of the month';
    return { dayOfMonth: day };
  };

  switch (rule.freq) {
    case 'DAILY':
      if (days.length === 0 && monthDays.length === 0 && months.length === 0 && setpos.length === 0) {
        return { type: 'daily', interval };
      }
      if (
        plainDays &&
        interval === 1 &&
        monthDays.length === 0 &&
        months.length === 0 &&
        setpos.length === 0
      ) {
        return { type: 'weekly', interval: 1, daysOfWeek: dayNames, firstDayOfWeek: firstDayOfWeek(rule) };
      }
      return 'To Do cannot repeat daily with those limits';
    case 'WEEKLY':
      if ((days.length > 0 && !plainDays) || monthDays.length > 0 || months.length > 0 || setpos.length > 0) {
        return 'To Do cannot repeat weekly with those limits';
      }
      return {
        type: 'weekly',
        interval,
        daysOfWeek: days.length > 0 ? dayNames : [weekdayOf(anchor)],
        firstDayOfWeek: firstDayOfWeek(rule),
      };
    case 'MONTHLY': {
      if (months.length > 0) return 'To Do cannot repeat monthly in some months only';
      const shape = days.length > 0 ? (monthDays.length > 0 ? 'both' : relative()) : monthDay();
      if (shape === 'both') return 'To Do cannot combine BYDAY and BYMONTHDAY';
      if (typeof shape === 'string') return shape;
      const kind = 'dayOfMonth' in shape ? 'absoluteMonthly' : 'relativeMonthly';
      return { type: kind, interval, ...shape };
    }
    case 'YEARLY': {
      if (months.length > 1) return 'To Do repeats yearly in one month only';
      const month = months[0] ?? anchor.month;
      const shape = days.length > 0 ? (monthDays.length > 0 ? 'both' : relative()) : monthDay();
      if (shape === 'both') return 'To Do cannot combine BYDAY and BYMONTHDAY';
      if (typeof shape === 'string') return shape;
      const kind = 'dayOfMonth' in shape ? 'absoluteYearly' : 'relativeYearly';
      return { type: kind, interval, month, ...shape };
    }
    default:
      return `To Do cannot repeat ${String(rule.freq).toLowerCase() || 'without a frequency'}`;
  }
}

function firstDayOfWeek(rule: ICAL.Recur): string {
  // ical.js numbers WKST 1 (Sunday) to 7; RFC 5545's default week start is Monday.
  return DAYS[(Number(rule.wkst) || 2) - 1] ?? 'monday';
}

/** The To Do recurrence for `rule`, starting on the due date. */
export function taskRecurrence(rule: ICAL.Recur, due: CalendarDate): TaskRecurrence {
  if (!Number.isInteger(rule.interval) || rule.interval < 1 || rule.interval > MAX_INTERVAL) {
    return { reason: `its interval ${rule.interval} is outside 1–${MAX_INTERVAL}` };
  }
  const shape = pattern(rule, due);
  if (typeof shape === 'string') return { reason: shape };
  const startDate = isoDate(due);
  let range: Record<string, unknown> = { type: 'noEnd', startDate };
  if (rule.count !== null && rule.count !== undefined) {
    if (!Number.isInteger(rule.count) || rule.count < 1)
      return { reason: `its COUNT ${rule.count} is not a positive number` };
    range = { type: 'numbered', startDate, numberOfOccurrences: rule.count };
  } else if (rule.until) {
    const endDate = isoDate(rule.until);
    if (endDate < startDate) return { reason: 'it ends before the task is due' };
    range = { type: 'endDate', startDate, endDate };
  }
  return { recurrence: { pattern: shape, range } };
}
