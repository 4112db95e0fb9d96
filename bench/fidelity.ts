/**
 * `npm run fidelity -- DIR…`: measures how faithfully contacts, calendars and tasks survive a Full
 * pass, on real-world .ics and .vcf files that are not in the repository (e.g. ../shared/corpus).
 * Each file becomes its own folder of one emulated Zimbra account, and the real `ferry migrate`
 * moves it to the emulated Microsoft 365. Then: per recurring series, the occurrence starts Zimbra
 * itself computes (calExpandInstStart/End) over two years from the series' start against the
 * instances Graph lists, or the single events an inexpressible series became; per vCard, every
 * e-mail address and phone number looked for on the Graph contacts. A second Full pass must
 * create nothing, and no invitation may be sent.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import ICAL from 'ical.js';

import { Secret } from '../src/domain/secret.ts';
import { sourceOccurrences } from '../test/support/occurrences.ts';
import { createSessionFactory } from '../src/zimbra/session.ts';
import { createSoapTransport } from '../src/zimbra/soap-transport.ts';
import { createZimbraSource } from '../src/zimbra/zimbra-source.ts';
import { CLIENT_ID, DESTINATION_DOMAIN, startEmulators, TENANT_ID } from './emulators.ts';
import { runFerry } from './ferry-process.ts';

const ACCOUNT = 'fidelity@zimbra.test';
const DESTINATION = `fidelity@${DESTINATION_DOMAIN}`;
const TWO_YEARS_MS = 2 * 365 * 24 * 60 * 60 * 1000;

interface Dump {
  contactFolders: { path: string; contacts: Record<string, unknown>[] }[];
  calendars: { name: string; events: Record<string, unknown>[] }[];
  todoLists: { displayName: string; tasks: Record<string, unknown>[] }[];
  invitationsSent: number;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(ics|vcf)$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Folder names unique per file, kept short and free of characters Zimbra folder names refuse. */
function folderName(file: string, index: number): string {
  const base = path
    .basename(file)
    .replace(/\.[^.]+$/, '')
    .replace(/[^\w.-]+/g, '-')
    .slice(0, 60);
  return `${String(index).padStart(3, '0')}-${base}`;
}

async function main(): Promise<void> {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) throw new Error('usage: npm run fidelity -- DIR [DIR…]');
  const files = (await Promise.all(dirs.map(filesUnder))).flat();
  const work = await mkdtemp(path.join(tmpdir(), 'ferry-fidelity-'));
  // As root, the embedded PostgreSQL runs as "postgres" and must be able to enter the data dir.
  await chmod(work, 0o755);
  const account = path.join(work, 'zimbra', 'accounts', ACCOUNT);
  const sources = new Map<string, { file: string; text: string }>();
  for (const [index, file] of files.entries()) {
    const text = await readFile(file, 'utf8');
    const name = folderName(file, index);
    const kind = file.toLowerCase().endsWith('.vcf')
      ? 'contacts'
      : /BEGIN:VEVENT/i.test(text)
        ? 'calendar'
        : 'tasks';
    const target = path.join(account, kind, name, path.basename(file));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    sources.set(name, { file, text });
  }
  const emulators = await startEmulators({
    zimbraDataDir: path.join(work, 'zimbra'),
    zimbraDosPerSec: 0,
    graphLimits: { scaled: 1_000_000 },
  });
  try {
    const planFile = path.join(work, 'plan.json');
    await writeFile(
      planFile,
      JSON.stringify({
        name: 'fidelity',
        source: {
          type: 'zimbra',
          url: emulators.zimbra.url,
          adminUrl: emulators.zimbra.adminUrl,
          username: `admin@zimbra.test`,
          password: 'test123',
        },
        destination: {
          type: 'm365',
          tenantId: TENANT_ID,
          clientId: CLIENT_ID,
          clientSecret: emulators.clientSecret,
          authorityUrl: emulators.m365.authorityUrl,
          graphUrl: emulators.m365.graphUrl,
        },
        users: [{ source: ACCOUNT, destination: DESTINATION }],
        options: { itemTypes: ['contacts', 'calendar', 'tasks'] },
      }),
    );
    const pass = async () => {
      const run = await runFerry({
        args: [
          'migrate',
          '--plan',
          planFile,
          '--pass',
          'full',
          '--data-dir',
          path.join(work, 'ferry'),
          '--json',
        ],
        usageFile: path.join(work, 'usage.json'),
        timeoutMs: 30 * 60 * 1000,
      });
      if (run.exitCode === 2) throw new Error(`ferry migrate failed:\n${run.stderr}`);
      return JSON.parse(run.stdout) as {
        mailboxes: {
          items: Record<string, { migrated: number; skipped: number; failed: number }>;
          errors: { type: string; folder: string; code: string; message: string }[];
        }[];
      };
    };
    const first = await pass();
    const dump = (await (
      await fetch(`${emulators.m365.graphUrl}/_emulator/mailboxes/${DESTINATION}`)
    ).json()) as Dump;
    const token = await graphToken(emulators.m365.authorityUrl, emulators.clientSecret);
    const series = await compareSeries(dump, emulators.zimbra.url, emulators.m365.graphUrl, token);
    const contacts = compareContacts(dump, sources);
    const second = await pass();
    const after = (await (
      await fetch(`${emulators.m365.graphUrl}/_emulator/mailboxes/${DESTINATION}`)
    ).json()) as Dump;
    const mailbox = first.mailboxes[0]!;
    const report = {
      files: files.length,
      items: mailbox.items,
      failures: mailbox.errors.length,
      failureCodes: countBy(mailbox.errors.map((e) => `${e.type}:${e.code}`)),
      series,
      contacts,
      invitationsSent: after.invitationsSent,
      secondPassCreated:
        count(after) -
        count(dump) +
        Object.values(second.mailboxes[0]!.items).reduce((n, c) => n + c.migrated, 0),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (process.env.FIDELITY_VERBOSE !== undefined) {
      for (const error of mailbox.errors)
        process.stderr.write(`${error.folder}: ${error.code} ${error.message}\n`);
    }
  } finally {
    await emulators.close();
    await rm(work, { recursive: true, force: true });
  }
}

async function graphToken(authorityUrl: string, secret: string): Promise<string> {
  const response = await fetch(`${authorityUrl}/${TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: secret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Per recurring source item (found through the stamp on what Ferry created): the occurrence starts
 * of the iCalendar Zimbra exports for it, over two years from its first start, against what Graph
 * yields — the series' instances (exceptions moved, cancellations gone), or the single events an
 * inexpressible series became.
 */
async function compareSeries(dump: Dump, zimbraUrl: string, graphUrl: string, token: string) {
  const byItem = new Map<string, Record<string, unknown>[]>();
  for (const event of dump.calendars.flatMap((c) => c.events)) {
    const stamp = stampOf(event);
    if (stamp === undefined) continue;
    const itemId = stamp.split(':').at(-1)!.split('#')[0]!;
    byItem.set(itemId, [...(byItem.get(itemId) ?? []), event]);
  }
  let compared = 0;
  let equal = 0;
  let equalToZimbra = 0;
  let equalToIcal = 0;
  const different: string[] = [];
  const basic = `Basic ${Buffer.from(`${ACCOUNT}:test123`).toString('base64')}`;
  const soap = createSoapTransport({ url: zimbraUrl, adminUrl: undefined });
  const zimbra = createZimbraSource(
    soap,
    createSessionFactory(soap, { mode: 'user', passwords: new Map([[ACCOUNT, new Secret('test123')]]) }),
  );
  const folderOf = new Map<string, string>();
  for (const [itemId, events] of byItem) {
    const response = await fetch(`${zimbraUrl}/service/home/${ACCOUNT}/?id=${itemId}&fmt=ics`, {
      headers: { authorization: basic },
    });
    const ics = await response.text();
    const first = firstStart(ics);
    if (first === undefined) continue;
    const window = { from: first - 86_400_000, to: first - 86_400_000 + TWO_YEARS_MS };
    // The source's truth is what Zimbra itself expands (calExpandInstStart/End), not our converter.
    if (folderOf.size === 0) {
      for (const folder of await zimbra.listFolders(ACCOUNT)) {
        if (folder.view !== 'appointment') continue;
        for (let cursor: string | undefined, page; ; cursor = page.next) {
          page = await zimbra.listPimItems(ACCOUNT, folder.id, 'calendar', cursor, 500);
          for (const ref of page.items) folderOf.set(ref.id, folder.id);
          if (page.next === undefined) break;
        }
      }
    }
    const folderId = folderOf.get(itemId);
    if (folderId === undefined) continue;
    const instances = await zimbra.listCalendarInstances(ACCOUNT, folderId, window.from, window.to);
    const master = events.find((e) => e.recurrence !== null && e.recurrence !== undefined);
    // All-day occurrences are dates, not instants: compared as the dates they fall on.
    const allDay = events[0]!.isAllDay === true;
    const key = (wall: string) =>
      allDay ? wall.slice(0, 10) : new Date(`${wall.slice(0, 19)}Z`).toISOString();
    // A start instant of an all-day occurrence is local midnight; half a day later is that date in UTC.
    const asKeys = (starts: readonly number[]) =>
      [
        ...new Set(
          starts.map((t) =>
            allDay ? new Date(t + 43_200_000).toISOString().slice(0, 10) : new Date(t).toISOString(),
          ),
        ),
      ].sort();
    // Two independent readings of the source: Zimbra's own expansion, and ical.js over its iCalendar.
    const byZimbra = asKeys(
      instances
        .filter((i) => i.itemId === itemId && i.startMs >= window.from && i.startMs < window.to)
        .map((i) => i.startMs),
    );
    let byIcal: string[] | undefined;
    try {
      byIcal = asKeys([...sourceOccurrences(ics, window.from, window.to)].map((t) => Date.parse(t)));
    } catch {
      byIcal = undefined;
    }
    const expected = byZimbra;
    let actual: string[];
    if (master !== undefined) {
      const zone = (master.start as { timeZone: string }).timeZone;
      const url = `${graphUrl}/v1.0/users/${DESTINATION}/events/${String(master.id)}/instances?startDateTime=${new Date(window.from).toISOString()}&endDateTime=${new Date(window.to).toISOString()}&$top=5000`;
      const instances =
        (
          (await (
            await fetch(url, {
              headers: {
                authorization: `Bearer ${token}`,
                ...(allDay ? { prefer: `outlook.timezone="${zone}"` } : {}),
              },
            })
          ).json()) as { value?: { start: { dateTime: string } }[] }
        ).value ?? [];
      actual = instances.map((i) => key(i.start.dateTime));
    } else {
      actual = events
        .map((e) => String((e.start as { dateTime: string }).dateTime))
        .filter((wall) => {
          const t = Date.parse(`${wall.slice(0, 19)}Z`);
          const slack = allDay ? 86_400_000 : 0;
          return t >= window.from - slack && t < window.to + slack;
        })
        .map(key)
        .filter((k) => !allDay || expected.length === 0 || (k >= expected[0]! && k <= expected.at(-1)!));
    }
    actual.sort();
    compared++;
    const same = (a: readonly string[] | undefined) =>
      a !== undefined && JSON.stringify(a) === JSON.stringify(actual);
    if (same(byZimbra)) equalToZimbra++;
    if (same(byIcal)) equalToIcal++;
    if (same(byZimbra) || same(byIcal)) equal++;
    else {
      const missing = expected.filter((t) => !actual.includes(t)).length;
      const extra = actual.filter((t) => !expected.includes(t)).length;
      different.push(
        `item ${itemId} "${String(events[0]!.subject)}": ${missing} missing, ${extra} extra of ${expected.length} (Zimbra's expansion)`,
      );
    }
  }
  return { compared, equalToZimbra, equalToIcal, equalToEither: equal, different };
}

function stampOf(event: Record<string, unknown>): string | undefined {
  const properties = (event.singleValueExtendedProperties ?? []) as { id: string; value: string }[];
  return properties.find((p) => p.id.endsWith('Name FerrySourceId'))?.value;
}

/** The first start (epoch ms) of a recurring item's series; undefined for a one-off event. */
function firstStart(ics: string): number | undefined {
  try {
    const master = new ICAL.Component(ICAL.parse(ics) as unknown[])
      .getAllSubcomponents('vevent')
      .find((v) => !v.hasProperty('recurrence-id'));
    if (master === undefined || !(master.hasProperty('rrule') || master.hasProperty('rdate')))
      return undefined;
    return new ICAL.Event(master).startDate.toUnixTime() * 1000;
  } catch {
    return undefined;
  }
}

/** Every e-mail address and phone number of each source vCard found somewhere on a Graph contact. */
function compareContacts(dump: Dump, sources: ReadonlyMap<string, { file: string; text: string }>) {
  let values = 0;
  let found = 0;
  const graphText = JSON.stringify(dump.contactFolders).toLowerCase();
  for (const [, source] of sources) {
    if (!source.file.toLowerCase().endsWith('.vcf')) continue;
    for (const line of source.text.split(/\r?\n/)) {
      const match = /^(?:item\d+\.)?(EMAIL|TEL)[^:]*:(.+)$/i.exec(line);
      const value = match?.[2]?.trim().replace(/^(mailto|tel):/i, '');
      if (value === undefined || value === '') continue;
      values++;
      if (graphText.includes(JSON.stringify(value.toLowerCase()).slice(1, -1))) found++;
    }
  }
  return { emailAndPhoneValues: values, foundOnGraphItems: found };
}

function count(dump: Dump): number {
  return (
    dump.contactFolders.reduce((n, f) => n + f.contacts.length, 0) +
    dump.calendars.reduce((n, c) => n + c.events.length, 0) +
    dump.todoLists.reduce((n, l) => n + l.tasks.length, 0)
  );
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

await main();
