import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startZimbraEmulator, type ZimbraEmulator } from './server.ts';
import { faultCode, login, makeDataDir, soap } from './test-support.ts';

const VTZ = [
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
const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  ...VTZ,
  'BEGIN:VEVENT',
  'UID:weekly-1',
  'DTSTAMP:20240101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20240205T160000',
  'DTEND;TZID=Europe/Berlin:20240205T163000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20240304T150000Z',
  'EXDATE;TZID=Europe/Berlin:20240219T160000',
  'SUMMARY:Weekly sync',
  'LOCATION:Room 1',
  'ORGANIZER;CN=Boss:mailto:boss@example.com',
  'ATTENDEE;CN=Ann;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:ann@example.com',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'TRIGGER:-PT5M',
  'DESCRIPTION:Reminder',
  'END:VALARM',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly-1',
  'DTSTAMP:20240101T000000Z',
  'RECURRENCE-ID;TZID="Europe/Berlin":20240212T160000',
  'DTSTART;TZID=Europe/Berlin:20240212T170000',
  'DTEND;TZID=Europe/Berlin:20240212T173000',
  'SUMMARY:Weekly sync (moved)',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:holiday-1',
  'DTSTAMP:20240101T000000Z',
  'DTSTART;VALUE=DATE:20240301',
  'DTEND;VALUE=DATE:20240302',
  'SUMMARY:Holiday',
  'ATTACH;VALUE=BINARY;ENCODING=BASE64;FMTTYPE=text/plain;X-APPLE-FILENAME=plan.txt:cGxhbg==',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const VCF = [
  'BEGIN:VCARD',
  'VERSION:2.1',
  'N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen',
  'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller',
  'TEL;WORK;VOICE:+49 30 1234',
  'TEL;CELL:+49 170 1234',
  'EMAIL;PREF;INTERNET:juergen@example.de',
  'ADR;WORK:;;Hauptstr. 1;Berlin;;10115;Germany',
  'ORG:Acme GmbH;Sales',
  'BDAY:1970-01-31',
  'UID:juergen-1',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Team',
  'X-ADDRESSBOOKSERVER-KIND:group',
  'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:juergen-1',
  'X-ADDRESSBOOKSERVER-MEMBER:mailto:extern@example.org',
  'END:VCARD',
  '',
].join('\r\n');

const TODO =
  'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:task-1\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:File taxes\r\nDUE;VALUE=DATE:20240415\r\nSTATUS:IN-PROCESS\r\nPERCENT-COMPLETE:40\r\nPRIORITY:1\r\nEND:VTODO\r\nEND:VCALENDAR\r\n';

describe('zimbra emulator: contacts, calendar, tasks', () => {
  const data = makeDataDir({
    'accounts/ann@example.com/calendar/Calendar/work.ics': ICS,
    'accounts/ann@example.com/contacts/Contacts/people.vcf': Buffer.from(VCF, 'latin1'),
    'accounts/ann@example.com/tasks/Tasks/t.ics': TODO,
  });
  let emu: ZimbraEmulator;
  let token: string;
  const mail = (name: string, body: Record<string, unknown>) =>
    soap(emu.url, { [name]: { _jsns: 'urn:zimbraMail', ...body } }, { token });
  beforeAll(async () => {
    emu = await startZimbraEmulator({ dataDir: data.dir, dosFilterMaxRequestsPerSec: 0 });
    token = await login(emu.url, 'ann@example.com');
  });
  afterAll(async () => {
    await emu.close();
    data.remove();
  });

  it('parses vCard 2.1 quoted-printable/charset values and groups into contact attrs and members', async () => {
    const call = await mail('GetContactsRequest', { l: '7' });
    const [person, group] = call.body['cn'] as Record<string, unknown>[];
    expect(person?.['fileAsStr']).toBe('Müller, Jürgen');
    expect(person?.['_attrs']).toMatchObject({
      firstName: 'Jürgen',
      lastName: 'Müller',
      fullName: 'Jürgen Müller',
      workPhone: '+49 30 1234',
      mobilePhone: '+49 170 1234',
      email: 'juergen@example.de',
      workStreet: 'Hauptstr. 1',
      workCity: 'Berlin',
      company: 'Acme GmbH',
      department: 'Sales',
      birthday: '1970-01-31',
    });
    expect(group?.['_attrs']).toMatchObject({ type: 'group', nickname: 'Team' });
    expect(group?.['m']).toEqual([
      { type: 'C', value: person?.['id'] },
      { type: 'I', value: 'extern@example.org' },
    ]);
    const hits = await mail('SearchRequest', { types: 'contact', query: 'inid:7', sortBy: 'nameAsc' });
    expect((hits.body['cn'] as { sf: string }[]).map((c) => c.sf)).toEqual(['MÜLLER, JÜRGEN', 'TEAM']);
  });

  it('groups a series and its exception by UID and returns the invite structure', async () => {
    const hits = await mail('SearchRequest', { types: 'appointment', query: 'inid:10', sortBy: 'dateAsc' });
    const appts = hits.body['appt'] as Record<string, unknown>[];
    expect(appts.map((a) => a['uid'])).toEqual(['weekly-1', 'holiday-1']);
    const call = await mail('GetAppointmentRequest', { id: appts[0]?.['id'] });
    const appt = (call.body['appt'] as Record<string, unknown>[])[0] ?? {};
    const inv = appt['inv'] as Record<string, unknown>[];
    expect(inv.length).toBe(2);
    const series = (inv[0]?.['comp'] as Record<string, unknown>[])[0] ?? {};
    expect(series).toMatchObject({
      name: 'Weekly sync',
      loc: 'Room 1',
      isOrg: false,
      or: { a: 'boss@example.com', d: 'Boss' },
      at: [{ a: 'ann@example.com', d: 'Ann', role: 'REQ', ptst: 'AC', rsvp: true }],
      s: [{ d: '20240205T160000', tz: 'Europe/Berlin', u: Date.UTC(2024, 1, 5, 15) }],
      e: [{ d: '20240205T163000', tz: 'Europe/Berlin', u: Date.UTC(2024, 1, 5, 15, 30) }],
      alarm: [
        {
          action: 'DISPLAY',
          trigger: [{ rel: [{ neg: true, m: 5, related: 'START' }] }],
          desc: [{ _content: 'Reminder' }],
        },
      ],
    });
    const recur = (series['recur'] as Record<string, unknown>[])[0] ?? {};
    expect((recur['add'] as { rule: Record<string, unknown>[] }[])[0]?.rule[0]).toMatchObject({
      freq: 'WEE',
      until: [{ d: '20240304T150000Z' }],
      byday: [{ wkday: [{ day: 'MO' }] }],
    });
    expect(recur['exclude']).toEqual([
      { dates: [{ tz: 'Europe/Berlin', dtval: [{ s: [{ d: '20240219T160000' }] }] }] },
    ]);
    expect(inv[0]?.['tz']).toEqual([
      expect.objectContaining({
        id: 'Europe/Berlin',
        stdoff: 60,
        dayoff: 120,
        stdname: 'CET',
        dayname: 'CEST',
        standard: [{ hour: 3, min: 0, sec: 0, mon: 10, week: -1, wkday: 1 }],
      }),
    ]);
    const exception = (inv[1]?.['comp'] as Record<string, unknown>[])[0] ?? {};
    expect(exception).toMatchObject({
      ex: true,
      ridZ: '20240212T150000Z',
      exceptId: [{ d: '20240212T160000', tz: 'Europe/Berlin' }],
      name: 'Weekly sync (moved)',
    });
    const holiday = await mail('GetAppointmentRequest', { uid: 'holiday-1' });
    const comp =
      (holiday.body['appt'] as { inv: { comp: Record<string, unknown>[] }[] }[])[0]?.inv[0]?.comp[0] ?? {};
    expect(comp).toMatchObject({ allDay: true, s: [{ d: '20240301' }], e: [{ d: '20240301' }] });
    expect(faultCode(await mail('GetAppointmentRequest', { id: '9999' }))).toBe('mail.NO_SUCH_APPT');
  });

  it('expands instances in a window, replacing the exception and honouring EXDATE', async () => {
    const call = await mail('SearchRequest', {
      types: 'appointment',
      query: 'inid:10',
      sortBy: 'dateAsc',
      calExpandInstStart: Date.UTC(2024, 1, 1),
      calExpandInstEnd: Date.UTC(2024, 1, 29),
    });
    const appts = call.body['appt'] as { uid: string; inst: Record<string, unknown>[] }[];
    expect(appts.map((a) => a.uid)).toEqual(['weekly-1']);
    expect(appts[0]?.inst).toEqual([
      { s: Date.UTC(2024, 1, 5, 15), tzo: 3600000, ridZ: '20240205T150000Z' },
      expect.objectContaining({
        s: Date.UTC(2024, 1, 12, 16),
        ridZ: '20240212T150000Z',
        ex: true,
        name: 'Weekly sync (moved)',
      }),
      { s: Date.UTC(2024, 1, 26, 15), tzo: 3600000, ridZ: '20240226T150000Z' },
    ]);
  });

  it('rejects fast-path calendar searches over 400 days', async () => {
    const call = await mail('SearchRequest', {
      types: 'appointment',
      query: 'inid:10',
      sortBy: 'none',
      calExpandInstStart: Date.UTC(2024, 0, 1),
      calExpandInstEnd: Date.UTC(2025, 6, 1),
    });
    expect(faultCode(call)).toBe('service.INVALID_REQUEST');
    expect(call.body['Reason']).toEqual({
      Text: 'invalid request: Requested range is too large (Maximum 400 days)',
    });
  });

  it('returns tasks with status, percent complete, priority and due date', async () => {
    const hits = await mail('SearchRequest', { types: 'task', query: 'inid:15' });
    const task = (hits.body['task'] as Record<string, unknown>[])[0] ?? {};
    expect(task).toMatchObject({ name: 'File taxes', percentComplete: '40', priority: '1', status: 'INPR' });
    const full = await mail('GetTaskRequest', { id: task['id'] });
    const comp =
      (full.body['task'] as { inv: { comp: Record<string, unknown>[] }[] }[])[0]?.inv[0]?.comp[0] ?? {};
    expect(comp).toMatchObject({ status: 'INPR', percentComplete: '40', e: [{ d: '20240415' }] });
  });

  it('exports calendars as ics and address books as vcf over REST', async () => {
    const ics = await fetch(`${emu.url}/service/home/ann@example.com/Calendar?fmt=ics&authToken=${token}`);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const text = await ics.text();
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text.match(/BEGIN:VEVENT/g)?.length).toBe(3);
    expect(text).toContain('BEGIN:VTIMEZONE');
    expect(text).toContain('RECURRENCE-ID;TZID="Europe/Berlin":20240212T160000');
    // Attachments only when asked for (icalAttach=inline).
    expect(text).not.toContain('ATTACH');
    const inline = await fetch(
      `${emu.url}/service/home/ann@example.com/Calendar?fmt=ics&icalAttach=inline&authToken=${token}`,
    );
    const unfolded = (await inline.text()).replace(/\r\n[ \t]/g, '');
    expect(unfolded).toMatch(/ATTACH;.*X-APPLE-FILENAME=plan\.txt.*:cGxhbg==/);
    const vcf = await fetch(`${emu.url}/service/home/~/?id=7&fmt=vcf`, {
      headers: { Cookie: `ZM_AUTH_TOKEN=${token}` },
    });
    const cards = await vcf.text();
    expect(cards.match(/BEGIN:VCARD/g)?.length).toBe(2);
    expect(cards).toContain('N:Müller;Jürgen;;;');
    expect(cards).toContain('EMAIL;TYPE=internet:juergen@example.de');
  });
});
