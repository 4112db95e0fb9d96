/**
 * Ferry's converters on iCalendar as Zimbra itself writes it (test/fixtures/zimbra-ics, written from
 * zm-mailbox's sources: quoted TZIDs, Zimbra's own VTIMEZONEs with "-0000" offsets and 1601 onsets,
 * EXDATEs for cancelled occurrences, X-MICROSOFT-CDO-* and X-ZIMBRA-STATUS, lines folded every 76
 * UTF-16 units).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { SourceCalendarItem } from '../domain/pim.ts';
import { convertCalendarItem } from './ical-event-to-graph.ts';
import { convertZimbraTask } from './ical-task-to-graph.ts';

const NOW = Date.UTC(2024, 5, 1);

function golden(name: string, kind: 'calendar' | 'tasks' = 'calendar'): SourceCalendarItem {
  const ics = readFileSync(path.join(import.meta.dirname, '../../test/fixtures/zimbra-ics', name), 'utf8');
  return {
    ref: {
      id: '300',
      folderId: '10',
      kind,
      revision: '1',
      sizeBytes: ics.length,
      tags: [],
      subject: undefined,
    },
    ics,
  };
}

describe('Zimbra 8.8 export of a weekly series (?id=N)', () => {
  const result = convertCalendarItem(golden('zimbra-8.8-series-item.ics'), {
    stamp: 'zimbra:ny:300',
    now: NOW,
    timeZone: 'America/New_York',
  });

  it('reads the series in its zone across the DST change, with its rule', () => {
    const master = result.series!.master.event;
    expect(result.singles).toEqual([]);
    expect(master).toMatchObject({
      subject: 'Weekly planning',
      start: { dateTime: '2024-03-05T09:30:00', timeZone: 'Eastern Standard Time' },
      end: { dateTime: '2024-03-05T10:30:00', timeZone: 'Eastern Standard Time' },
      categories: ['Planning', 'Team'],
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
    });
    expect(master['recurrence']).toMatchObject({
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] },
      range: { type: 'endDate', startDate: '2024-03-05', endDate: '2024-04-30' },
    });
  });

  it('cancels the EXDATE occurrences, the one Zimbra turned from a cancelled exception included', () => {
    // 09:30 EDT is 13:30 UTC.
    expect([...result.series!.cancelledOriginalStartsUtc].sort()).toEqual([
      '2024-03-19T13:30:00Z',
      '2024-04-02T13:30:00Z',
    ]);
  });

  it('applies the moved occurrence', () => {
    expect(result.series!.exceptions).toEqual([
      {
        originalStartUtc: '2024-03-26T13:30:00Z',
        patch: expect.objectContaining({
          subject: 'Weekly planning (moved)',
          location: { displayName: 'Room 2.01' },
          start: { dateTime: '2024-03-26T14:00:00', timeZone: 'Eastern Standard Time' },
          end: { dateTime: '2024-03-26T15:00:00', timeZone: 'Eastern Standard Time' },
        }) as unknown,
      },
    ]);
  });

  it('reads the HTML body (X-ALT-DESC) without its iCalendar escapes, with the attendees Zimbra wrote', () => {
    const body = (result.series!.master.event['body'] as { content: string }).content;
    expect(body).toContain('<li>numbers, targets; risks</li>');
    expect(body).not.toContain('\\');
    expect(body).toMatch(/Doe, Jane/);
    expect(body).toMatch(/Salle Émeraude/);
  });
});

describe('Zimbra 9 export of a folder with an all-day event', () => {
  it('reads an all-day, tentative, private, free event', () => {
    const result = convertCalendarItem(golden('zimbra-9-allday-folder.ics'), {
      stamp: 'zimbra:lon:301',
      now: NOW,
      timeZone: 'Europe/London',
    });
    expect(result.singles).toHaveLength(1);
    expect(result.singles[0]!.event).toMatchObject({
      subject: 'Offsite',
      isAllDay: true,
      showAs: 'free',
      sensitivity: 'private',
      start: { dateTime: '2024-03-01T00:00:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2024-03-03T00:00:00', timeZone: 'GMT Standard Time' },
    });
  });
});

describe('Zimbra 10 export of a task (?id=N)', () => {
  it('reads the waiting status, the zoned due date and the priority', () => {
    const { task } = convertZimbraTask(golden('zimbra-10-task-item.ics', 'tasks'), {
      stamp: 'zimbra:ber:302',
      timeZone: 'Europe/Berlin',
    });
    expect(task).toMatchObject({
      title: 'Renew the domain',
      status: 'waitingOnOthers',
      importance: 'high',
      startDateTime: { dateTime: '2024-04-01T00:00:00', timeZone: 'Europe/Berlin' },
      dueDateTime: { dateTime: '2024-04-12T17:00:00', timeZone: 'W. Europe Standard Time' },
      reminderDateTime: { dateTime: '2024-04-12T07:00:00', timeZone: 'UTC' },
    });
  });
});

describe('Zimbra VTIMEZONEs: 1601 onsets and "-0000" offsets', () => {
  /** The VTIMEZONE of the Zimbra 9 golden, under its own name and under a name only it defines. */
  const london = (tzid: string) =>
    golden('zimbra-9-allday-folder.ics')
      .ics.split('\r\n')
      .filter((_, i, lines) => i >= lines.indexOf('BEGIN:VTIMEZONE') && i <= lines.indexOf('END:VTIMEZONE'))
      .map((line) => (line === 'TZID:Europe/London' ? `TZID:${tzid}` : line));
  const event = (tzid: string, start: string) =>
    [
      'BEGIN:VCALENDAR',
      'PRODID:Zimbra-Calendar-Provider',
      'VERSION:2.0',
      'METHOD:PUBLISH',
      ...london(tzid),
      'BEGIN:VEVENT',
      'UID:zone-1',
      'SUMMARY:Call',
      `DTSTART;TZID="${tzid}":${start}`,
      `DTEND;TZID="${tzid}":${start.slice(0, 9)}100000`,
      'STATUS:CONFIRMED',
      'DTSTAMP:20240101T000000Z',
      'SEQUENCE:0',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
  const convert = (ics: string) =>
    convertCalendarItem({ ...golden('zimbra-9-allday-folder.ics'), ics }, { stamp: 's', now: NOW })
      .singles[0]!.event;

  it('keeps a known zone in summer and in winter', () => {
    expect(convert(event('Europe/London', '20240715T090000'))['start']).toEqual({
      dateTime: '2024-07-15T09:00:00',
      timeZone: 'GMT Standard Time',
    });
    expect(convert(event('Europe/London', '20240115T090000'))['start']).toEqual({
      dateTime: '2024-01-15T09:00:00',
      timeZone: 'GMT Standard Time',
    });
  });

  it('matches a zone only the export defines to the Windows zone with its rules', () => {
    // Zimbra's "-0000" (ICalTimeZone.timeToTzOffsetString) must read as UTC+0, not as a broken offset.
    expect(convert(event('Office time', '20240715T090000'))['start']).toEqual({
      dateTime: '2024-07-15T09:00:00',
      timeZone: 'GMT Standard Time',
    });
    expect(convert(event('Office time', '20240115T090000'))['start']).toEqual({
      dateTime: '2024-01-15T09:00:00',
      timeZone: 'GMT Standard Time',
    });
  });
});
