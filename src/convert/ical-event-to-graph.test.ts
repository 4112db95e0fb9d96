import { describe, expect, it } from 'vitest';
import { FerryError } from '../domain/errors.ts';
import type { GraphEventDraft, SourceCalendarItem } from '../domain/pim.ts';
import { ATTENDEES_PROPERTY_ID } from './event-attendees.ts';
import { SOURCE_ID_PROPERTY_ID, convertCalendarItem } from './ical-event-to-graph.ts';

const NOW = Date.UTC(2024, 5, 1);

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
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

function calendar(...events: string[][]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:Zimbra-Calendar-Provider', ...BERLIN];
  for (const event of events) lines.push('BEGIN:VEVENT', 'UID:u1', ...event, 'END:VEVENT');
  return [...lines, 'END:VCALENDAR'].join('\r\n');
}

function item(ics: string, tags: string[] = []): SourceCalendarItem {
  return {
    ref: {
      id: '42',
      folderId: '10',
      kind: 'calendar',
      revision: '1',
      sizeBytes: ics.length,
      tags,
      subject: 'Test',
    },
    ics,
  };
}

function convert(
  ics: string,
  options: { attendees?: 'describe' | 'invite'; timeZone?: string; tags?: string[] } = {},
) {
  return convertCalendarItem(item(ics, options.tags), {
    stamp: 'zimbra:alice:42',
    now: NOW,
    ...(options.attendees === undefined ? {} : { attendees: options.attendees }),
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  });
}

function only(drafts: readonly GraphEventDraft[]): Record<string, unknown> {
  expect(drafts).toHaveLength(1);
  return drafts[0]!.event;
}

function property(event: Record<string, unknown>, id: string): string | undefined {
  return (event['singleValueExtendedProperties'] as { id: string; value: string }[]).find((p) => p.id === id)
    ?.value;
}

const WEEKLY = [
  'SUMMARY:Weekly sync',
  'DTSTART;TZID=Europe/Berlin:20240205T090000',
  'DTEND;TZID=Europe/Berlin:20240205T093000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20240331T070000Z',
  'EXDATE;TZID=Europe/Berlin:20240212T090000',
  'LOCATION:Room 1',
];

describe('convertCalendarItem: single events', () => {
  it('converts a timed event with its fields, zone, stamp and reminder', () => {
    const result = convert(
      calendar([
        'SUMMARY:Design review',
        'DESCRIPTION:Agenda\\nStatus',
        'LOCATION:Room 4',
        'DTSTART;TZID=Europe/Berlin:20240304T090000',
        'DTEND;TZID=Europe/Berlin:20240304T100000',
        'CLASS:PRIVATE',
        'PRIORITY:1',
        'CATEGORIES:Work,Blue',
        'X-MICROSOFT-CDO-INTENDEDSTATUS:OOF',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'TRIGGER;RELATED=START:-PT15M',
        'END:VALARM',
      ]),
      { tags: ['Work', 'Projects'] },
    );
    expect(result.series).toBeUndefined();
    const event = only(result.singles);
    expect(result.singles[0]!.stamp).toBe('zimbra:alice:42');
    expect(event['subject']).toBe('Design review');
    expect(event['body']).toEqual({ contentType: 'text', content: 'Agenda\nStatus' });
    expect(event['location']).toEqual({ displayName: 'Room 4' });
    expect(event['start']).toEqual({ dateTime: '2024-03-04T09:00:00', timeZone: 'W. Europe Standard Time' });
    expect(event['end']).toEqual({ dateTime: '2024-03-04T10:00:00', timeZone: 'W. Europe Standard Time' });
    expect(event['isAllDay']).toBe(false);
    expect(event['sensitivity']).toBe('private');
    expect(event['importance']).toBe('high');
    expect(event['showAs']).toBe('oof');
    expect(event['isReminderOn']).toBe(true);
    expect(event['reminderMinutesBeforeStart']).toBe(15);
    expect(event['categories']).toEqual(['Work', 'Projects', 'Blue']);
    expect(event['responseRequested']).toBe(false);
    expect(event).not.toHaveProperty('attendees');
    expect(event).not.toHaveProperty('isOnlineMeeting');
    expect(property(event, SOURCE_ID_PROPERTY_ID)).toBe('zimbra:alice:42');
    expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads VALUE=DATE with a time as Zimbra does: that time, in its TZID or the mailbox zone', () => {
    // zm-mailbox ParsedDateTime.parse(ZProperty, TimeZoneMap) ignores VALUE.
    const floating = only(
      convert(calendar(['DTSTART;VALUE=DATE:20240305T093000', 'DTEND;VALUE=DATE:20240305T103000']), {
        timeZone: 'Europe/Paris',
      }).singles,
    );
    expect(floating['isAllDay']).toBe(false);
    expect(floating['start']).toEqual({ dateTime: '2024-03-05T09:30:00', timeZone: 'Romance Standard Time' });
    expect(floating['end']).toEqual({ dateTime: '2024-03-05T10:30:00', timeZone: 'Romance Standard Time' });
    const zoned = only(
      convert(calendar(['DTSTART;TZID=Europe/Berlin;VALUE=DATE:20240305T093000', 'DURATION:PT1H'])).singles,
    );
    expect(zoned['isAllDay']).toBe(false);
    expect(zoned['start']).toEqual({ dateTime: '2024-03-05T09:30:00', timeZone: 'W. Europe Standard Time' });
  });

  it('turns TRANSPARENT into free, TENTATIVE into tentative, and no alarm into no reminder', () => {
    const free = only(convert(calendar(['DTSTART:20240304T090000Z', 'TRANSP:TRANSPARENT'])).singles);
    expect(free['showAs']).toBe('free');
    expect(free['isReminderOn']).toBe(false);
    expect(free['start']).toEqual({ dateTime: '2024-03-04T09:00:00', timeZone: 'UTC' });
    const tentative = only(convert(calendar(['DTSTART:20240304T090000Z', 'STATUS:TENTATIVE'])).singles);
    expect(tentative['showAs']).toBe('tentative');
    expect(tentative['sensitivity']).toBe('normal');
  });

  it('writes all-day events at midnight with an exclusive end, and one day when DTEND is missing', () => {
    const multi = only(
      convert(calendar(['SUMMARY:Vacation', 'DTSTART;VALUE=DATE:20240722', 'DTEND;VALUE=DATE:20240727']))
        .singles,
    );
    expect(multi['isAllDay']).toBe(true);
    expect(multi['start']).toEqual({ dateTime: '2024-07-22T00:00:00', timeZone: 'UTC' });
    expect(multi['end']).toEqual({ dateTime: '2024-07-27T00:00:00', timeZone: 'UTC' });
    const oneDay = only(
      convert(calendar(['DTSTART;VALUE=DATE:20241111']), { timeZone: 'Europe/Paris' }).singles,
    );
    expect(oneDay['start']).toEqual({ dateTime: '2024-11-11T00:00:00', timeZone: 'Romance Standard Time' });
    expect(oneDay['end']).toEqual({ dateTime: '2024-11-12T00:00:00', timeZone: 'Romance Standard Time' });
  });

  it('pins floating times to the mailbox zone, else UTC', () => {
    const lunch = calendar(['DTSTART:20240304T123000', 'DTEND:20240304T133000']);
    expect(only(convert(lunch, { timeZone: 'America/New_York' }).singles)['start']).toEqual({
      dateTime: '2024-03-04T12:30:00',
      timeZone: 'Eastern Standard Time',
    });
    expect(only(convert(lunch).singles)['start']).toEqual({
      dateTime: '2024-03-04T12:30:00',
      timeZone: 'UTC',
    });
  });

  it('converts a custom zone without Windows equivalent to UTC', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'BEGIN:VTIMEZONE',
      'TZID:Odd',
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      'TZOFFSETFROM:+0317',
      'TZOFFSETTO:+0317',
      'END:STANDARD',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:x',
      'DTSTART;TZID=Odd:20240304T100000',
      'DTEND;TZID=Odd:20240304T110000',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const result = convert(ics);
    const event = only(result.singles);
    expect(event['start']).toEqual({ dateTime: '2024-03-04T06:43:00', timeZone: 'UTC' });
    expect(event['end']).toEqual({ dateTime: '2024-03-04T07:43:00', timeZone: 'UTC' });
    expect(result.notes.join(' ')).toContain('"Odd" matches no Windows time zone');
  });

  it('matches a Zimbra legacy TZID and its VTIMEZONE', () => {
    const ics = calendar(['DTSTART;TZID=Europe/Berlin:20240304T090000']).replace(
      /Europe\/Berlin/g,
      '(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna',
    );
    expect(only(convert(ics).singles)['start']).toEqual({
      dateTime: '2024-03-04T09:00:00',
      timeZone: 'W. Europe Standard Time',
    });
  });
});

describe('convertCalendarItem: attendees', () => {
  const meeting = [
    'SUMMARY:Budget',
    'DESCRIPTION:Bring <numbers> & charts',
    'DTSTART;TZID=Europe/Berlin:20240304T090000',
    'DTEND;TZID=Europe/Berlin:20240304T100000',
    'ORGANIZER;CN=Boss:mailto:boss@example.com',
    'ATTENDEE;CN=Ann;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:ann@example.com',
    'ATTENDEE;CN=Bob;ROLE=OPT-PARTICIPANT;PARTSTAT=DECLINED:mailto:bob@example.com',
    'ATTENDEE;CN=Room 4;CUTYPE=ROOM;PARTSTAT=TENTATIVE:mailto:room4@example.com',
    'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:cy@example.com',
  ];

  it('describes the meeting in the body and a property, never in attendees', () => {
    const event = only(convert(calendar(meeting)).singles);
    expect(event).not.toHaveProperty('attendees');
    expect(event['responseRequested']).toBe(false);
    const body = event['body'] as { contentType: string; content: string };
    expect(body.contentType).toBe('html');
    expect(body.content).toBe(
      '<div class="ferry-meeting"><p>Organizer: Boss &lt;boss@example.com&gt;</p><p>Attendees:</p><ul>' +
        '<li>Ann &lt;ann@example.com&gt; — required, accepted</li>' +
        '<li>Bob &lt;bob@example.com&gt; — optional, declined</li>' +
        '<li>Room 4 &lt;room4@example.com&gt; — resource, tentative</li>' +
        '<li>cy@example.com — required, not responded</li></ul></div><hr>' +
        '<div>Bring &lt;numbers&gt; &amp; charts</div>',
    );
    expect(JSON.parse(property(event, ATTENDEES_PROPERTY_ID) ?? '{}')).toEqual({
      organizer: { name: 'Boss', address: 'boss@example.com' },
      attendees: [
        { name: 'Ann', address: 'ann@example.com', role: 'required', response: 'accepted' },
        { name: 'Bob', address: 'bob@example.com', role: 'optional', response: 'declined' },
        { name: 'Room 4', address: 'room4@example.com', role: 'resource', response: 'tentative' },
        { address: 'cy@example.com', role: 'required', response: 'notResponded' },
      ],
    });
  });

  it('puts the block inside an HTML body', () => {
    const event = only(
      convert(calendar([...meeting, 'X-ALT-DESC;FMTTYPE=text/html:<html><body><p>Hi</p></body></html>']))
        .singles,
    );
    const content = (event['body'] as { content: string }).content;
    expect(content.startsWith('<html><body><div class="ferry-meeting">')).toBe(true);
    expect(content.endsWith('<hr><p>Hi</p></body></html>')).toBe(true);
  });

  it("sends real attendees only in 'invite' mode", () => {
    const event = only(convert(calendar(meeting), { attendees: 'invite' }).singles);
    expect(event['attendees']).toEqual([
      { emailAddress: { name: 'Ann', address: 'ann@example.com' }, type: 'required' },
      { emailAddress: { name: 'Bob', address: 'bob@example.com' }, type: 'optional' },
      { emailAddress: { name: 'Room 4', address: 'room4@example.com' }, type: 'resource' },
      { emailAddress: { address: 'cy@example.com' }, type: 'required' },
    ]);
  });
});

describe('convertCalendarItem: series', () => {
  it('converts a weekly series with an EXDATE, a moved and a cancelled occurrence', () => {
    const result = convert(
      calendar(
        WEEKLY,
        [
          'RECURRENCE-ID;TZID=Europe/Berlin:20240207T090000',
          'SUMMARY:Weekly sync',
          'DTSTART;TZID=Europe/Berlin:20240207T110000',
          'DTEND;TZID=Europe/Berlin:20240207T113000',
          'LOCATION:Salle Eiffel',
        ],
        [
          'RECURRENCE-ID;TZID=Europe/Berlin:20240219T090000',
          'SUMMARY:Budget special',
          'DTSTART;TZID=Europe/Berlin:20240219T090000',
          'DTEND;TZID=Europe/Berlin:20240219T093000',
          'LOCATION:Room 1',
        ],
        [
          'RECURRENCE-ID;TZID=Europe/Berlin:20240228T090000',
          'STATUS:CANCELLED',
          'DTSTART;TZID=Europe/Berlin:20240228T090000',
        ],
      ),
    );
    expect(result.singles).toEqual([]);
    const series = result.series!;
    expect(series.master.stamp).toBe('zimbra:alice:42');
    expect(series.master.event['recurrence']).toEqual({
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'monday' },
      range: {
        type: 'endDate',
        startDate: '2024-02-05',
        endDate: '2024-03-31',
        recurrenceTimeZone: 'W. Europe Standard Time',
      },
    });
    expect(series.exceptions).toEqual([
      {
        originalStartUtc: '2024-02-07T08:00:00Z',
        patch: {
          location: { displayName: 'Salle Eiffel' },
          start: { dateTime: '2024-02-07T11:00:00', timeZone: 'W. Europe Standard Time' },
          end: { dateTime: '2024-02-07T11:30:00', timeZone: 'W. Europe Standard Time' },
        },
      },
      { originalStartUtc: '2024-02-19T08:00:00Z', patch: { subject: 'Budget special' } },
    ]);
    expect(series.cancelledOriginalStartsUtc).toEqual(['2024-02-12T08:00:00Z', '2024-02-28T08:00:00Z']);
  });

  it('keys occurrences after the DST change by their own UTC start', () => {
    const result = convert(
      calendar(WEEKLY, [
        'RECURRENCE-ID:20240401T070000Z',
        'DTSTART;TZID=Europe/Berlin:20240401T100000',
        'DTEND;TZID=Europe/Berlin:20240401T103000',
      ]).replace('UNTIL=20240331T070000Z', 'COUNT=20'),
    );
    expect(result.series!.master.event['recurrence']).toMatchObject({
      range: { type: 'numbered', numberOfOccurrences: 20 },
    });
    expect(result.series!.exceptions.map((e) => e.originalStartUtc)).toEqual(['2024-04-01T07:00:00Z']);
  });

  it('maps monthly relative, last weekday and yearly rules', () => {
    const monthly = convert(
      calendar(['DTSTART;TZID=Europe/Berlin:20240213T150000', 'RRULE:FREQ=MONTHLY;BYDAY=2TU']),
    );
    expect(monthly.series!.master.event['recurrence']).toEqual({
      pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'second' },
      range: { type: 'noEnd', startDate: '2024-02-13', recurrenceTimeZone: 'W. Europe Standard Time' },
    });
    const lastFriday = convert(
      calendar(['DTSTART;TZID=Europe/Berlin:20240126T150000', 'RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=6']),
    );
    expect(lastFriday.series!.master.event['recurrence']).toMatchObject({
      pattern: { type: 'relativeMonthly', daysOfWeek: ['friday'], index: 'last' },
    });
    const lastWorkday = convert(
      calendar([
        'DTSTART;TZID=Europe/Berlin:20240131T150000',
        'RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      ]),
    );
    expect(lastWorkday.series!.master.event['recurrence']).toMatchObject({
      pattern: {
        type: 'relativeMonthly',
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        index: 'last',
      },
    });
    const birthday = convert(
      calendar(['DTSTART;VALUE=DATE:20240315', 'DTEND;VALUE=DATE:20240316', 'RRULE:FREQ=YEARLY']),
    );
    expect(birthday.series!.master.event['recurrence']).toEqual({
      pattern: { type: 'absoluteYearly', interval: 1, dayOfMonth: 15, month: 3 },
      range: { type: 'noEnd', startDate: '2024-03-15', recurrenceTimeZone: 'UTC' },
    });
    expect(birthday.series!.master.event['isAllDay']).toBe(true);
  });

  it('copies a BYSETPOS list as single events, each stamped with its RECURRENCE-ID', () => {
    const result = convert(
      calendar([
        'SUMMARY:Payroll',
        'DTSTART;TZID=Europe/Berlin:20240201T090000',
        'DTEND;TZID=Europe/Berlin:20240201T093000',
        'RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1;COUNT=4',
      ]),
    );
    expect(result.series).toBeUndefined();
    expect(result.singles.map((s) => s.stamp)).toEqual([
      'zimbra:alice:42#20240201T080000Z',
      'zimbra:alice:42#20240229T080000Z',
      'zimbra:alice:42#20240301T080000Z',
      'zimbra:alice:42#20240329T080000Z',
    ]);
    expect(result.singles.map((s) => (s.event['start'] as { dateTime: string }).dateTime)).toEqual([
      '2024-02-01T09:00:00',
      '2024-02-29T09:00:00',
      '2024-03-01T09:00:00',
      '2024-03-29T09:00:00',
    ]);
    expect(property(result.singles[1]!.event, SOURCE_ID_PROPERTY_ID)).toBe(
      'zimbra:alice:42#20240229T080000Z',
    );
    expect(result.notes.join(' ')).toContain('several positions (BYSETPOS)');
    expect(result.notes.join(' ')).toContain('4 occurrences from 2024-02-01 to 2024-03-29');
  });

  it('copies RDATE, 5th-Friday and hourly series as singles, exceptions applied and cancellations left out', () => {
    const rdate = convert(
      calendar(
        [
          'DTSTART;TZID=Europe/Berlin:20240704T130000',
          'DTEND;TZID=Europe/Berlin:20240704T150000',
          'RRULE:FREQ=WEEKLY;COUNT=3',
          'RDATE;TZID=Europe/Berlin:20240820T130000',
          'SUMMARY:Training',
        ],
        [
          'RECURRENCE-ID;TZID=Europe/Berlin:20240711T130000',
          'STATUS:CANCELLED',
          'DTSTART;TZID=Europe/Berlin:20240711T130000',
        ],
        [
          'RECURRENCE-ID;TZID=Europe/Berlin:20240718T130000',
          'SUMMARY:Training (moved)',
          'DTSTART;TZID=Europe/Berlin:20240719T080000',
          'DTEND;TZID=Europe/Berlin:20240719T100000',
        ],
      ),
    );
    expect(rdate.series).toBeUndefined();
    expect(
      rdate.singles.map((s) => [
        s.stamp,
        s.event['subject'],
        (s.event['start'] as { dateTime: string }).dateTime,
      ]),
    ).toEqual([
      ['zimbra:alice:42#20240704T110000Z', 'Training', '2024-07-04T13:00:00'],
      ['zimbra:alice:42#20240718T110000Z', 'Training (moved)', '2024-07-19T08:00:00'],
      ['zimbra:alice:42#20240820T110000Z', 'Training', '2024-08-20T13:00:00'],
    ]);
    const fifth = convert(
      calendar(['DTSTART;TZID=Europe/Berlin:20240329T180000', 'RRULE:FREQ=MONTHLY;BYDAY=5FR;COUNT=3']),
    );
    expect(fifth.series).toBeUndefined();
    expect(fifth.singles.map((s) => s.stamp.split('#')[1])).toEqual([
      '20240329T170000Z',
      '20240531T160000Z',
      '20240830T160000Z',
    ]);
    expect(fifth.notes.join(' ')).toContain('5th');
    const hourly = convert(calendar(['DTSTART:20240304T080000Z', 'RRULE:FREQ=HOURLY;INTERVAL=4;COUNT=3']));
    expect(hourly.singles.map((s) => (s.event['start'] as { dateTime: string }).dateTime)).toEqual([
      '2024-03-04T08:00:00',
      '2024-03-04T12:00:00',
      '2024-03-04T16:00:00',
    ]);
  });

  it('bounds open-ended inexpressible series to the window around now and 1,000 occurrences', () => {
    const result = convert(calendar(['DTSTART:20000101T080000Z', 'RRULE:FREQ=DAILY;BYHOUR=8,20']));
    expect(result.singles).toHaveLength(1000);
    expect(result.singles[0]!.stamp).toBe('zimbra:alice:42#20190601T200000Z');
    expect(result.notes.join(' ')).toContain('stopped at 1000 occurrences');
  });

  it('makes an occurrence moved past its neighbour a cancellation plus a single', () => {
    const result = convert(
      calendar(WEEKLY, [
        'RECURRENCE-ID;TZID=Europe/Berlin:20240207T090000',
        'DTSTART;TZID=Europe/Berlin:20240213T090000',
        'DTEND;TZID=Europe/Berlin:20240213T093000',
      ]),
    );
    expect(result.series!.cancelledOriginalStartsUtc).toContain('2024-02-07T08:00:00Z');
    expect(result.series!.exceptions).toEqual([]);
    expect(result.singles.map((s) => [s.stamp, (s.event['start'] as { dateTime: string }).dateTime])).toEqual(
      [['zimbra:alice:42#20240207T080000Z', '2024-02-13T09:00:00']],
    );
  });

  it('gives an exception its own attendee block', () => {
    const result = convert(
      calendar(
        [...WEEKLY, 'ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED:mailto:ann@example.com'],
        [
          'RECURRENCE-ID;TZID=Europe/Berlin:20240214T090000',
          'DTSTART;TZID=Europe/Berlin:20240214T090000',
          'DTEND;TZID=Europe/Berlin:20240214T093000',
          'SUMMARY:Weekly sync',
          'LOCATION:Room 1',
          'ATTENDEE;CN=Ann;PARTSTAT=DECLINED:mailto:ann@example.com',
        ],
      ),
    );
    const [exception] = result.series!.exceptions;
    expect(exception!.originalStartUtc).toBe('2024-02-14T08:00:00Z');
    expect(Object.keys(exception!.patch).sort()).toEqual(['body', 'singleValueExtendedProperties']);
    expect((exception!.patch['body'] as { content: string }).content).toContain(
      'Ann &lt;ann@example.com&gt; — required, declined',
    );
  });
});

describe('convertCalendarItem: hostile input', () => {
  it('tolerates what the public corpus showed: COUNT=-1, an empty RRULE, bare dates, no VCALENDAR', () => {
    const negativeCount = convert(
      calendar([
        'DTSTART;VALUE=DATE:20231002',
        'RRULE:FREQ=WEEKLY;UNTIL=20240331;COUNT=-1;INTERVAL=4;BYDAY=MO',
      ]),
    );
    expect(negativeCount.series!.master.event['recurrence']).toMatchObject({
      range: { type: 'endDate', endDate: '2024-03-31' },
    });
    const emptyRule = convert(calendar(['DTSTART;VALUE=DATE:20240101', 'RRULE:']));
    expect(emptyRule.series).toBeUndefined();
    expect(emptyRule.singles).toHaveLength(1);
    const bare = convert('BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20180110\r\nDURATION:P3D\r\nEND:VEVENT');
    expect(only(bare.singles)['end']).toEqual({ dateTime: '2018-01-13T00:00:00', timeZone: 'UTC' });
  });

  it('refuses what is not iCalendar with a typed error naming the item', () => {
    for (const ics of [
      '',
      'hello',
      'BEGIN:VCALENDAR\r\nEND:VCALENDAR',
      'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR',
    ]) {
      const attempt = () => convert(ics);
      expect(attempt).toThrow(FerryError);
      try {
        attempt();
      } catch (error) {
        expect((error as FerryError).code).toBe('UNREADABLE_EVENT');
        expect((error as FerryError).message).toContain('"Test" (item 42)');
      }
    }
  });

  it('does not hang on rules that never match or repeat every second', () => {
    const started = Date.now();
    for (const rule of [
      'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
      'FREQ=DAILY;INTERVAL=7;BYDAY=TU',
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30',
      'FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4',
      'FREQ=HOURLY;INTERVAL=24;BYHOUR=5',
      'FREQ=SECONDLY',
    ]) {
      try {
        const result = convert(calendar(['DTSTART:20240304T090000Z', `RRULE:${rule}`]));
        expect(result.series).toBeUndefined();
      } catch (error) {
        expect((error as FerryError).code).toBe('UNREADABLE_EVENT');
      }
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('convertCalendarItem: several versions of one event in an item', () => {
  const version = (sequence: number, stamp: string, summary: string, extra: string[] = []) => [
    `SUMMARY:${summary}`,
    `SEQUENCE:${sequence}`,
    `DTSTAMP:${stamp}`,
    'DTSTART;TZID=Europe/Berlin:20240305T093000',
    'DTEND;TZID=Europe/Berlin:20240305T103000',
    ...extra,
  ];

  it('keeps the highest SEQUENCE, whatever the order of the VEVENTs', () => {
    const ics = calendar(
      version(2, '20240102T000000Z', 'Moved to 10:00'),
      version(0, '20240101T000000Z', 'First invitation'),
      version(1, '20240103T000000Z', 'Second'),
    );
    const result = convert(ics);
    expect(only(result.singles)['subject']).toBe('Moved to 10:00');
    expect(result.notes.join(' ')).toMatch(/3 versions of the event.*SEQUENCE 2/);
  });

  it('keeps the latest DTSTAMP at the same SEQUENCE', () => {
    const ics = calendar(version(1, '20240101T000000Z', 'Earlier'), version(1, '20240105T000000Z', 'Later'));
    expect(only(convert(ics).singles)['subject']).toBe('Later');
  });

  it('applies a cancellation with the same SEQUENCE', () => {
    const ics = calendar(
      version(1, '20240101T000000Z', 'Planning'),
      version(1, '20231231T000000Z', 'Planning', ['STATUS:CANCELLED']),
    );
    const event = only(convert(ics).singles);
    expect(event['showAs']).toBe('free');
    expect(convert(ics).notes.join(' ')).toMatch(/cancelled in Zimbra/);
  });

  it('keeps the latest version of a changed occurrence', () => {
    const ics = calendar(
      [...WEEKLY, 'SEQUENCE:0'],
      [
        'RECURRENCE-ID;TZID=Europe/Berlin:20240207T090000',
        'SUMMARY:Old change',
        'SEQUENCE:1',
        'DTSTART;TZID=Europe/Berlin:20240207T100000',
        'DTEND;TZID=Europe/Berlin:20240207T103000',
      ],
      [
        'RECURRENCE-ID;TZID=Europe/Berlin:20240207T090000',
        'SUMMARY:New change',
        'SEQUENCE:2',
        'DTSTART;TZID=Europe/Berlin:20240207T110000',
        'DTEND;TZID=Europe/Berlin:20240207T113000',
      ],
    );
    const series = convert(ics).series!;
    expect(series.exceptions.map((e) => e.patch['subject'])).toEqual(['New change']);
  });
});
