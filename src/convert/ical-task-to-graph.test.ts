import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UserError } from '../domain/errors.ts';
import type { SourceCalendarItem } from '../domain/pim.ts';
// eslint-disable-next-line ferry/layers -- test only: the emulator validates recurrences as Graph does
import { validateRecurrence } from '../emulators/m365/recurrence.ts';
// eslint-disable-next-line ferry/layers -- test only: the emulator's schema is Graph's list of todoTask fields
import { checkProperties } from '../emulators/m365/schema.ts';
import { MAX_TASK_ICS_CHARS, NO_TITLE, convertZimbraTask } from './ical-task-to-graph.ts';

const PARIS = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'BEGIN:STANDARD',
  'DTSTART:19701025T030000',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:19700329T020000',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
];
/** Zimbra 6/7 named its zones like this; no Windows or IANA name matches. */
const LEGACY_TZID = '(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna';
const LEGACY = PARIS.map((line) => (line === 'TZID:Europe/Paris' ? `TZID:${LEGACY_TZID}` : line));

function ics(todo: readonly string[], zones: readonly string[] = []): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:Zimbra-Calendar-Provider',
    ...zones,
    'BEGIN:VTODO',
    'UID:task-1@example.com',
    'DTSTAMP:20250101T000000Z',
    ...todo,
    'END:VTODO',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

function item(text: string, tags: string[] = []): SourceCalendarItem {
  return {
    ref: {
      id: '901',
      folderId: '15',
      kind: 'tasks',
      revision: '7',
      sizeBytes: text.length,
      tags,
      subject: 'x',
    },
    ics: text,
  };
}

const STAMP = 'zimbra:alice@example.com:901';
const convert = (
  todo: readonly string[],
  options: { timeZone?: string; tags?: string[]; zones?: string[] } = {},
) =>
  convertZimbraTask(item(ics(todo, options.zones), options.tags), {
    stamp: STAMP,
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  });
const LINK = [{ applicationName: 'Ferry', externalId: STAMP, displayName: 'Zimbra task 901' }];

function checkAgainstGraph(task: Readonly<Record<string, unknown>>): void {
  checkProperties(task, 'todoTask');
  const due = task.dueDateTime as { dateTime: string } | undefined;
  if (task.recurrence !== undefined) validateRecurrence(task.recurrence, due?.dateTime.slice(0, 10) ?? '');
}

describe('convertZimbraTask', () => {
  it('maps every VTODO field To Do has', () => {
    const result = convert(
      [
        'SUMMARY:Send the contract',
        'DESCRIPTION:Signed copy\\, both pages.',
        'PRIORITY:1',
        'STATUS:IN-PROCESS',
        'PERCENT-COMPLETE:40',
        'LOCATION:Office 3',
        'CATEGORIES:Legal,Work',
        'DTSTART;TZID=Europe/Paris:20250203T090000',
        'DUE;TZID=Europe/Paris:20250210T170000',
        'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'TRIGGER;RELATED=END:-PT1H',
        'END:VALARM',
      ],
      { zones: PARIS, tags: ['Work', 'Contracts'] },
    );
    expect(result.task).toEqual({
      title: 'Send the contract',
      body: {
        contentType: 'text',
        content: 'Signed copy, both pages.\n\nPercent complete: 40%\nLocation: Office 3',
      },
      importance: 'high',
      status: 'inProgress',
      startDateTime: { dateTime: '2025-02-03T09:00:00', timeZone: 'Romance Standard Time' },
      dueDateTime: { dateTime: '2025-02-10T17:00:00', timeZone: 'Romance Standard Time' },
      isReminderOn: true,
      reminderDateTime: { dateTime: '2025-02-10T15:00:00', timeZone: 'UTC' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
        range: { type: 'numbered', startDate: '2025-02-10', numberOfOccurrences: 5 },
      },
      categories: ['Work', 'Contracts', 'Legal'],
      linkedResources: LINK,
    });
    expect(result.notes).toEqual([]);
    checkAgainstGraph(result.task);
  });

  it('hashes the iCalendar text', () => {
    const text = ics(['SUMMARY:x']);
    const result = convertZimbraTask(item(text), { stamp: STAMP });
    expect(result.contentHash).toBe(createHash('sha256').update(text).digest('hex'));
    expect(convertZimbraTask(item(ics(['SUMMARY:y'])), { stamp: STAMP }).contentHash).not.toBe(
      result.contentHash,
    );
  });

  it('uses "(no title)" for an empty summary and keeps an over-long one whole in the body', () => {
    expect(convert([]).task).toEqual({
      title: NO_TITLE,
      importance: 'normal',
      status: 'notStarted',
      isReminderOn: false,
      linkedResources: LINK,
    });
    const long = 'T'.repeat(300);
    const result = convert([`SUMMARY:${long}`]);
    expect(result.task.title).toBe('T'.repeat(255));
    expect(result.task.body).toEqual({ contentType: 'text', content: `Title: ${long}` });
    expect(result.notes).toEqual([
      "The task's title is longer than 255 characters; it was shortened and kept whole in the body.",
    ]);
  });

  it('maps PRIORITY to importance', () => {
    const importance = (p: string) => convert([`PRIORITY:${p}`]).task.importance;
    expect(['1', '4', '5', '0', '6', '9', 'x'].map(importance)).toEqual([
      'high',
      'high',
      'normal',
      'normal',
      'low',
      'low',
      'normal',
    ]);
  });

  it('maps STATUS, Zimbra’s own statuses and PERCENT-COMPLETE to status', () => {
    const status = (lines: string[]) => convert(lines).task.status;
    expect(status(['STATUS:NEEDS-ACTION'])).toBe('notStarted');
    expect(status(['STATUS:IN-PROCESS'])).toBe('inProgress');
    expect(status(['STATUS:COMPLETED'])).toBe('completed');
    expect(status(['STATUS:X-ZIMBRA-STATUS-WAITING'])).toBe('waitingOnOthers');
    expect(status(['STATUS:X-ZIMBRA-STATUS-DEFERRED'])).toBe('deferred');
    // How Zimbra itself writes them: a parameter on IN-PROCESS.
    expect(status(['STATUS;X-ZIMBRA-STATUS=X-ZIMBRA-STATUS-WAITING:IN-PROCESS'])).toBe('waitingOnOthers');
    expect(status(['STATUS;X-ZIMBRA-STATUS=X-ZIMBRA-STATUS-DEFERRED:IN-PROCESS'])).toBe('deferred');
    expect(status(['STATUS;X-ZIMBRA-STATUS=SOMETHING-ELSE:IN-PROCESS'])).toBe('inProgress');
    expect(status(['PERCENT-COMPLETE:100'])).toBe('completed');
    expect(status(['PERCENT-COMPLETE:30'])).toBe('inProgress');
    expect(status([])).toBe('notStarted');
    const unknown = convert(['STATUS:SOMEDAY', 'PERCENT-COMPLETE:10']);
    expect(unknown.task.status).toBe('inProgress');
    expect(unknown.notes).toEqual([
      'The task\'s status "SOMEDAY" is unknown; it was set from the percent complete.',
    ]);
  });

  it('defers a cancelled task and says so in the body', () => {
    const { task } = convert(['STATUS:CANCELLED', 'DESCRIPTION:Old plan']);
    expect(task.status).toBe('deferred');
    expect(task.body).toEqual({ contentType: 'text', content: 'Old plan\n\nCancelled in Zimbra.' });
  });

  it('keeps the completion date of a completed task', () => {
    const { task } = convert(['STATUS:COMPLETED', 'PERCENT-COMPLETE:100', 'COMPLETED:20250209T150000Z']);
    expect(task.completedDateTime).toEqual({ dateTime: '2025-02-09T15:00:00', timeZone: 'UTC' });
    expect(task.body).toBeUndefined();
  });

  it('prefers the HTML description and adds the facts before </body>', () => {
    const { task } = convert([
      'DESCRIPTION:plain',
      'X-ALT-DESC;FMTTYPE=text/html:<html><body><p>Rich & <b>bold</b></p></body></html>',
      'PERCENT-COMPLETE:75',
      'LOCATION:Room <5>',
    ]);
    expect(task.body).toEqual({
      contentType: 'html',
      content:
        '<html><body><p>Rich & <b>bold</b></p><p>Percent complete: 75%<br>Location: Room &lt;5&gt;</p></body></html>',
    });
  });

  it('reads the HTML description without the escapes Zimbra writes it with (ZProperty escape)', () => {
    const { task } = convert(['X-ALT-DESC;FMTTYPE=text/html:<p>Call\\, then mail\\; a\\\\b</p>']);
    expect(task.body).toEqual({ contentType: 'html', content: '<p>Call, then mail; a\\b</p>' });
  });
});

describe('task dates', () => {
  it('reads DUE;VALUE=DATE with a time as Zimbra does: that time in the mailbox zone', () => {
    // zm-mailbox ParsedDateTime.parse(ZProperty, TimeZoneMap) ignores VALUE.
    expect(convert(['DUE;VALUE=DATE:20250210T170000'], { timeZone: 'Europe/Berlin' }).task).toMatchObject({
      dueDateTime: { dateTime: '2025-02-10T17:00:00' },
    });
  });

  it('reads a date without a time in the mailbox zone, else UTC', () => {
    const lines = ['DTSTART;VALUE=DATE:20250201', 'DUE;VALUE=DATE:20250210'];
    expect(convert(lines).task).toMatchObject({
      startDateTime: { dateTime: '2025-02-01T00:00:00', timeZone: 'UTC' },
      dueDateTime: { dateTime: '2025-02-10T00:00:00', timeZone: 'UTC' },
    });
    expect(convert(lines, { timeZone: 'Pacific Standard Time' }).task).toMatchObject({
      dueDateTime: { dateTime: '2025-02-10T00:00:00', timeZone: 'Pacific Standard Time' },
    });
  });

  it('keeps UTC times in UTC and floating times as wall clocks of the mailbox zone', () => {
    expect(convert(['DUE:20250210T170000Z'], { timeZone: 'Tokyo Standard Time' }).task.dueDateTime).toEqual({
      dateTime: '2025-02-10T17:00:00',
      timeZone: 'UTC',
    });
    expect(convert(['DUE:20250210T170000'], { timeZone: 'Tokyo Standard Time' }).task.dueDateTime).toEqual({
      dateTime: '2025-02-10T17:00:00',
      timeZone: 'Tokyo Standard Time',
    });
  });

  it('labels an IANA or Windows TZID with its Windows name, without a VTIMEZONE too', () => {
    expect(convert(['DUE;TZID=America/New_York:20250210T170000']).task.dueDateTime).toEqual({
      dateTime: '2025-02-10T17:00:00',
      timeZone: 'Eastern Standard Time',
    });
    expect(convert(['DUE;TZID=W. Europe Standard Time:20250210T170000']).task.dueDateTime).toEqual({
      dateTime: '2025-02-10T17:00:00',
      timeZone: 'W. Europe Standard Time',
    });
  });

  it('resolves any other TZID through its VTIMEZONE, shown in the mailbox zone or UTC', () => {
    const lines = [`DUE;TZID="${LEGACY_TZID}":20250710T233000`];
    expect(convert(lines, { zones: LEGACY }).task.dueDateTime).toEqual({
      dateTime: '2025-07-10T21:30:00',
      timeZone: 'UTC',
    });
    expect(convert(lines, { zones: LEGACY, timeZone: 'Romance Standard Time' }).task.dueDateTime).toEqual({
      dateTime: '2025-07-10T23:30:00',
      timeZone: 'Romance Standard Time',
    });
  });

  it('takes the due date from DTSTART + DURATION when there is no DUE', () => {
    expect(convert(['DTSTART:20250210T080000Z', 'DURATION:P2D']).task.dueDateTime).toEqual({
      dateTime: '2025-02-12T08:00:00',
      timeZone: 'UTC',
    });
  });

  it('leaves out dates outside what Exchange stores', () => {
    const { task } = convert(['DTSTART:00010101T000000Z', 'DUE;VALUE=DATE:20250210']);
    expect(task.startDateTime).toBeUndefined();
    expect(task.dueDateTime).toEqual({ dateTime: '2025-02-10T00:00:00', timeZone: 'UTC' });
  });
});

describe('task reminders', () => {
  const alarm = (trigger: string) => ['BEGIN:VALARM', 'ACTION:DISPLAY', trigger, 'END:VALARM'];

  it('takes an absolute trigger as is', () => {
    const { task } = convert(alarm('TRIGGER;VALUE=DATE-TIME:20250209T080000Z'));
    expect(task).toMatchObject({
      isReminderOn: true,
      reminderDateTime: { dateTime: '2025-02-09T08:00:00', timeZone: 'UTC' },
    });
  });

  it('resolves a relative trigger against DTSTART by default and DUE for RELATED=END', () => {
    const dates = ['DTSTART;TZID=Europe/Paris:20250203T090000', 'DUE;TZID=Europe/Paris:20250210T170000'];
    expect(convert([...dates, ...alarm('TRIGGER:-PT15M')], { zones: PARIS }).task.reminderDateTime).toEqual({
      dateTime: '2025-02-03T07:45:00',
      timeZone: 'UTC',
    });
    expect(
      convert([...dates, ...alarm('TRIGGER;RELATED=END:-P1D')], { zones: PARIS }).task.reminderDateTime,
    ).toEqual({ dateTime: '2025-02-09T16:00:00', timeZone: 'UTC' });
  });

  it('resolves a trigger on a date-only due date from midnight in the mailbox zone', () => {
    const lines = ['DUE;VALUE=DATE:20250210', ...alarm('TRIGGER;RELATED=END:-PT15H')];
    expect(convert(lines, { timeZone: 'Romance Standard Time' }).task.reminderDateTime).toEqual({
      dateTime: '2025-02-09T08:00:00',
      timeZone: 'UTC',
    });
  });

  it('falls back to the other date, and leaves the reminder out when there is none', () => {
    expect(convert(['DUE:20250210T170000Z', ...alarm('TRIGGER:-PT1H')]).task.reminderDateTime).toEqual({
      dateTime: '2025-02-10T16:00:00',
      timeZone: 'UTC',
    });
    const result = convert(alarm('TRIGGER:-PT1H'));
    expect(result.task.isReminderOn).toBe(false);
    expect(result.task.reminderDateTime).toBeUndefined();
    expect(result.notes).toEqual([
      'The task’s reminder is relative to a start or due date the task does not have; it was left out.',
    ]);
  });

  it('keeps the first of several reminders', () => {
    const result = convert([
      ...alarm('TRIGGER;VALUE=DATE-TIME:20250209T080000Z'),
      ...alarm('TRIGGER;VALUE=DATE-TIME:20250209T090000Z'),
    ]);
    expect(result.task.reminderDateTime).toEqual({ dateTime: '2025-02-09T08:00:00', timeZone: 'UTC' });
    expect(result.notes).toEqual(['The task has 2 reminders; To Do keeps one, the first.']);
  });
});

describe('task recurrence', () => {
  const DUE = 'DUE;VALUE=DATE:20250210'; // a Monday
  const recurrence = (rule: string, due = DUE) => {
    const result = convert([due, `RRULE:${rule}`]);
    checkAgainstGraph(result.task);
    return result.task.recurrence;
  };
  const noEnd = { type: 'noEnd', startDate: '2025-02-10' };

  it('maps daily, weekly, monthly and yearly rules', () => {
    expect(recurrence('FREQ=DAILY;INTERVAL=3')).toEqual({
      pattern: { type: 'daily', interval: 3 },
      range: noEnd,
    });
    expect(recurrence('FREQ=DAILY;BYDAY=MO,WE,FR')).toEqual({
      pattern: {
        type: 'weekly',
        interval: 1,
        daysOfWeek: ['monday', 'wednesday', 'friday'],
        firstDayOfWeek: 'monday',
      },
      range: noEnd,
    });
    expect(recurrence('FREQ=WEEKLY;INTERVAL=2;WKST=SU')).toEqual({
      pattern: { type: 'weekly', interval: 2, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
      range: noEnd,
    });
    expect(recurrence('FREQ=MONTHLY')).toEqual({
      pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 10 },
      range: noEnd,
    });
    expect(recurrence('FREQ=MONTHLY;BYMONTHDAY=15')).toEqual({
      pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 },
      range: noEnd,
    });
    expect(recurrence('FREQ=MONTHLY;BYDAY=2TU')).toEqual({
      pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'second' },
      range: noEnd,
    });
    expect(recurrence('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1')).toEqual({
      pattern: {
        type: 'relativeMonthly',
        interval: 1,
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        index: 'last',
      },
      range: noEnd,
    });
    expect(recurrence('FREQ=MONTHLY;BYMONTHDAY=-1')).toEqual({
      pattern: {
        type: 'relativeMonthly',
        interval: 1,
        daysOfWeek: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
        index: 'last',
      },
      range: noEnd,
    });
    expect(recurrence('FREQ=YEARLY')).toEqual({
      pattern: { type: 'absoluteYearly', interval: 1, month: 2, dayOfMonth: 10 },
      range: noEnd,
    });
    expect(recurrence('FREQ=YEARLY;BYMONTH=11;BYDAY=4TH')).toEqual({
      pattern: { type: 'relativeYearly', interval: 1, month: 11, daysOfWeek: ['thursday'], index: 'fourth' },
      range: noEnd,
    });
  });

  it('maps COUNT and UNTIL to the range', () => {
    expect(recurrence('FREQ=DAILY;COUNT=4')).toEqual({
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'numbered', startDate: '2025-02-10', numberOfOccurrences: 4 },
    });
    expect(recurrence('FREQ=DAILY;UNTIL=20250301T235959Z')).toEqual({
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'endDate', startDate: '2025-02-10', endDate: '2025-03-01' },
    });
  });

  it('starts the range on the due date as To Do shows it', () => {
    const result = convert([`DUE;TZID="${LEGACY_TZID}":20250210T233000`, 'RRULE:FREQ=DAILY'], {
      zones: LEGACY,
    });
    expect(result.task.dueDateTime).toEqual({ dateTime: '2025-02-10T22:30:00', timeZone: 'UTC' });
    expect(result.task.recurrence).toEqual({ pattern: { type: 'daily', interval: 1 }, range: noEnd });
  });

  it('leaves out a rule To Do cannot express, keeping it in the body', () => {
    for (const [rule, reason] of [
      ['FREQ=HOURLY', 'To Do cannot repeat hourly'],
      ['FREQ=MONTHLY;BYMONTHDAY=1,15', 'To Do repeats on one day of the month only'],
      ['FREQ=MONTHLY;BYDAY=5FR', 'To Do repeats on the first to fourth or the last weekday of a month only'],
      ['FREQ=YEARLY;BYWEEKNO=20', 'To Do cannot repeat by BYWEEKNO'],
      ['FREQ=WEEKLY;INTERVAL=1000', 'its interval 1000 is outside 1–999'],
    ]) {
      const result = convert([DUE, `RRULE:${rule}`]);
      expect(result.task.recurrence).toBeUndefined();
      expect(result.task.body).toEqual({ contentType: 'text', content: `Repeats in Zimbra: ${rule}` });
      expect(result.notes).toEqual([
        `The task repeats (${rule}) but ${reason}; it was migrated as a single task and the rule is kept in its body.`,
      ]);
    }
  });

  it('needs a due date', () => {
    const result = convert(['DTSTART:20250210T080000Z', 'RRULE:FREQ=WEEKLY']);
    expect(result.task.recurrence).toBeUndefined();
    expect(result.notes).toEqual([
      'The task repeats (FREQ=WEEKLY) but To Do repeats only tasks with a due date; it was migrated as a single task and the rule is kept in its body.',
    ]);
  });

  it('keeps the rule but says removed and changed occurrences are not carried', () => {
    const text = ics([DUE, 'RRULE:FREQ=DAILY;COUNT=3', 'EXDATE;VALUE=DATE:20250211']).replace(
      'END:VCALENDAR',
      'BEGIN:VTODO\r\nUID:task-1@example.com\r\nRECURRENCE-ID;VALUE=DATE:20250212\r\nSUMMARY:moved\r\nEND:VTODO\r\nEND:VCALENDAR',
    );
    const result = convertZimbraTask(item(text), { stamp: STAMP });
    expect(result.task.title).toBe(NO_TITLE);
    expect(result.task.recurrence).toEqual({
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'numbered', startDate: '2025-02-10', numberOfOccurrences: 3 },
    });
    expect(result.notes).toEqual([
      'Occurrences changed, added or removed in Zimbra are not carried over: To Do repeats a task by its rule only.',
    ]);
  });
});

describe('task categories', () => {
  it('merges tags and CATEGORIES without duplicates', () => {
    const { task } = convert(['CATEGORIES:work,Home', 'CATEGORIES:Ideas'], { tags: ['Work', ' '] });
    expect(task.categories).toEqual(['Work', 'Home', 'Ideas']);
  });
});

describe('unreadable and hostile tasks', () => {
  const attempt = (text: string) => () => convertZimbraTask(item(text), { stamp: STAMP });

  it('throws UNREADABLE_TASK for garbage, naming the item', () => {
    const error = (() => {
      try {
        attempt('this is not iCalendar')();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      code: 'UNREADABLE_TASK',
      context: { itemId: '901', folderId: '15' },
      message: expect.stringMatching(
        /^Zimbra task 901 cannot be migrated: its iCalendar is not valid iCalendar/,
      ),
    });
  });

  it('throws UNREADABLE_TASK when there is no VTODO, or the text is huge', () => {
    const event = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:e\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    expect(attempt(event)).toThrow(
      'Zimbra task 901 cannot be migrated: its iCalendar holds no task (VTODO).',
    );
    expect(attempt('')).toThrow(UserError);
    expect(attempt('x'.repeat(MAX_TASK_ICS_CHARS + 1))).toThrow('is larger than 16 MB');
  });

  it('survives components nested 20,000 deep', () => {
    const depth = 20_000;
    const nested = `BEGIN:VCALENDAR\r\n${'BEGIN:VTODO\r\n'.repeat(depth)}${'END:VTODO\r\n'.repeat(depth)}END:VCALENDAR\r\n`;
    expect(convertZimbraTask(item(nested), { stamp: STAMP }).task.title).toBe(NO_TITLE);
    const junk = `${'BEGIN:X\r\n'.repeat(depth)}${'END:X\r\n'.repeat(depth)}`;
    expect(attempt(junk)).toThrow('its iCalendar holds no task (VTODO)');
  });

  it('migrates a truncated export, closing what was left open, with a note', () => {
    const text = ics(['SUMMARY:Cut short', 'DUE;VALUE=DATE:20250210', 'DESCRIPTION:first half']).split(
      'END:VTODO',
    )[0];
    const result = convertZimbraTask(item(text ?? ''), { stamp: STAMP });
    expect(result.task).toMatchObject({
      title: 'Cut short',
      dueDateTime: { dateTime: '2025-02-10T00:00:00', timeZone: 'UTC' },
      body: { contentType: 'text', content: 'first half' },
    });
    expect(result.notes).toEqual([
      "The task's iCalendar is damaged; 2 broken line(s) were skipped or closed and the rest was migrated.",
    ]);
  });

  it('skips a garbled line and an unreadable rule, keeping the rest', () => {
    const result = convert([
      'SUMMARY:Still here',
      'this line has no colon',
      'RRULE:FREQ=SOMETIMES',
      'PRIORITY:9',
    ]);
    expect(result.task).toMatchObject({ title: 'Still here', importance: 'low' });
    expect(result.task.recurrence).toBeUndefined();
    expect(result.notes).toEqual([
      "The task's iCalendar is damaged; 2 broken line(s) were skipped or closed and the rest was migrated.",
    ]);
  });

  it('reads a bare VTODO without VCALENDAR', () => {
    const result = convertZimbraTask(item('BEGIN:VTODO\r\nUID:b\r\nSUMMARY:Bare\r\nEND:VTODO\r\n'), {
      stamp: STAMP,
    });
    expect(result.task.title).toBe('Bare');
  });

  it('ignores values ical.js cannot decode and strips control characters', () => {
    const { task } = convert([
      'SUMMARY:Fix\u0007 it',
      'DUE:2025-13-45',
      'PRIORITY:high',
      'PERCENT-COMPLETE:300',
    ]);
    expect(task).toEqual({
      title: 'Fix it',
      importance: 'normal',
      status: 'notStarted',
      isReminderOn: false,
      linkedResources: LINK,
    });
  });

  it('caps a huge description with a note', () => {
    const result = convert([`DESCRIPTION:${'d'.repeat(600_000)}`]);
    expect((result.task.body as { content: string }).content).toHaveLength(500_000);
    expect(result.notes).toEqual([
      "The task's description is 600000 characters long; only the first 500000 were kept.",
    ]);
  });
});
