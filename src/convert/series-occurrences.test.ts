import { describe, expect, it } from 'vitest';
import { graphOccurrences, sourceOccurrences } from '../../test/support/occurrences.ts';
import type { SourceCalendarInstance } from '../domain/pim.ts';
import { convertExpandedInstances } from './expand-instances.ts';
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

describe('convertExpandedInstances', () => {
  it('makes every Zimbra instance a single with the exception fields and ridZ stamp', () => {
    const instances: SourceCalendarInstance[] = [
      {
        itemId: '7',
        startMs: Date.UTC(2024, 2, 4, 14, 30),
        endMs: Date.UTC(2024, 2, 4, 14, 45),
        allDay: false,
        recurrenceIdUtc: '20240304T143000Z',
      },
      {
        itemId: '7',
        startMs: Date.UTC(2024, 2, 19, 18),
        endMs: Date.UTC(2024, 2, 19, 18, 15),
        allDay: false,
        recurrenceIdUtc: '20240318T133000Z',
      },
    ];
    const result = convertExpandedInstances(
      {
        ref: {
          id: '7',
          folderId: '10',
          kind: 'calendar',
          revision: '1',
          sizeBytes: 1,
          tags: ['T'],
          subject: 'x',
        },
        ics: series.replace(
          'SUMMARY:Stand-up\r\nDTSTART;TZID=America/New_York:20240319',
          'SUMMARY:Moved stand-up\r\nDTSTART;TZID=America/New_York:20240319',
        ),
      },
      instances,
      { stamp: 'zimbra:bob:7' },
    );
    expect(result.series).toBeUndefined();
    expect(
      result.singles.map((s) => [s.stamp, s.event['subject'], s.event['start'], s.event['categories']]),
    ).toEqual([
      [
        'zimbra:bob:7#20240304T143000Z',
        'Stand-up',
        { dateTime: '2024-03-04T09:30:00', timeZone: 'Eastern Standard Time' },
        ['T'],
      ],
      [
        'zimbra:bob:7#20240318T133000Z',
        'Moved stand-up',
        { dateTime: '2024-03-19T14:00:00', timeZone: 'Eastern Standard Time' },
        ['T'],
      ],
    ]);
    expect(result.singles[1]!.event['end']).toEqual({
      dateTime: '2024-03-19T14:15:00',
      timeZone: 'Eastern Standard Time',
    });
  });
});
