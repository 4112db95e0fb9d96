import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { toPatternedRecurrence, type LocalDate } from './recurrence-pattern.ts';

function map(rule: string, date: LocalDate, untilDate?: LocalDate) {
  return toPatternedRecurrence(ICAL.Recur.fromString(rule), {
    date,
    time: { hour: 9, minute: 0, second: 0 },
    timeZone: 'UTC',
    untilDate,
  });
}

const reason = (result: ReturnType<typeof map>): string => (result.expressible ? '' : result.reason);

describe('toPatternedRecurrence', () => {
  it('maps what Outlook can express', () => {
    expect(map('FREQ=DAILY;INTERVAL=3;COUNT=5', { year: 2024, month: 3, day: 4 })).toEqual({
      expressible: true,
      recurrence: {
        pattern: { type: 'daily', interval: 3 },
        range: {
          type: 'numbered',
          startDate: '2024-03-04',
          numberOfOccurrences: 5,
          recurrenceTimeZone: 'UTC',
        },
      },
    });
    const weekdays = map('FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', { year: 2024, month: 3, day: 4 });
    expect(weekdays.expressible && weekdays.recurrence.pattern).toEqual({
      type: 'weekly',
      interval: 1,
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      firstDayOfWeek: 'monday',
    });
    const biweekly = map(
      'FREQ=WEEKLY;INTERVAL=2;WKST=SU',
      { year: 2024, month: 3, day: 4 },
      { year: 2024, month: 6, day: 30 },
    );
    expect(biweekly.expressible && biweekly.recurrence).toEqual({
      pattern: { type: 'weekly', interval: 2, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
      range: { type: 'endDate', startDate: '2024-03-04', endDate: '2024-06-30', recurrenceTimeZone: 'UTC' },
    });
    const lastDay = map('FREQ=MONTHLY;BYMONTHDAY=-1', { year: 2024, month: 4, day: 30 });
    expect(lastDay.expressible && lastDay.recurrence.pattern).toEqual({
      type: 'absoluteMonthly',
      interval: 1,
      dayOfMonth: 31,
    });
    const thanksgiving = map('FREQ=YEARLY;BYMONTH=11;BYDAY=4TH', { year: 2024, month: 11, day: 28 });
    expect(thanksgiving.expressible && thanksgiving.recurrence.pattern).toEqual({
      type: 'relativeYearly',
      interval: 1,
      daysOfWeek: ['thursday'],
      month: 11,
      index: 'fourth',
    });
    expect(map('FREQ=WEEKLY;BYHOUR=9', { year: 2024, month: 3, day: 4 }).expressible).toBe(true);
  });

  it('says why it cannot express the rest', () => {
    const start = { year: 2024, month: 3, day: 4 };
    expect(reason(map('FREQ=HOURLY', start))).toContain('hourly');
    expect(reason(map('FREQ=DAILY;BYHOUR=9,17', start))).toContain('BYHOUR');
    expect(reason(map('FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=4', start))).toContain('several months');
    expect(reason(map('FREQ=YEARLY;BYYEARDAY=64', start))).toContain('BYYEARDAY');
    expect(reason(map('FREQ=YEARLY;BYWEEKNO=10;BYDAY=MO', start))).toContain('BYWEEKNO');
    expect(reason(map('FREQ=MONTHLY;BYMONTHDAY=4,18', start))).toContain('several days');
    expect(reason(map('FREQ=MONTHLY;BYMONTHDAY=-2', { year: 2024, month: 3, day: 30 }))).toContain(
      'end of the month',
    );
    expect(reason(map('FREQ=MONTHLY;BYMONTHDAY=31', { year: 2024, month: 3, day: 31 }))).toContain(
      'does not exist in every month',
    );
    expect(reason(map('FREQ=MONTHLY;BYDAY=-2MO', { year: 2024, month: 3, day: 18 }))).toContain(
      'position -2',
    );
    expect(reason(map('FREQ=WEEKLY;BYDAY=TU', start))).toContain('first date');
    expect(reason(map('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', { year: 2024, month: 2, day: 29 }))).toContain(
      'February',
    );
    expect(reason(map('FREQ=DAILY;INTERVAL=1000', start))).toContain('999');
    expect(reason(map('FREQ=DAILY', start, { year: 2024, month: 3, day: 3 }))).toContain(
      'ends before it starts',
    );
  });
});
