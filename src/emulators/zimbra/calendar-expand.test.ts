import { describe, expect, it } from 'vitest';

import { expandInstances } from './calendar-expand.ts';
import { groupCalendarComponents, timeProp } from './icalendar.ts';
import type { CalendarItem } from './model.ts';

function items(...files: string[][]): CalendarItem[] {
  const texts = files.map((lines, i) => ({
    name: `f${i}.ics`,
    text: ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR'].join('\r\n'),
  }));
  return groupCalendarComponents(texts, 'vevent').map((group, i) => ({
    kind: 'appointment',
    id: 100 + i,
    folderId: 10,
    uuid: `u${i}`,
    date: 0,
    size: 0,
    flags: '',
    tags: [],
    uid: group.uid,
    invites: group.components.map((component, n) => ({
      id: 200 + n,
      component,
      recurrenceId: timeProp(component, 'recurrence-id'),
    })),
    timezones: group.timezones,
  }));
}

const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2026, 0, 1);
const starts = (item: CalendarItem | undefined): string[] =>
  expandInstances(item!, FROM, TO).map((i) => new Date(i.startMs).toISOString());

describe('expandInstances', () => {
  it('takes the recurrence set of RFC 5545: every rule, RDATE periods, EXDATEs also on RDATEs', () => {
    const [item] = items([
      'BEGIN:VEVENT',
      'UID:set',
      'DTSTART:20240805T190000Z',
      'RRULE:FREQ=DAILY;COUNT=3',
      'RRULE:FREQ=WEEKLY;COUNT=2',
      'RDATE;VALUE=PERIOD:20240820T100000Z/PT1H',
      'RDATE:20240821T190000Z',
      'EXDATE:20240821T190000Z,20240806T190000Z',
      'END:VEVENT',
    ]);
    // Hand-computed: 5–7 August daily (6th excluded), Monday 12th, the period's start; the 21st excluded.
    expect(starts(item)).toEqual([
      '2024-08-05T19:00:00.000Z',
      '2024-08-07T19:00:00.000Z',
      '2024-08-12T19:00:00.000Z',
      '2024-08-20T10:00:00.000Z',
    ]);
  });

  it('keeps DTSTART when an EXDATE removes the only RDATE, reads a date UNTIL as that whole day', () => {
    const [single, until] = items(
      [
        'BEGIN:VEVENT',
        'UID:a',
        'DTSTART:20240803T190000Z',
        'RDATE:20250705T190000Z',
        'EXDATE:20250705T190000Z',
        'END:VEVENT',
      ],
      [
        'BEGIN:VEVENT',
        'UID:b',
        'DTSTART:20240901T120000Z',
        'RRULE:FREQ=DAILY;COUNT=-1;UNTIL=20240902',
        'END:VEVENT',
      ],
    );
    expect(starts(single)).toEqual(['2024-08-03T19:00:00.000Z']);
    expect(starts(until)).toEqual(['2024-09-01T12:00:00.000Z', '2024-09-02T12:00:00.000Z']);
  });

  it('replaces the day of an all-day series that a RECURRENCE-ID written as a time names', () => {
    const [item] = items([
      'BEGIN:VEVENT',
      'UID:bin',
      'DTSTART;VALUE=DATE:20240801',
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:bin',
      'RECURRENCE-ID;TZID=Europe/Berlin:20240808T000000',
      'DTSTART;VALUE=DATE:20240809',
      'END:VEVENT',
    ]);
    expect(starts(item)).toEqual([
      '2024-08-01T00:00:00.000Z',
      '2024-08-09T00:00:00.000Z',
      '2024-08-15T00:00:00.000Z',
    ]);
  });

  it("reads each item's times in its own VTIMEZONEs, never another file's", () => {
    const [, plain] = items(
      [
        'BEGIN:VTIMEZONE',
        'TZID:Europe/Berlin',
        'BEGIN:STANDARD',
        'DTSTART:19700101T000000',
        'TZOFFSETFROM:+0500',
        'TZOFFSETTO:+0500',
        'END:STANDARD',
        'END:VTIMEZONE',
        'BEGIN:VEVENT',
        'UID:odd',
        'DTSTART;TZID=Europe/Berlin:20240110T100000',
        'END:VEVENT',
      ],
      ['BEGIN:VEVENT', 'UID:plain', 'DTSTART;TZID=Europe/Berlin:20240110T100000', 'END:VEVENT'],
    );
    expect(starts(plain)).toEqual(['2024-01-10T09:00:00.000Z']);
  });

  it('reads a VTIMEZONE listed by dates with every onset: each DTSTART and every RDATE value', () => {
    const [item] = items([
      'BEGIN:VTIMEZONE',
      'TZID:Office',
      'BEGIN:STANDARD',
      'DTSTART:20221106T020000',
      'TZOFFSETFROM:-0700',
      'TZOFFSETTO:-0800',
      'RDATE:20231105T020000,20241103T020000',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:20230312T020000',
      'TZOFFSETFROM:-0800',
      'TZOFFSETTO:-0700',
      'RDATE:20240310T020000',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:office',
      'DTSTART;TZID=Office:20230115T100000',
      'RDATE;TZID=Office:20230615T100000,20241215T100000',
      'END:VEVENT',
    ]);
    expect(
      expandInstances(item!, Date.UTC(2022, 0, 1), TO).map((i) => new Date(i.startMs).toISOString()),
    ).toEqual(['2023-01-15T18:00:00.000Z', '2023-06-15T17:00:00.000Z', '2024-12-15T18:00:00.000Z']);
  });
});
