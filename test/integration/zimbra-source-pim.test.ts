import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PimKind, SourcePimRef } from '../../src/domain/pim.ts';
import { Secret } from '../../src/domain/secret.ts';
import type { Source } from '../../src/domain/source.ts';
import { startZimbraEmulator, type ZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { createSessionFactory } from '../../src/zimbra/session.ts';
import { createSoapTransport } from '../../src/zimbra/soap-transport.ts';
import { createZimbraSource } from '../../src/zimbra/zimbra-source.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';

const ALICE = 'alice@zimbra.test';
const DAY = 86_400_000;
const PHOTO = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) % 256));

const card = (lines: string[]) => ['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD'].join('\r\n');
const VCF = [
  card([
    'FN:Jürgen Müller',
    'N:Müller;Jürgen;;;',
    'EMAIL;TYPE=internet:juergen@example.de',
    'TITLE:Einkauf',
    `PHOTO;ENCODING=b;TYPE=PNG:${PHOTO.toString('base64')}`,
    'UID:juergen-1',
  ]),
  ...['Anna', 'Berta', 'Carl', 'Dora', 'Emil'].map((name) =>
    card([`FN:${name} Test`, `N:Test;${name};;;`, `EMAIL:${name.toLowerCase()}@example.org`]),
  ),
  card([
    'FN:Team',
    'X-ADDRESSBOOKSERVER-KIND:group',
    'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:juergen-1',
    'X-ADDRESSBOOKSERVER-MEMBER:uid=bob,ou=people,dc=zimbra,dc=test',
    'X-ADDRESSBOOKSERVER-MEMBER:mailto:extern@example.org',
  ]),
  '',
].join('\r\n');

const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];
const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  ...VTIMEZONE,
  'BEGIN:VEVENT',
  'UID:weekly-1',
  'DTSTAMP:20240101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20240205T160000',
  'DTEND;TZID=Europe/Berlin:20240205T163000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4',
  'SUMMARY:Réunion hebdo',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly-1',
  'DTSTAMP:20240101T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20240212T160000',
  'DTSTART;TZID=Europe/Berlin:20240212T170000',
  'DTEND;TZID=Europe/Berlin:20240212T180000',
  'SUMMARY:Réunion hebdo (déplacée)',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:monthly-1',
  'DTSTAMP:20230101T000000Z',
  'DTSTART:20230110T090000Z',
  'DTEND:20230110T100000Z',
  'RRULE:FREQ=MONTHLY;COUNT=36',
  'SUMMARY:Monthly review',
  'END:VEVENT',
  // Spans the end of the first 400-day window of 2023-01-01 (2024-02-05T00:00Z).
  'BEGIN:VEVENT',
  'UID:overnight-1',
  'DTSTAMP:20230101T000000Z',
  'DTSTART:20240204T200000Z',
  'DTEND:20240205T040000Z',
  'SUMMARY:Overnight maintenance',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');
const TODO =
  'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:task-1\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:File taxes\r\nDUE;VALUE=DATE:20240415\r\nEND:VTODO\r\nEND:VCALENDAR\r\n';

function dataDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-zpim-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const server = (version: string) =>
  JSON.stringify({ admin: { name: 'admin@zimbra.test', password: 'admin-pass' }, version });

let modernDir: string;
let legacyDir: string;
let modern: ZimbraEmulator;
let legacy: ZimbraEmulator;

beforeAll(async () => {
  modernDir = dataDir({
    'server.json': server('8.8.15'),
    [`accounts/${ALICE}/contacts/Contacts/people.vcf`]: VCF,
    [`accounts/${ALICE}/calendar/Calendar/work.ics`]: ICS,
    [`accounts/${ALICE}/tasks/Tasks/t.ics`]: TODO,
    'accounts/bob@zimbra.test/account.json': JSON.stringify({ displayName: 'Bob Builder' }),
  });
  legacyDir = dataDir({
    'server.json': server('7.2.7'),
    [`accounts/${ALICE}/contacts/Contacts/people.vcf`]: VCF,
  });
  modern = await startZimbraEmulator({ dataDir: modernDir });
  legacy = await startZimbraEmulator({ dataDir: legacyDir });
});

afterAll(async () => {
  await modern.close();
  await legacy.close();
  rmSync(modernDir, { recursive: true, force: true });
  rmSync(legacyDir, { recursive: true, force: true });
});

function source(emulator: ZimbraEmulator): Source {
  const transport = createSoapTransport({
    url: emulator.url,
    adminUrl: emulator.adminUrl,
    fetch: loopbackOutbound().fetch,
  });
  return createZimbraSource(
    transport,
    createSessionFactory(transport, {
      mode: 'admin',
      adminName: 'admin@zimbra.test',
      adminPassword: new Secret('admin-pass'),
    }),
  );
}

async function crawl(zimbra: Source, folderId: string, kind: PimKind, pageSize: number) {
  const items: SourcePimRef[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await zimbra.listPimItems(ALICE, folderId, kind, cursor, pageSize);
    items.push(...page.items);
    cursor = page.next;
    pages += 1;
  } while (cursor !== undefined);
  return { items, pages };
}

describe('Zimbra source: contacts', () => {
  it('pages through a contact folder with the cursor, each contact once', async () => {
    const { items, pages } = await crawl(source(modern), '7', 'contacts', 3);
    expect(pages).toBe(3);
    expect(items).toHaveLength(7);
    expect(new Set(items.map((i) => i.id)).size).toBe(7);
    expect(items.map((i) => i.subject).sort()).toEqual([
      'Müller, Jürgen',
      'Team',
      'Test, Anna',
      'Test, Berta',
      'Test, Carl',
      'Test, Dora',
      'Test, Emil',
    ]);
    for (const item of items) {
      expect(item).toMatchObject({ folderId: '7', kind: 'contacts', tags: [] });
      expect(item.revision).toMatch(/^ms:\d+$/);
    }
  });

  it('fetches the attributes and the photo byte for byte', async () => {
    const zimbra = source(modern);
    const { items } = await crawl(zimbra, '7', 'contacts', 100);
    const ref = items.find((i) => i.subject === 'Müller, Jürgen')!;
    const contact = await zimbra.fetchContact(ALICE, ref);
    expect(contact.attrs).toEqual({
      fullName: 'Jürgen Müller',
      lastName: 'Müller',
      firstName: 'Jürgen',
      email: 'juergen@example.de',
      jobTitle: 'Einkauf',
      vcardUID: 'juergen-1',
    });
    expect(contact.photo?.contentType).toBe('image/png');
    expect(Buffer.from(contact.photo!.bytes).equals(PHOTO)).toBe(true);
    expect(contact.groupMembers).toEqual([]);
  });

  it('resolves group members of every kind: local contact, GAL entry, inline address', async () => {
    const zimbra = source(modern);
    const { items } = await crawl(zimbra, '7', 'contacts', 100);
    const group = await zimbra.fetchContact(
      ALICE,
      items.find((i) => i.subject === 'Team')!,
    );
    expect(group.attrs.type).toBe('group');
    expect(group.photo).toBeUndefined();
    expect(group.groupMembers).toEqual([
      { name: 'Jürgen Müller', address: 'juergen@example.de' },
      { name: 'Bob Builder', address: 'bob@zimbra.test' },
      { name: undefined, address: 'extern@example.org' },
    ]);
  });

  it('reads a pre-8.0 group from its dlist', async () => {
    const zimbra = source(legacy);
    const { items } = await crawl(zimbra, '7', 'contacts', 100);
    const group = await zimbra.fetchContact(
      ALICE,
      items.find((i) => i.subject === 'Team')!,
    );
    // 7.x has no GAL members in groups; the local contact and the inline address remain.
    expect(group.groupMembers).toEqual([
      { name: 'Jürgen Müller', address: 'juergen@example.de' },
      { name: undefined, address: 'extern@example.org' },
    ]);
  });
});

describe('Zimbra source: calendar and tasks', () => {
  it('lists every calendar item once, whatever its dates, and every task', async () => {
    const zimbra = source(modern);
    const { items, pages } = await crawl(zimbra, '10', 'calendar', 2);
    expect(pages).toBe(2);
    expect(items.map((i) => i.subject).sort()).toEqual([
      'Monthly review',
      'Overnight maintenance',
      'Réunion hebdo',
    ]);
    const tasks = await crawl(zimbra, '15', 'tasks', 10);
    expect(tasks.items.map((i) => [i.kind, i.subject])).toEqual([['tasks', 'File taxes']]);
  });

  it('exports a series with its exception as UTF-8 iCalendar', async () => {
    const zimbra = source(modern);
    const { items } = await crawl(zimbra, '10', 'calendar', 10);
    const item = await zimbra.fetchCalendarItem(
      ALICE,
      items.find((i) => i.subject === 'Réunion hebdo')!,
    );
    const events = item.ics.split('BEGIN:VEVENT').slice(1);
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.includes('UID:weekly-1'))).toBe(true);
    // Zimbra quotes every TZID parameter (localconfig calendar_entourage_compatible_timezones).
    expect(events[1]).toContain('RECURRENCE-ID;TZID="Europe/Berlin":20240212T160000');
    expect(item.ics).toContain('SUMMARY:Réunion hebdo (déplacée)');
    expect(item.ics).toContain('BEGIN:VTIMEZONE');
    expect(item.ics).not.toContain('Monthly review');
  });

  it('expands instances over more than 400 days, each once, exceptions with their own times', async () => {
    const zimbra = source(modern);
    const from = Date.UTC(2023, 0, 1);
    const instances = await zimbra.listCalendarInstances(ALICE, '10', from, from + 3 * 365 * DAY);
    const { items } = await crawl(zimbra, '10', 'calendar', 10);
    const idOf = (subject: string) => items.find((i) => i.subject === subject)?.id;
    const monthly = instances.filter((i) => i.itemId === idOf('Monthly review'));
    expect(monthly).toHaveLength(36);
    expect(monthly[0]).toEqual({
      itemId: idOf('Monthly review'),
      startMs: Date.UTC(2023, 0, 10, 9),
      endMs: Date.UTC(2023, 0, 10, 10),
      allDay: false,
      recurrenceIdUtc: '20230110T090000Z',
    });
    expect(monthly.at(-1)?.recurrenceIdUtc).toBe('20251210T090000Z');
    expect(instances.filter((i) => i.itemId === idOf('Overnight maintenance'))).toEqual([
      {
        itemId: idOf('Overnight maintenance'),
        startMs: Date.UTC(2024, 1, 4, 20),
        endMs: Date.UTC(2024, 1, 5, 4),
        allDay: false,
        recurrenceIdUtc: undefined,
      },
    ]);
    const weekly = instances.filter((i) => i.itemId === idOf('Réunion hebdo'));
    expect(weekly.map((i) => [i.recurrenceIdUtc, (i.endMs - i.startMs) / 60_000])).toEqual([
      ['20240205T150000Z', 30],
      ['20240212T150000Z', 60],
      ['20240219T150000Z', 30],
      ['20240226T150000Z', 30],
    ]);
    expect(weekly[1]?.startMs).toBe(Date.UTC(2024, 1, 12, 16));
  });
});
