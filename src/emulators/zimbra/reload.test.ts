import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startZimbraEmulator, type ZimbraEmulator } from './server.ts';
import { login, makeDataDir, soap } from './test-support.ts';

const card = (name: string, title: string) =>
  ['BEGIN:VCARD', 'VERSION:3.0', `FN:${name}`, `N:${name};;;;`, `TITLE:${title}`, 'END:VCARD'].join('\r\n');
const EVENT = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'BEGIN:VEVENT',
  'UID:review-1',
  'DTSTAMP:20240101T000000Z',
  'DTSTART:20240105T090000Z',
  'DTEND:20240105T100000Z',
  'SUMMARY:Review',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

let data: ReturnType<typeof makeDataDir>;
let emulator: ZimbraEmulator;
let token: string;

beforeAll(async () => {
  data = makeDataDir({
    'accounts/ann@example.com/contacts/Contacts/people.vcf': [
      card('Ada', 'Countess'),
      card('Ben', 'Clerk'),
    ].join('\r\n'),
    'accounts/ann@example.com/calendar/Calendar/review.ics': EVENT,
  });
  emulator = await startZimbraEmulator({ dataDir: data.dir });
  token = await login(emulator.url, 'ann@example.com');
});

afterAll(async () => {
  await emulator.close();
  data.remove();
});

type Hit = { id: string; ms: number; rev: number; fileAsStr?: string; _attrs?: Record<string, string> };

async function hits(types: string, element: string): Promise<Hit[]> {
  const call = await soap(
    emulator.url,
    { SearchRequest: { _jsns: 'urn:zimbraMail', types, query: 'in:contacts OR in:calendar', limit: 100 } },
    { token },
  );
  return ((call.body[element] as Hit[] | undefined) ?? []).sort((a, b) => Number(a.id) - Number(b.id));
}

describe('reloading the data directory', () => {
  it('gives edited items a new modified sequence and leaves the others as they were', async () => {
    const contactsBefore = await hits('contact', 'cn');
    const [eventBefore] = await hits('appointment', 'appt');
    expect(contactsBefore.map((c) => c.fileAsStr)).toEqual(['Ada', 'Ben']);
    for (const hit of contactsBefore) expect(hit.ms).toBe(Number(hit.id));

    writeFileSync(
      path.join(data.dir, 'accounts/ann@example.com/contacts/Contacts/people.vcf'),
      [card('Ada', 'Mathematician'), card('Ben', 'Clerk')].join('\r\n'),
    );
    const reload = await fetch(`${emulator.url}/_emulator/reload`, { method: 'POST' });
    expect(reload.status).toBe(204);
    expect((await fetch(`${emulator.url}/_emulator/reload`)).status).toBe(405);

    const contactsAfter = await hits('contact', 'cn');
    const [ada, ben] = contactsAfter;
    expect(ada).toMatchObject({ id: contactsBefore[0]!.id, _attrs: { jobTitle: 'Mathematician' } });
    expect(ada!.ms).toBeGreaterThan(Math.max(...contactsBefore.map((c) => c.ms), eventBefore!.ms));
    expect(ada!.rev).toBe(ada!.ms);
    expect(ben).toMatchObject({ id: contactsBefore[1]!.id, ms: contactsBefore[1]!.ms });
    expect((await hits('appointment', 'appt'))[0]).toMatchObject({
      id: eventBefore!.id,
      ms: eventBefore!.ms,
    });

    // The session survives the reload, and reloading an unchanged directory changes nothing.
    await fetch(`${emulator.url}/_emulator/reload`, { method: 'POST' });
    expect((await hits('contact', 'cn')).map((c) => c.ms)).toEqual(contactsAfter.map((c) => c.ms));
  });
});
