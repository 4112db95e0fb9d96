/**
 * The emulator's `fmt=ics` against golden exports written from zm-mailbox's sources (test/fixtures/zimbra-ics:
 * ZCalendar.java, Invite.java, ParsedDateTime.java, ICalTimeZone.java, Mailbox.java): for items
 * imported the way a client sends them, the export must be what Zimbra 8.8, 9 and 10 write (the
 * writer is the same in the three) — line for line, once unfolded, and folded at the same places.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startZimbraEmulator, type ZimbraEmulator } from './server.ts';
import { login, makeDataDir, soap } from './test-support.ts';
import { escapeText, foldZimbra, quoteParam } from './zcalendar-lines.ts';
import { tzOffsetString } from './zimbra-vtimezone.ts';

const golden = (name: string): string =>
  readFileSync(path.join(import.meta.dirname, '../../../test/fixtures/zimbra-ics', name), 'utf8');

const ics = (...lines: string[]): string => [...lines, ''].join('\r\n');

const PEOPLE = [
  'ORGANIZER;CN=Alice Martin;SENT-BY="mailto:assistant@example.com":mailto:alice@example.com',
  'ATTENDEE;CN="Doe, Jane";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;X-NUM-GUESTS=0;SCHEDULE-STATUS=2.0:mailto:jane.doe@example.com',
  'ATTENDEE;CN=Bob Stone;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:MAILTO:bob@example.com',
  'ATTENDEE;CUTYPE=RESOURCE;CN=Salle Émeraude;ROLE=NON-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:room-emeraude@example.com',
];

/** A weekly series as Outlook sends it: its own VTIMEZONE, WKST, a moved and a cancelled occurrence. */
const SERIES = ics(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
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
  'BEGIN:VEVENT',
  'UID:6c1b0f9e-2d4a-4f7b-8e3c-5a9d1e7b3c21',
  'DTSTAMP:20240301T120000Z',
  'LAST-MODIFIED:20240301T120000Z',
  'SEQUENCE:2',
  'DTSTART;TZID=America/New_York:20240305T093000',
  'DTEND;TZID=America/New_York:20240305T103000',
  'RRULE:FREQ=WEEKLY;WKST=SU;INTERVAL=1;UNTIL=20240430;BYDAY=TU',
  'EXDATE;TZID=America/New_York:20240319T093000',
  'SUMMARY:Weekly planning',
  "DESCRIPTION:Agenda:\\n- numbers\\, targets\\; risks\\n- anything else that comes up during the week and needs the whole team's attention before Friday",
  'X-ALT-DESC;FMTTYPE=text/html:<html><body><p>Agenda:</p><ul><li>numbers\\, targets\\; risks</li></ul></body></html>',
  'LOCATION:Room 4.12',
  ...PEOPLE,
  'CATEGORIES:Planning,Team',
  'CLASS:PUBLIC',
  'TRANSP:OPAQUE',
  'X-MICROSOFT-DISALLOW-COUNTER:FALSE',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'TRIGGER;RELATED=START:-PT15M',
  'END:VALARM',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:6c1b0f9e-2d4a-4f7b-8e3c-5a9d1e7b3c21',
  'DTSTAMP:20240301T120000Z',
  'LAST-MODIFIED:20240301T120000Z',
  'SEQUENCE:2',
  'RECURRENCE-ID;TZID=America/New_York:20240326T093000',
  'DTSTART;TZID=America/New_York:20240326T140000',
  'DTEND;TZID=America/New_York:20240326T150000',
  'SUMMARY:Weekly planning (moved)',
  'LOCATION:Room 2.01',
  ...PEOPLE,
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:6c1b0f9e-2d4a-4f7b-8e3c-5a9d1e7b3c21',
  'DTSTAMP:20240301T120000Z',
  'SEQUENCE:2',
  'RECURRENCE-ID;TZID=America/New_York:20240402T093000',
  'DTSTART;TZID=America/New_York:20240402T093000',
  'DTEND;TZID=America/New_York:20240402T103000',
  'SUMMARY:Weekly planning',
  'STATUS:CANCELLED',
  'END:VEVENT',
  'END:VCALENDAR',
);

const ALL_DAY = ics(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'BEGIN:VEVENT',
  'UID:8f2d7c1a-4b3e-4e6f-9a1d-0c5b7e2f4a98',
  'DTSTAMP:20240215T080000Z',
  'DTSTART;VALUE=DATE:20240301',
  'DTEND;VALUE=DATE:20240303',
  'SUMMARY:Offsite',
  'LOCATION:Lake District',
  'STATUS:TENTATIVE',
  'CLASS:PRIVATE',
  'TRANSP:TRANSPARENT',
  'END:VEVENT',
  'END:VCALENDAR',
);

/** A task with a floating DUE and Zimbra's own "waiting" status. */
const TASK = ics(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'BEGIN:VTODO',
  'UID:b7e4a2c9-1f3d-4a8e-8c6b-2d9f0e1a3b57',
  'DTSTAMP:20240320T091500Z',
  'SUMMARY:Renew the domain',
  'DESCRIPTION:The registrar needs the new card.',
  'PRIORITY:1',
  'PERCENT-COMPLETE:30',
  'DTSTART;VALUE=DATE:20240401',
  'DUE:20240412T170000',
  'STATUS;X-ZIMBRA-STATUS=X-ZIMBRA-STATUS-WAITING:IN-PROCESS',
  'ORGANIZER;CN=Alice Martin:mailto:alice@example.com',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'TRIGGER;VALUE=DATE-TIME:20240412T070000Z',
  'DESCRIPTION:Reminder',
  'END:VALARM',
  'END:VTODO',
  'END:VCALENDAR',
);

const zone = (id: string) => JSON.stringify({ zimbraPrefTimeZoneId: id });

describe('zimbra emulator: fmt=ics as Zimbra writes it', () => {
  const data = makeDataDir({
    'accounts/ny@example.com/calendar/Calendar/planning.ics': SERIES,
    'accounts/ny@example.com/prefs.json': zone('America/New_York'),
    'accounts/lon@example.com/calendar/Calendar/offsite.ics': ALL_DAY,
    'accounts/lon@example.com/prefs.json': zone('Europe/London'),
    'accounts/ber@example.com/tasks/Tasks/domain.ics': TASK,
    'accounts/ber@example.com/prefs.json': zone('Europe/Berlin'),
    'accounts/par@example.com/calendar/Calendar/odd.ics': ics(
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'UID:odd-1',
      'DTSTAMP:20240301T000000Z',
      'DTSTART;VALUE=DATE:20240305T093000',
      'DTEND;VALUE=DATE:20240305T103000',
      'SUMMARY:Not all day',
      'END:VEVENT',
      'END:VCALENDAR',
    ),
    'accounts/par@example.com/prefs.json': zone('Europe/Paris'),
  });
  let emu: ZimbraEmulator;
  beforeAll(async () => {
    emu = await startZimbraEmulator({ dataDir: data.dir, dosFilterMaxRequestsPerSec: 0 });
  });
  afterAll(async () => {
    await emu.close();
    data.remove();
  });

  async function itemExport(account: string, types: string, folder: number): Promise<string> {
    const token = await login(emu.url, account);
    const hits = await soap(
      emu.url,
      { SearchRequest: { _jsns: 'urn:zimbraMail', types, query: `inid:${folder}` } },
      { token },
    );
    const id = (hits.body[types === 'task' ? 'task' : 'appt'] as { id: string }[])[0]?.id;
    const response = await fetch(`${emu.url}/service/home/~/?id=${id}&fmt=ics&authToken=${token}`);
    return response.text();
  }

  /** X-WR-CALID holds the account's id, which differs from the golden's. */
  const sameAccount = (text: string) => text.replace(/^X-WR-CALID:[^:\r\n]+:/m, 'X-WR-CALID:<account>:');

  it('writes a weekly series with its exceptions as Zimbra 8.8 does (?id=N)', async () => {
    expect(await itemExport('ny@example.com', 'appointment', 10)).toBe(golden('zimbra-8.8-series-item.ics'));
  });

  it('writes a folder with an all-day event as Zimbra 9 does (X-WR-CALNAME, the account zone)', async () => {
    const token = await login(emu.url, 'lon@example.com');
    const response = await fetch(`${emu.url}/service/home/~/Calendar?fmt=ics&authToken=${token}`);
    expect(sameAccount(await response.text())).toBe(sameAccount(golden('zimbra-9-allday-folder.ics')));
  });

  it('reads VALUE=DATE with a time as a time in the account zone (ParsedDateTime ignores VALUE)', async () => {
    const text = await itemExport('par@example.com', 'appointment', 10);
    expect(text).toContain('\r\nDTSTART;TZID="Europe/Paris":20240305T093000\r\n');
    expect(text).toContain('\r\nDTEND;TZID="Europe/Paris":20240305T103000\r\n');
    expect(text).not.toContain('ALLDAYEVENT');
    expect(text).toContain('\r\nTZID:Europe/Paris\r\n');
  });

  it('writes a task as Zimbra 10 does: floating DUE in the account zone, X-ZIMBRA-STATUS', async () => {
    expect(await itemExport('ber@example.com', 'task', 15)).toBe(golden('zimbra-10-task-item.ics'));
  });
});

describe('ZCalendar line writing', () => {
  it('quotes parameters as ZParameter.quote does', () => {
    expect(quoteParam('Bob Stone', false)).toBe('Bob Stone');
    expect(quoteParam('Doe, Jane', false)).toBe('"Doe, Jane"');
    expect(quoteParam('Émeraude', false)).toBe('"Émeraude"');
    expect(quoteParam('say "hi"', false)).toBe("say 'hi'");
    expect(quoteParam('Europe/Berlin', true)).toBe('"Europe/Berlin"');
    expect(quoteParam('', false)).toBe('""');
  });

  it('escapes text without touching colons, and folds every 76 UTF-16 units', () => {
    expect(escapeText('a,b;c\\d\r\ne:f')).toBe('a\\,b\\;c\\\\d\\ne:f');
    const folded = foldZimbra('X'.repeat(160));
    expect(folded.split('\r\n ').map((s) => s.length)).toEqual([76, 76, 8]);
    // A surrogate pair cut by the fold: Java's UTF-8 writer writes each half as "?".
    expect(foldZimbra(`${'a'.repeat(75)}😀b`)).toBe(`${'a'.repeat(75)}?\r\n ?b`);
  });

  it('writes a zero offset as "-0000" (ICalTimeZone.timeToTzOffsetString)', () => {
    expect(tzOffsetString(0)).toBe('-0000');
    expect(tzOffsetString(3_600_000)).toBe('+0100');
    expect(tzOffsetString(-(5 * 3600 + 30 * 60) * 1000)).toBe('-0530');
  });
});
