import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MailboxReport } from '../../src/domain/migration.ts';
import { startMigrationHarness } from '../support/migration-harness.ts';
import { sourceOccurrences } from '../support/occurrences.ts';

const SOURCE = 'alice@zimbra.test';
const DESTINATION = 'alice@contoso.com';
const WINDOW = { from: Date.UTC(2024, 0, 1), to: Date.UTC(2026, 0, 1) };

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const calendar = (...lines: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Ferry tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');

const WEEKLY = calendar(
  ...BERLIN,
  'BEGIN:VEVENT',
  'UID:weekly-sync@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20240108T100000',
  'DTEND;TZID=Europe/Berlin:20240108T110000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20241230T090000Z',
  'EXDATE;TZID=Europe/Berlin:20240110T100000',
  'SUMMARY:Weekly sync',
  'DESCRIPTION:Agenda in the wiki.',
  'LOCATION:Room 4',
  'ORGANIZER;CN=Alice:mailto:alice@zimbra.test',
  'ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:bob@partner.test',
  'ATTENDEE;CN=Carol;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:carol@zimbra.test',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'TRIGGER:-PT15M',
  'DESCRIPTION:Reminder',
  'END:VALARM',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly-sync@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20240115T100000',
  'DTSTART;TZID=Europe/Berlin:20240115T140000',
  'DTEND;TZID=Europe/Berlin:20240115T150000',
  'SUMMARY:Weekly sync (moved)',
  'DESCRIPTION:Moved for the offsite.',
  'LOCATION:Offsite hall',
  'ORGANIZER;CN=Alice:mailto:alice@zimbra.test',
  'ATTENDEE;CN=Dave;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED:mailto:dave@partner.test',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly-sync@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20240122T100000',
  'DTSTART;TZID=Europe/Berlin:20240122T100000',
  'DTEND;TZID=Europe/Berlin:20240122T110000',
  'SUMMARY:Weekly sync',
  'STATUS:CANCELLED',
  'END:VEVENT',
);

const NEW_YORK = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const MONTHLY = calendar(
  ...NEW_YORK,
  'BEGIN:VEVENT',
  'UID:monthly-review@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'DTSTART;TZID=America/New_York:20240126T090000',
  'DTEND;TZID=America/New_York:20240126T100000',
  'RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=12',
  'SUMMARY:Monthly review',
  'CLASS:PRIVATE',
  'END:VEVENT',
);

const ALL_DAY = calendar(
  'BEGIN:VEVENT',
  'UID:conference@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'DTSTART;VALUE=DATE:20240301',
  'DTEND;VALUE=DATE:20240303',
  'SUMMARY:Conference',
  'TRANSP:TRANSPARENT',
  'END:VEVENT',
);

/** Zimbra writes inline attachments as ATTACH;VALUE=BINARY (common calendar/Attach.java), folded. */
const AGENDA = Buffer.from('Agenda: 1. budget 2. hiring\n');
const DECK = Buffer.alloc(3_500_000, 0x5a); // over 3 MB: an upload session
const attach = (name: string, type: string, bytes: Buffer) =>
  `ATTACH;VALUE=BINARY;ENCODING=BASE64;FMTTYPE=${type};X-APPLE-FILENAME=${name}:${bytes.toString('base64')}`
    .match(/.{1,74}/g)!
    .join('\r\n ');
const WITH_FILES = calendar(
  'BEGIN:VEVENT',
  'UID:board@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'DTSTART:20240312T140000Z',
  'DTEND:20240312T150000Z',
  'SUMMARY:Board meeting',
  attach('agenda.txt', 'text/plain', AGENDA),
  attach('deck.pdf', 'application/pdf', DECK),
  'END:VEVENT',
);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Zimbra stores no RDATE (zm-mailbox DebugConfig.enableRdate, localconfig debug_enable_calendar_rdate,
 * is off by default): its export holds the weekly rule alone, which becomes a Graph series.
 */
const WITH_RDATE = calendar(
  'BEGIN:VEVENT',
  'UID:training@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'DTSTART:20240205T090000Z',
  'DTEND:20240205T100000Z',
  'RRULE:FREQ=WEEKLY;COUNT=3',
  'RDATE:20240229T090000Z',
  'SUMMARY:Training',
  'END:VEVENT',
);

const TASKS = calendar(
  'BEGIN:VTODO',
  'UID:contract@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'SUMMARY:Send the contract',
  'DESCRIPTION:Before Friday.',
  'PRIORITY:1',
  'STATUS:IN-PROCESS',
  'PERCENT-COMPLETE:40',
  'DTSTART:20240201T090000Z',
  'DUE:20240210T170000Z',
  'END:VTODO',
  'BEGIN:VTODO',
  'UID:done@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'SUMMARY:Book the venue',
  'PRIORITY:9',
  'STATUS:COMPLETED',
  'COMPLETED:20240115T120000Z',
  'DUE:20240120T000000Z',
  'END:VTODO',
  'BEGIN:VTODO',
  'UID:waiting@ferry.test',
  'DTSTAMP:20240101T000000Z',
  'SUMMARY:Wait for the signed copy',
  // How Zimbra writes its own "waiting" status (zm-mailbox calendar/Invite.java).
  'STATUS;X-ZIMBRA-STATUS=X-ZIMBRA-STATUS-WAITING:IN-PROCESS',
  'PERCENT-COMPLETE:50',
  'END:VTODO',
);

const PEOPLE = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Lovelace;Ada;Augusta;Dr.;PhD',
  'FN:Ada Lovelace',
  'NICKNAME:Countess',
  'ORG:Analytical Engines Ltd;Research',
  'TITLE:Chief Mathematician',
  'EMAIL;TYPE=INTERNET,WORK:ada@engines.test',
  'EMAIL;TYPE=INTERNET,HOME:ada@home.test',
  'EMAIL;TYPE=INTERNET:ada.lovelace@other.test',
  'EMAIL;TYPE=INTERNET:countess@fourth.test',
  'TEL;TYPE=WORK:+44 20 7946 0001',
  'TEL;TYPE=CELL:+44 7700 900001',
  'TEL;TYPE=HOME:+44 20 7946 0003',
  'ADR;TYPE=WORK:;;12 St James Square;London;;SW1Y 4JH;United Kingdom',
  'BDAY:1815-12-10',
  'NOTE:Wrote the first program.',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:2.1',
  'N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen',
  'FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller',
  'EMAIL;INTERNET:juergen@partner.test',
  'END:VCARD',
  '',
].join('\r\n');

type DumpedEvent = Record<string, unknown> & { id: string; subject: string };

interface Dumped {
  contactFolders: { path: string; contacts: Record<string, unknown>[] }[];
  calendars: {
    name: string;
    events: DumpedEvent[];
  }[];
  todoLists: { displayName: string; tasks: Record<string, unknown>[] }[];
  invitationsSent: number;
}

let harness: Awaited<ReturnType<typeof startMigrationHarness>>;
let first: MailboxReport;
let dump: Dumped;

beforeAll(async () => {
  harness = await startMigrationHarness({
    source: SOURCE,
    destinations: [{ userPrincipalName: DESTINATION, mailbox: true }],
    sourceFiles: {
      'calendar/Calendar/weekly.ics': WEEKLY,
      'calendar/Calendar/monthly.ics': MONTHLY,
      'calendar/Calendar/conference.ics': ALL_DAY,
      'calendar/Calendar/board.ics': WITH_FILES,
      'calendar/Team/training.ics': WITH_RDATE,
      'tasks/Tasks/tasks.ics': TASKS,
      'contacts/Contacts/people.vcf': PEOPLE,
    },
  });
  first = await harness.runPass('full', DESTINATION, { itemTypes: ['contacts', 'calendar', 'tasks'] });
  dump = await harness.dump<Dumped>(DESTINATION);
}, 120_000);

afterAll(() => harness.close());

const allEvents = (): (DumpedEvent & { calendar: string })[] =>
  dump.calendars.flatMap((c) => c.events.map((e) => ({ ...e, calendar: c.name })));
const eventNamed = (subject: string) => {
  const found = allEvents().filter((e) => e.subject === subject);
  expect(found, subject).toHaveLength(1);
  return found[0]!;
};
const contacts = () => dump.contactFolders.flatMap((f) => f.contacts);

describe('contacts, calendars and tasks through a Full pass', () => {
  it('migrates every item without a failure and sends no invitation', () => {
    expect(first.status).toBe('completed');
    expect(first.errors).toEqual([]);
    expect(first.items.contacts).toMatchObject({ migrated: 2, failed: 0 });
    expect(first.items.calendar).toMatchObject({ migrated: 5, failed: 0 });
    expect(first.items.tasks).toMatchObject({ migrated: 3, failed: 0 });
    expect(dump.invitationsSent).toBe(0);
    for (const event of allEvents()) expect(event.attendees ?? []).toEqual([]);
  });

  it('keeps every occurrence of each series: the same start instants as the source over two years', async () => {
    const token = await harness.graphToken();
    for (const [subject, ics] of [
      ['Weekly sync', WEEKLY],
      ['Monthly review', MONTHLY],
    ] as const) {
      const series = eventNamed(subject);
      const url = `${harness.graphUrl}/v1.0/users/${DESTINATION}/events/${series.id}/instances?startDateTime=${new Date(WINDOW.from).toISOString()}&endDateTime=${new Date(WINDOW.to).toISOString()}&$top=1000`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const instances = ((await response.json()) as { value: { start: { dateTime: string } }[] }).value;
      const graph = new Set(
        instances.map((i) => new Date(`${i.start.dateTime.slice(0, 19)}Z`).toISOString()),
      );
      const expected = [...sourceOccurrences(ics, WINDOW.from, WINDOW.to)]
        .map((start) => new Date(start).toISOString())
        .sort();
      expect(expected.length).toBeGreaterThan(10);
      expect([...graph].sort(), subject).toEqual(expected);
    }
  });

  it('keeps the changed occurrence’s subject, body, location and its own attendees, and the series’ attendees with their answers', () => {
    const series = eventNamed('Weekly sync');
    const body = String((series.body as { content: string }).content);
    expect(body).toMatch(/Agenda in the wiki/);
    expect(body).toMatch(/Bob/);
    expect(body).toMatch(/bob@partner\.test/);
    expect(body).toMatch(/accepted/i);
    expect(body).toMatch(/carol@zimbra\.test/);
    expect(body).toMatch(/tentative/i);
    expect(series).toMatchObject({
      location: { displayName: 'Room 4' },
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
    });
    const [moved] = series.exceptionOccurrences as Record<string, unknown>[];
    expect(moved).toMatchObject({
      subject: 'Weekly sync (moved)',
      location: { displayName: 'Offsite hall' },
      originalStart: '2024-01-15T09:00:00Z',
    });
    const movedBody = String((moved!.body as { content: string }).content);
    expect(movedBody).toMatch(/Moved for the offsite/);
    expect(movedBody).toMatch(/dave@partner\.test/);
    expect(movedBody).toMatch(/declined/i);
  });

  it('keeps all-day events, privacy, show-as, and a series whose RDATE Zimbra did not keep', () => {
    expect(eventNamed('Conference')).toMatchObject({
      isAllDay: true,
      showAs: 'free',
      start: { dateTime: expect.stringMatching(/^2024-03-01T00:00:00/) as unknown },
      end: { dateTime: expect.stringMatching(/^2024-03-03T00:00:00/) as unknown },
    });
    expect(eventNamed('Monthly review')).toMatchObject({ sensitivity: 'private' });
    const training = allEvents().filter((e) => e.subject === 'Training');
    expect(training.map((e) => e.calendar)).toEqual(['Team']);
    expect(training[0]!.recurrence).toMatchObject({
      pattern: { type: 'weekly' },
      range: { type: 'numbered', numberOfOccurrences: 3 },
    });
  });

  it('attaches the files of an appointment, the large one through an upload session', () => {
    const board = eventNamed('Board meeting') as unknown as {
      attachments: { name: string; contentType: string; size: number; sha256: string }[];
    };
    expect(board.attachments.map((a) => [a.name, a.contentType, a.size, a.sha256])).toEqual([
      ['agenda.txt', 'text/plain', AGENDA.length, sha256(AGENDA)],
      ['deck.pdf', 'application/pdf', DECK.length, sha256(DECK)],
    ]);
  });

  it('keeps tasks’ dates, status and importance', () => {
    const tasks = dump.todoLists.flatMap((l) => l.tasks);
    const contract = tasks.find((t) => t.title === 'Send the contract');
    expect(contract).toMatchObject({ importance: 'high', status: 'inProgress' });
    expect(String((contract!.dueDateTime as { dateTime: string }).dateTime)).toMatch(/^2024-02-10/);
    expect(String((contract!.body as { content: string }).content)).toMatch(/Before Friday/);
    const done = tasks.find((t) => t.title === 'Book the venue');
    expect(done).toMatchObject({ importance: 'low', status: 'completed' });
    expect(tasks.find((t) => t.title === 'Wait for the signed copy')).toMatchObject({
      status: 'waitingOnOthers',
    });
  });

  it('keeps every contact field Graph can hold, and the fourth address elsewhere on the item', () => {
    const ada = contacts().find((c) => c.surname === 'Lovelace');
    expect(ada).toMatchObject({
      givenName: 'Ada',
      middleName: 'Augusta',
      title: 'Dr.',
      generation: 'PhD',
      nickName: 'Countess',
      companyName: 'Analytical Engines Ltd',
      department: 'Research',
      jobTitle: 'Chief Mathematician',
      mobilePhone: '+44 7700 900001',
      businessPhones: ['+44 20 7946 0001'],
      homePhones: ['+44 20 7946 0003'],
      businessAddress: {
        street: '12 St James Square',
        city: 'London',
        postalCode: 'SW1Y 4JH',
        countryOrRegion: 'United Kingdom',
      },
    });
    expect(String(ada!.birthday)).toMatch(/^1815-12-10/);
    expect((ada!.emailAddresses as { address: string }[]).map((e) => e.address)).toEqual([
      'ada@engines.test',
      'ada@home.test',
      'ada.lovelace@other.test',
    ]);
    expect(String(ada!.personalNotes)).toMatch(/Wrote the first program/);
    expect(String(ada!.personalNotes)).toMatch(/countess@fourth\.test/);
    const juergen = contacts().find((c) => c.givenName === 'Jürgen');
    expect(juergen).toMatchObject({ surname: 'Müller' });
  });

  it('creates nothing on a second Full pass', async () => {
    const count = (d: Dumped) => ({
      contacts: d.contactFolders.flatMap((f) => f.contacts).length,
      events: d.calendars.flatMap((c) => c.events).length,
      tasks: d.todoLists.flatMap((l) => l.tasks).length,
    });
    const second = await harness.runPass('full', DESTINATION, {
      itemTypes: ['contacts', 'calendar', 'tasks'],
    });
    expect(second.status).toBe('completed');
    expect(
      second.items.contacts.migrated + second.items.calendar.migrated + second.items.tasks.migrated,
    ).toBe(0);
    const after = await harness.dump<Dumped>(DESTINATION);
    expect(count(after)).toEqual(count(dump));
    expect(after.invitationsSent).toBe(0);
  });
});
