import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed, type AccountSummary } from './generate-seed.ts';

/** Files of one kind under `dir`, as [relative path, text]. */
async function texts(dir: string, ext: string): Promise<[string, string][]> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(ext)).sort();
  return Promise.all(
    files.map(async (f) => [f, await readFile(path.join(dir, f), 'utf8')] as [string, string]),
  );
}

function components(text: string): ICAL.Component[] {
  const parsed: unknown = ICAL.parse(text);
  const list = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[];
  return list.map((jcal) => new ICAL.Component(jcal as string));
}

describe('generated contacts, calendars and tasks', () => {
  let root: string;
  let account: AccountSummary;
  let dir: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ferry-seed-pim-'));
    const summary = await generateSeed({ outDir: root, accounts: 1, messages: 0, specialAccounts: false });
    account = summary.accounts[0]!;
    dir = path.join(root, 'accounts', account.email);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes vCards 3.0 and 4.0 that ical.js parses, with rich fields and groups', async () => {
    const files = await texts(path.join(dir, 'contacts'), '.vcf');
    expect(new Set(files.map(([f]) => path.dirname(f)))).toEqual(
      new Set(['Contacts', 'Emailed Contacts', 'Clients VIP']),
    );
    const cards = files.filter(([, t]) => !t.includes('VERSION:2.1')).flatMap(([, t]) => components(t));
    const emails = new Set(
      cards.flatMap((c) => c.getAllProperties('email').map((p) => String(p.getFirstValue()))),
    );
    const people = cards.filter(
      (c) => c.getFirstPropertyValue('kind') !== 'group' && !c.hasProperty('x-addressbookserver-kind'),
    );
    expect(people.some((c) => c.getAllProperties('email').length >= 4)).toBe(true);
    expect(people.some((c) => c.getAllProperties('tel').length >= 6)).toBe(true);
    expect(people.some((c) => c.getAllProperties('adr').length === 3)).toBe(true);
    for (const name of [
      'n',
      'fn',
      'org',
      'title',
      'bday',
      'url',
      'impp',
      'note',
      'categories',
      'photo',
      'nickname',
    ]) {
      expect(
        people.some((c) => c.hasProperty(name)),
        name,
      ).toBe(true);
    }
    expect(people.some((c) => c.hasProperty('x-anniversary'))).toBe(true);
    expect(people.some((c) => c.hasProperty('anniversary'))).toBe(true);
    expect(people.some((c) => c.hasProperty('x-aim'))).toBe(true);
    const group4 = cards.find((c) => c.getFirstPropertyValue('kind') === 'group');
    const group3 = cards.find((c) => c.getFirstPropertyValue('x-addressbookserver-kind') === 'group');
    const members = [
      ...(group4?.getAllProperties('member') ?? []),
      ...(group3?.getAllProperties('x-addressbookserver-member') ?? []),
    ].map((p) => String(p.getFirstValue()).replace(/^mailto:/, ''));
    expect(members.length).toBeGreaterThanOrEqual(8);
    for (const m of members) expect(emails.has(m)).toBe(true);
    expect(account.contacts.contacts + account.contacts.groups).toBe(
      files.reduce((n, [, t]) => n + t.split('BEGIN:VCARD').length - 1, 0),
    );
  });

  it('writes vCard 2.1 with quoted-printable UTF-8 values', async () => {
    const v21 = (await texts(path.join(dir, 'contacts'), '.vcf')).filter(([, t]) =>
      t.includes('VERSION:2.1'),
    );
    expect(v21.length).toBeGreaterThan(0);
    const all = v21.map(([, t]) => t).join('');
    expect(all).toMatch(/;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:/);
    expect(all).toMatch(/^TEL;WORK;VOICE:/m);
    expect(all).toMatch(/^EMAIL;INTERNET;WORK:/m);
    for (const [, t] of v21)
      expect(t.startsWith('BEGIN:VCARD\r\nVERSION:2.1\r\n') && t.endsWith('END:VCARD\r\n')).toBe(true);
  });

  it('writes calendars that ical.js parses, one series per file with its exceptions', async () => {
    const files = await texts(path.join(dir, 'calendar'), '.ics');
    expect(new Set(files.map(([f]) => path.dirname(f)))).toEqual(new Set(['Calendar', 'Team Calendar']));
    let events = 0;
    for (const [file, text] of files) {
      const [calendar] = components(text);
      const vevents = calendar!.getAllSubcomponents('vevent');
      events += vevents.length;
      const zones = new Set(
        calendar!.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid')),
      );
      for (const tzid of text.replace(/\r\n[ \t]/g, '').matchAll(/TZID="?([^":;]+)"?[:;]/g)) {
        expect(zones.has(tzid[1]!), `${file} ${tzid[1]}`).toBe(true);
      }
      if (!file.endsWith('imported.ics') && !file.endsWith('team-events.ics')) {
        expect(new Set(vevents.map((v) => v.getFirstPropertyValue('uid'))).size, file).toBe(1);
      }
      for (const v of vevents) {
        const event = new ICAL.Event(v);
        expect(event.startDate, file).toBeDefined();
        if (event.isRecurring()) expect(event.iterator().next(), file).toBeDefined();
      }
    }
    expect(events).toBe(account.calendar.events);
    const all = files.map(([, t]) => t.replace(/\r\n[ \t]/g, '')).join('');
    for (const needle of [
      'RECURRENCE-ID;TZID=Europe/Paris:',
      'EXDATE;TZID=',
      'RDATE;TZID=',
      'BYSETPOS=1,-1',
      'FREQ=HOURLY',
      'BYDAY=5FR',
      'BYDAY=2TU',
      'BYMONTHDAY=15',
      'FREQ=YEARLY',
      ';UNTIL=',
      ';COUNT=',
      'DTSTART;VALUE=DATE:',
      'TZID:(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna',
      'TZID:America/New_York',
      'TZID:Asia/Kolkata',
      'PARTSTAT=DECLINED',
      'PARTSTAT=TENTATIVE',
      'PARTSTAT=NEEDS-ACTION',
      'ROLE=OPT-PARTICIPANT',
      'BEGIN:VALARM',
      'X-MICROSOFT-CDO-BUSYSTATUS:OOF',
      'CLASS:PRIVATE',
      'PRIORITY:1',
      'X-ALT-DESC;FMTTYPE=text/html:',
      'STATUS:CANCELLED',
      'CATEGORIES:',
    ]) {
      expect(all, needle).toContain(needle);
    }
  });

  it('writes all-day events with exclusive DATE ends, one day and several days long', async () => {
    const files = await texts(path.join(dir, 'calendar'), '.ics');
    const lengths = files.flatMap(([, t]) =>
      components(t)[0]!
        .getAllSubcomponents('vevent')
        .map((v) => new ICAL.Event(v))
        .filter((e) => e.startDate.isDate)
        .map((e) => e.endDate.subtractDate(e.startDate).toSeconds() / 86_400),
    );
    expect(lengths).toContain(1);
    expect(lengths.some((d) => d >= 3)).toBe(true);
  });

  it('writes tasks with every status, recurrence and alarms', async () => {
    const files = await texts(path.join(dir, 'tasks'), '.ics');
    expect(new Set(files.map(([f]) => path.dirname(f)))).toEqual(new Set(['Tasks', 'Projekt-Aufgaben']));
    const todos = files.flatMap(([, t]) => components(t)[0]!.getAllSubcomponents('vtodo'));
    expect(todos).toHaveLength(account.tasks.tasks);
    expect(new Set(todos.map((t) => t.getFirstPropertyValue('status')))).toEqual(
      new Set(['NEEDS-ACTION', 'IN-PROCESS', 'COMPLETED', 'CANCELLED']),
    );
    for (const name of [
      'percent-complete',
      'priority',
      'dtstart',
      'due',
      'completed',
      'rrule',
      'categories',
      'description',
    ]) {
      expect(
        todos.some((t) => t.hasProperty(name)),
        name,
      ).toBe(true);
    }
    expect(todos.some((t) => t.getAllSubcomponents('valarm').length > 0)).toBe(true);
    expect(todos.some((t) => !t.hasProperty('due'))).toBe(true);
  });
});
