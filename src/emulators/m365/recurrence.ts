import { show, validationFailure } from './errors.ts';
import { checkTimeZone } from './time-zones.ts';

const PATTERNS = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const INDEXES = ['first', 'second', 'third', 'fourth', 'last'];

/** Fields each pattern type needs and allows [D: recurrencePattern]. */
const FIELDS: Readonly<Record<string, { required: string[]; allowed: string[] }>> = {
  daily: { required: [], allowed: [] },
  weekly: { required: ['daysOfWeek'], allowed: ['daysOfWeek', 'firstDayOfWeek'] },
  absoluteMonthly: { required: ['dayOfMonth'], allowed: ['dayOfMonth'] },
  relativeMonthly: { required: ['daysOfWeek'], allowed: ['daysOfWeek', 'index'] },
  absoluteYearly: { required: ['dayOfMonth', 'month'], allowed: ['dayOfMonth', 'month'] },
  relativeYearly: { required: ['daysOfWeek', 'month'], allowed: ['daysOfWeek', 'month', 'index'] },
};

export interface Pattern {
  type: string;
  interval: number;
  daysOfWeek: string[];
  dayOfMonth: number;
  month: number;
  index: string;
  firstDayOfWeek: string;
}

export interface Range {
  type: string;
  startDate: string;
  endDate: string;
  numberOfOccurrences: number;
  recurrenceTimeZone: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A value Graph treats as "not set" for a pattern field (what a GET echoes back). */
function isUnset(name: string, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (name === 'daysOfWeek') return Array.isArray(value) && value.length === 0;
  if (name === 'dayOfMonth' || name === 'month') return value === 0;
  if (name === 'index') return value === 'first';
  return name === 'firstDayOfWeek';
}

/** Validates a patternedRecurrence as Graph does; `startDate` is the date of the event's start. */
export function validateRecurrence(raw: unknown, startDate: string): { pattern: Pattern; range: Range } {
  const { pattern, range } = (raw ?? {}) as {
    pattern?: Record<string, unknown>;
    range?: Record<string, unknown>;
  };
  if (pattern === undefined || range === undefined) throw validationFailure();
  const rule = FIELDS[String(pattern.type)];
  if (rule === undefined || !PATTERNS.includes(String(pattern.type))) throw validationFailure();
  const interval = pattern.interval ?? 1;
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1 || interval > 999) {
    throw validationFailure();
  }
  for (const name of ['daysOfWeek', 'dayOfMonth', 'month', 'index', 'firstDayOfWeek']) {
    const value = pattern[name];
    if (rule.required.includes(name) && isUnset(name, value) && name !== 'index') throw validationFailure();
    if (!rule.allowed.includes(name) && !isUnset(name, value)) throw validationFailure();
  }
  const days = (pattern.daysOfWeek ?? []) as unknown[];
  if (!Array.isArray(days) || days.some((d) => typeof d !== 'string' || !DAYS.includes(d.toLowerCase()))) {
    throw validationFailure();
  }
  const dayOfMonth = Number(pattern.dayOfMonth ?? 0);
  const month = Number(pattern.month ?? 0);
  if (
    rule.required.includes('dayOfMonth') &&
    (!Number.isInteger(dayOfMonth) || dayOfMonth < 1 || dayOfMonth > 31)
  ) {
    throw validationFailure();
  }
  if (rule.required.includes('month') && (!Number.isInteger(month) || month < 1 || month > 12)) {
    throw validationFailure();
  }
  const index = show(pattern.index ?? 'first');
  if (!INDEXES.includes(index)) throw validationFailure();
  const firstDayOfWeek = show(pattern.firstDayOfWeek ?? 'sunday').toLowerCase();
  if (!DAYS.includes(firstDayOfWeek)) throw validationFailure();

  const rangeType = String(range.type);
  if (!['endDate', 'noEnd', 'numbered'].includes(rangeType)) throw validationFailure();
  if (typeof range.startDate !== 'string' || !DATE.test(range.startDate) || range.startDate !== startDate) {
    throw validationFailure();
  }
  const endDate = typeof range.endDate === 'string' ? range.endDate : '0001-01-01';
  if (rangeType === 'endDate' && (!DATE.test(endDate) || endDate < range.startDate)) {
    throw validationFailure();
  }
  const count = Number(range.numberOfOccurrences ?? 0);
  if (rangeType === 'numbered' && (!Number.isInteger(count) || count < 1)) throw validationFailure();
  const zone =
    typeof range.recurrenceTimeZone === 'string' && range.recurrenceTimeZone !== ''
      ? checkTimeZone(range.recurrenceTimeZone)
      : '';
  return {
    pattern: {
      type: String(pattern.type),
      interval,
      daysOfWeek: days.map((d) => String(d).toLowerCase()),
      dayOfMonth,
      month,
      index,
      firstDayOfWeek,
    },
    range: {
      type: rangeType,
      startDate: range.startDate,
      endDate,
      numberOfOccurrences: count,
      recurrenceTimeZone: zone,
    },
  };
}

const dayMs = 86_400_000;
const parse = (date: string): Date => new Date(`${date}T00:00:00Z`);
const format = (date: Date): string => date.toISOString().slice(0, 10);

/** The nth (or last) day of `date`'s month whose weekday is one of `days`. */
function relativeDay(date: Date, days: string[], index: string): number {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const matches: number[] = [];
  for (let day = 1; day <= new Date(Date.UTC(year, month + 1, 0)).getUTCDate(); day += 1) {
    if (days.includes(DAYS[new Date(Date.UTC(year, month, day)).getUTCDay()] ?? '')) matches.push(day);
  }
  return (index === 'last' ? matches[matches.length - 1] : matches[INDEXES.indexOf(index)]) ?? -1;
}

function matches(pattern: Pattern, start: Date, date: Date): boolean {
  const months =
    (date.getUTCFullYear() - start.getUTCFullYear()) * 12 + date.getUTCMonth() - start.getUTCMonth();
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  const weekday = DAYS[date.getUTCDay()] ?? '';
  switch (pattern.type) {
    case 'daily':
      return Math.round((date.getTime() - start.getTime()) / dayMs) % pattern.interval === 0;
    case 'weekly': {
      const shift = (d: Date) => (d.getUTCDay() - DAYS.indexOf(pattern.firstDayOfWeek) + 7) % 7;
      const weeks = Math.round(
        (date.getTime() - shift(date) * dayMs - (start.getTime() - shift(start) * dayMs)) / (7 * dayMs),
      );
      return pattern.daysOfWeek.includes(weekday) && weeks % pattern.interval === 0;
    }
    case 'absoluteMonthly':
      return months % pattern.interval === 0 && date.getUTCDate() === Math.min(pattern.dayOfMonth, lastDay);
    case 'relativeMonthly':
      return (
        months % pattern.interval === 0 &&
        date.getUTCDate() === relativeDay(date, pattern.daysOfWeek, pattern.index)
      );
    case 'absoluteYearly':
      return (
        months % (12 * pattern.interval) === 0 &&
        date.getUTCMonth() + 1 === pattern.month &&
        date.getUTCDate() === Math.min(pattern.dayOfMonth, lastDay)
      );
    default:
      return (
        date.getUTCMonth() + 1 === pattern.month &&
        (date.getUTCFullYear() - start.getUTCFullYear()) % pattern.interval === 0 &&
        date.getUTCDate() === relativeDay(date, pattern.daysOfWeek, pattern.index)
      );
  }
}

/** Dates (YYYY-MM-DD) of the series' occurrences up to and including `until`. */
export function occurrenceDates(recurrence: { pattern: Pattern; range: Range }, until: string): string[] {
  const { pattern, range } = recurrence;
  const start = parse(range.startDate);
  const last = range.type === 'endDate' && range.endDate < until ? range.endDate : until;
  const dates: string[] = [];
  for (let date = start; format(date) <= last; date = new Date(date.getTime() + dayMs)) {
    if (!matches(pattern, start, date)) continue;
    dates.push(format(date));
    if (range.type === 'numbered' && dates.length >= range.numberOfOccurrences) break;
  }
  return dates;
}
