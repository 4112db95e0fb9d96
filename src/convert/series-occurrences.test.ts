import { describe, expect, it } from 'vitest';
import { graphOccurrences, sourceOccurrences } from '../../test/support/occurrences.ts';
import type { SourceCalendarInstance } from '../domain/pim.ts';
import { convertWithZimbraInstances } from './expand-instances.ts';
import { convertCalendarItem } from './ical-event-to-graph.ts';

const NY = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:STANDARD',
  'DTSTART:19701101T020000',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:19700308T020000',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
];

function calendar(...events: string[][]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', ...NY];
  for (const event of events) lines.push('BEGIN:VEVENT', 'UID:s1', ...event, 'END:VEVENT');
  return [...lines, 'END:VCALENDAR'].join('\r\n');
}

const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2026, 0, 1);

const series = calendar(
  [
    'SUMMARY:Stand-up',
    'DTSTART;TZID=America/New_York:20240304T093000',
    'DTEND;TZID=America/New_York:20240304T094500',
    'RRULE:FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20240401T000000Z',
    'EXDATE;TZID=America/New_York:20240314T093000',
  ],
  [
    'RECURRENCE-ID;TZID=America/New_York:20240318T093000',
    'SUMMARY:Stand-up',
    'DTSTART;TZID=America/New_York:20240319T140000',
    'DTEND;TZID=America/New_York:20240319T141500',
  ],
  [
    'RECURRENCE-ID;TZID=America/New_York:20240325T093000',
    'STATUS:CANCELLED',
    'DTSTART;TZID=America/New_York:20240325T093000',
  ],
);

describe('occurrence helpers', () => {
  it('lists source occurrences with EXDATE, moves and cancellations (hand-computed)', () => {
    // Mondays and Thursdays 09:30 New York from 4 March (EST until 10 March, EDT after) to 31 March.
    expect([...sourceOccurrences(series, FROM, TO)].sort()).toEqual([
      '2024-03-04T14:30:00Z',
      '2024-03-07T14:30:00Z',
      '2024-03-11T13:30:00Z',
      '2024-03-19T18:00:00Z',
      '2024-03-21T13:30:00Z',
      '2024-03-28T13:30:00Z',
    ]);
  });

  it('reads the recurrence set of RFC 5545 where ical.js alone does not (hand-computed)', () => {
    const bare = (...lines: string[]): string =>
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'BEGIN:VEVENT',
        'UID:r',
        ...lines,
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n');
    // Two rules, an RDATE period, an EXDATE on a rule's and on an RDATE's occurrence.
    const set = bare(
      'DTSTART:20240805T190000Z',
      'RRULE:FREQ=DAILY;COUNT=3',
      'RRULE:FREQ=WEEKLY;COUNT=2',
      'RDATE;VALUE=PERIOD:20240820T100000Z/PT1H',
      'RDATE:20240821T190000Z',
      'EXDATE:20240821T190000Z,20240806T190000Z',
    );
    expect([...sourceOccurrences(set, FROM, TO)].sort()).toEqual([
      '2024-08-05T19:00:00Z',
      '2024-08-07T19:00:00Z',
      '2024-08-12T19:00:00Z',
      '2024-08-20T10:00:00Z',
    ]);
    // DTSTART stays when an EXDATE removes the only RDATE.
    const lone = bare('DTSTART:20240803T190000Z', 'RDATE:20250705T190000Z', 'EXDATE:20250705T190000Z');
    expect([...sourceOccurrences(lone, FROM, TO)]).toEqual(['2024-08-03T19:00:00Z']);
    // A TZID behind "/" with no VTIMEZONE is still Stockholm (CET in January) on every occurrence.
    const slash = bare('DTSTART;TZID=/Europe/Stockholm:20240105T200000', 'RRULE:FREQ=WEEKLY;COUNT=2');
    expect([...sourceOccurrences(slash, FROM, TO)]).toEqual(['2024-01-05T19:00:00Z', '2024-01-12T19:00:00Z']);
    // A VTIMEZONE listed by dates: each observance's DTSTART is an onset, and every RDATE value.
    const office = [
      'BEGIN:VCALENDAR',
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
      'UID:o',
      'DTSTART;TZID=Office:20240115T100000',
      'RDATE;TZID=Office:20240615T100000,20241215T100000',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect([...sourceOccurrences(office, FROM, TO)]).toEqual([
      '2024-01-15T18:00:00Z',
      '2024-06-15T17:00:00Z',
      '2024-12-15T18:00:00Z',
    ]);
    // An all-day exception whose RECURRENCE-ID is written as a time replaces its day.
    const allDay = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'UID:d',
      'DTSTART;VALUE=DATE:20240801',
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:d',
      'RECURRENCE-ID;TZID=America/New_York:20240808T000000',
      'DTSTART;VALUE=DATE:20240809',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect([...sourceOccurrences(allDay, FROM, TO, { allDayAsDate: true })].sort()).toEqual([
      '2024-08-01',
      '2024-08-09',
      '2024-08-15',
    ]);
  });

  it('expands Graph patterns independently (hand-computed)', () => {
    const master = {
      start: { dateTime: '2024-01-31T10:00:00', timeZone: 'W. Europe Standard Time' },
      recurrence: {
        pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
        range: { type: 'numbered', startDate: '2024-01-31', numberOfOccurrences: 4 },
      },
    };
    expect([...graphOccurrences(master, [], ['2024-03-31T08:00:00Z'], FROM, TO)]).toEqual([
      '2024-01-31T09:00:00Z',
      '2024-02-29T09:00:00Z',
      '2024-04-30T08:00:00Z',
    ]);
    const relative = {
      start: { dateTime: '2024-03-15T08:00:00', timeZone: 'UTC' },
      recurrence: {
        pattern: { type: 'relativeYearly', interval: 1, daysOfWeek: ['sunday'], month: 3, index: 'last' },
        range: { type: 'endDate', startDate: '2024-03-15', endDate: '2025-12-31' },
      },
    };
    const moved = [
      {
        originalStartUtc: '2025-03-30T08:00:00Z',
        patch: { start: { dateTime: '2025-03-29T08:00:00', timeZone: 'UTC' } },
      },
    ];
    expect([...graphOccurrences(relative, moved, [], FROM, TO)]).toEqual([
      '2024-03-31T08:00:00Z',
      '2025-03-29T08:00:00Z',
    ]);
  });

  it('the converted series holds exactly the source occurrences', () => {
    const converted = convertCalendarItem(
      {
        ref: {
          id: '7',
          folderId: '10',
          kind: 'calendar',
          revision: '1',
          sizeBytes: 1,
          tags: [],
          subject: 'x',
        },
        ics: series,
      },
      { stamp: 's', now: Date.UTC(2024, 5, 1) },
    );
    const graph = converted.series!;
    const onGraph = graphOccurrences(
      graph.master.event,
      graph.exceptions,
      graph.cancelledOriginalStartsUtc,
      FROM,
      TO,
    );
    for (const single of converted.singles) {
      const start = single.event['start'] as { dateTime: string };
      onGraph.add(`${start.dateTime}Z`);
    }
    expect([...onGraph].sort()).toEqual([...sourceOccurrences(series, FROM, TO)].sort());
  });
});

describe('series cut into single events', () => {
  const ref = {
    id: '8',
    folderId: '10',
    kind: 'calendar',
    revision: '1',
    sizeBytes: 1,
    tags: [],
    subject: 'x',
  } as const;
  const starts = (ics: string): string[] =>
    convertCalendarItem({ ref, ics }, { stamp: 's', now: Date.UTC(2024, 5, 1) })
      .singles.map((s) => (s.event['start'] as { dateTime: string }).dateTime)
      .sort();

  it('keeps COUNT occurrences when a month list wraps the year (ical.js counts one twice there)', () => {
    // Third Wednesday of the listed months, nine times from 20 September 2023, 12:00 UTC (hand-computed).
    const ics = calendar([
      'DTSTART:20230920T120000Z',
      'RRULE:FREQ=MONTHLY;COUNT=9;BYDAY=+3WE;BYMONTH=1,2,3,4,5,9,10,11,12',
    ]);
    expect(starts(ics)).toEqual(
      ['2023-09-20', '2023-10-18', '2023-11-15', '2023-12-20', '2024-01-17', '2024-02-21', '2024-03-20']
        .concat(['2024-04-17', '2024-05-15'])
        .map((d) => `${d}T12:00:00`),
    );
  });
});

describe('convertWithZimbraInstances (ZimbraCalendarExpandInstances=1)', () => {
  const item = (ics: string) => ({
    ref: {
      id: '7',
      folderId: '10',
      kind: 'calendar' as const,
      revision: '1',
      sizeBytes: 1,
      tags: ['T'],
      subject: 'x',
    },
    ics,
  });
  const instance = (startMs: number, recurrenceIdUtc: string): SourceCalendarInstance => ({
    itemId: '7',
    startMs,
    endMs: startMs + 15 * 60_000,
    allDay: false,
    recurrenceIdUtc,
  });
  // What Zimbra expands for the series: Mondays and Thursdays 09:30 New York, 14 March excluded,
  // 18 March moved to the 19th at 14:00, 25 March cancelled.
  const zimbraInstances = [
    instance(Date.UTC(2024, 2, 4, 14, 30), '20240304T143000Z'),
    instance(Date.UTC(2024, 2, 7, 14, 30), '20240307T143000Z'),
    instance(Date.UTC(2024, 2, 11, 13, 30), '20240311T133000Z'),
    instance(Date.UTC(2024, 2, 19, 18), '20240318T133000Z'),
    instance(Date.UTC(2024, 2, 21, 13, 30), '20240321T133000Z'),
    instance(Date.UTC(2024, 2, 28, 13, 30), '20240328T133000Z'),
  ];

  it('keeps the series with its changed and cancelled occurrences, as without the option', () => {
    const result = convertWithZimbraInstances(item(series), zimbraInstances, { stamp: 'zimbra:bob:7' });
    expect(result.series?.master.event['recurrence']).toBeDefined();
    expect(result.series?.exceptions.map((e) => e.originalStartUtc)).toEqual(['2024-03-18T13:30:00Z']);
    expect(result.series?.cancelledOriginalStartsUtc).toEqual([
      '2024-03-14T13:30:00Z',
      '2024-03-25T13:30:00Z',
    ]);
    expect(result.singles).toEqual([]);
  });

  it('adds an occurrence Zimbra computes but the series lacks as a single, noted', () => {
    const extra = instance(Date.UTC(2024, 2, 13, 13, 30), '20240313T133000Z');
    const result = convertWithZimbraInstances(item(series), [...zimbraInstances, extra], {
      stamp: 'zimbra:bob:7',
    });
    expect(result.series).toBeDefined();
    expect(result.singles.map((s) => [s.stamp, s.event['subject'], s.event['start']])).toEqual([
      [
        'zimbra:bob:7#20240313T133000Z',
        'Stand-up',
        { dateTime: '2024-03-13T09:30:00', timeZone: 'Eastern Standard Time' },
      ],
    ]);
    expect(result.notes.join(' ')).toMatch(/Zimbra computes 1 occurrence\(s\) .*2024-03-13/);
  });
});
