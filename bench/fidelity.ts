/**
 * `npm run fidelity -- DIR…`: measures how faithfully contacts, calendars and tasks survive a Full
 * pass, on real-world .ics and .vcf files that are not in the repository (e.g. ../shared/corpus).
 * Each file becomes its own folder of one emulated Zimbra account, and the real `ferry migrate`
 * moves it to the emulated Microsoft 365. Then: per recurring series, the occurrence starts Zimbra
 * itself computes (calExpandInstStart/End) and those ical.js reads, over two years (see
 * compareSeries for which), against the instances Graph lists and the single events Ferry cut from
 * the series, or the single events an inexpressible series became; per vCard, every
 * e-mail address and phone number looked for on the Graph contacts. A second Full pass must
 * create nothing, and no invitation may be sent.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import ICAL from 'ical.js';

import { Secret } from '../src/domain/secret.ts';
import { EXPANSION_YEARS } from '../src/convert/ical-event-to-graph.ts';
import { loopbackOutbound } from '../test/support/loopback-outbound.ts';
import { graphTimeInstant, sourceOccurrences } from '../test/support/occurrences.ts';
import { createSessionFactory } from '../src/zimbra/session.ts';
import { createSoapTransport } from '../src/zimbra/soap-transport.ts';
import { createZimbraSource } from '../src/zimbra/zimbra-source.ts';
import { CLIENT_ID, DESTINATION_DOMAIN, TENANT_ID } from './emulators.ts';
import { startFidelityPasses } from './fidelity-pass.ts';

const ACCOUNT = 'fidelity@zimbra.test';
const DESTINATION = `fidelity@${DESTINATION_DOMAIN}`;
const DAY_MS = 86_400_000;
const TWO_YEARS_MS = 2 * 365 * DAY_MS;
const YEAR_MS = 365.25 * DAY_MS;

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
  const run = await startFidelityPasses({
    name: 'fidelity',
    work,
    zimbraDir: path.join(work, 'zimbra'),
    source: ACCOUNT,
    destination: DESTINATION,
    itemTypes: ['contacts', 'calendar', 'tasks'],
  });
  const { emulators } = run;
  try {
    const first = await run.fullPass();
    const dump = (await (
      await fetch(`${emulators.m365.graphUrl}/_emulator/mailboxes/${DESTINATION}`)
    ).json()) as Dump;
    const token = await graphToken(emulators.m365.authorityUrl, emulators.clientSecret);
    const series = await compareSeries(dump, emulators.zimbra.url, emulators.m365.graphUrl, token);
    const contacts = compareContacts(dump, sources);
    const second = await run.fullPass();
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
    await run.close();
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
 * of the iCalendar Zimbra exports for it against what Graph yields — the series' instances
 * (exceptions moved, cancellations gone) plus the single events cut from it (changed occurrences
 * Outlook cannot hold in a series), or the single events an inexpressible series became.
 *
 * The window is two years from the series' first start — or, for a series that began more than
 * EXPANSION_YEARS ago, from that many years before now: Ferry copies an endless series Outlook
 * cannot express as single events within now ± EXPANSION_YEARS only, and a window before that
 * would count its deliberate cut as missing occurrences. An all-day occurrence is a day, not an
 * instant: it is compared as its date on every side (a timed series may have an all-day exception).
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
  const soap = createSoapTransport({ url: zimbraUrl, adminUrl: undefined, fetch: loopbackOutbound().fetch });
  const zimbra = createZimbraSource(
    soap,
    createSessionFactory(soap, { mode: 'user', passwords: new Map([[ACCOUNT, new Secret('test123')]]) }),
  );
  const folderOf = new Map<string, string>();
  const folderNames = new Map<string, string>();
  const earliest = Date.now() - EXPANSION_YEARS * YEAR_MS + DAY_MS;
  for (const [itemId, events] of byItem) {
    const response = await fetch(`${zimbraUrl}/service/home/${ACCOUNT}/?id=${itemId}&fmt=ics`, {
      headers: { authorization: basic },
    });
    const ics = await response.text();
    const first = firstStart(ics);
    if (first === undefined) continue;
    const from = Math.max(first - DAY_MS, earliest);
    const window = { from, to: from + TWO_YEARS_MS };
    const inWindow = (key: string) => {
      const t = Date.parse(key.length === 10 ? `${key}T00:00:00Z` : key);
      return t >= window.from && t < window.to;
    };
    const keys = (list: readonly string[]) => [...new Set(list.filter(inWindow))].sort();
    if (folderOf.size === 0) {
      for (const folder of await zimbra.listFolders(ACCOUNT)) {
        if (folder.view !== 'appointment') continue;
        folderNames.set(folder.id, folder.name);
        for (let cursor: string | undefined, page; ; cursor = page.next) {
          page = await zimbra.listPimItems(ACCOUNT, folder.id, 'calendar', cursor, 500);
          for (const ref of page.items) folderOf.set(ref.id, folder.id);
          if (page.next === undefined) break;
        }
      }
    }
    const folderId = folderOf.get(itemId);
    if (folderId === undefined) continue;
    // Two independent readings of the source: Zimbra's own expansion, and ical.js over its iCalendar.
    const instances = await zimbra.listCalendarInstances(ACCOUNT, folderId, window.from, window.to);
    // A Zimbra all-day instance starts at midnight in the account's zone; half a day later is its date in UTC.
    const byZimbra = keys(
      instances
        .filter((i) => i.itemId === itemId)
        .map((i) =>
          i.allDay
            ? new Date(i.startMs + 43_200_000).toISOString().slice(0, 10)
            : new Date(i.startMs).toISOString(),
        ),
    );
    let byIcal: string[] | undefined;
    try {
      byIcal = keys(
        [...sourceOccurrences(ics, window.from - DAY_MS, window.to + DAY_MS, { allDayAsDate: true })].map(
          (k) => (k.length === 10 ? k : new Date(k).toISOString()),
        ),
      );
    } catch {
      byIcal = undefined;
    }
    const graphKey = (event: Record<string, unknown>) => {
      const start = event.start as { dateTime: string; timeZone: string };
      return event.isAllDay === true
        ? start.dateTime.slice(0, 10)
        : new Date(graphTimeInstant(start)).toISOString();
    };
    const master = events.find((e) => e.recurrence !== null && e.recurrence !== undefined);
    const singles = events.filter(
      (e) => e !== master && (e.recurrence === null || e.recurrence === undefined),
    );
    const actualKeys = singles.map(graphKey);
    if (master !== undefined) {
      const zone = (master.start as { timeZone: string }).timeZone;
      const url = `${graphUrl}/v1.0/users/${DESTINATION}/events/${String(master.id)}/instances?startDateTime=${new Date(window.from - DAY_MS).toISOString()}&endDateTime=${new Date(window.to + DAY_MS).toISOString()}&$top=5000`;
      const listed =
        (
          (await (
            await fetch(url, {
              headers: { authorization: `Bearer ${token}`, prefer: `outlook.timezone="${zone}"` },
            })
          ).json()) as { value?: Record<string, unknown>[] }
        ).value ?? [];
      actualKeys.push(...listed.map(graphKey));
    }
    const actual = keys(actualKeys);
    const expected = byZimbra;
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
        `item ${itemId} in ${folderNames.get(folderId) ?? folderId} "${String(events[0]!.subject)}": ${missing} missing, ${extra} extra of ${expected.length} (Zimbra's expansion)`,
      );
      if (process.env.FIDELITY_VERBOSE !== undefined) {
        process.stderr.write(
          `${different.at(-1)!}\n  zimbra ${byZimbra.join(' ')}\n  ical.js ${byIcal?.join(' ') ?? '(unreadable)'}\n  graph ${actual.join(' ')}\n`,
        );
      }
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
    for (const { name, value } of vcardValues(source.text)) {
      if (name !== 'EMAIL' && name !== 'TEL') continue;
      const wanted = value.trim().replace(/^(mailto|tel):/i, '');
      if (wanted === '') continue;
      values++;
      if (graphText.includes(JSON.stringify(wanted.toLowerCase()).slice(1, -1))) found++;
      else if (process.env.FIDELITY_VERBOSE !== undefined) {
        process.stderr.write(`fidelity: ${path.basename(source.file)}: ${name} ${wanted} not found\n`);
      }
    }
  }
  return { emailAndPhoneValues: values, foundOnGraphItems: found };
}

/**
 * The properties of vCard text, read independently of Ferry's parser: lines unfolded (RFC 6350
 * §3.2, and vCard 2.1's quoted-printable soft breaks), the name split from parameters that may
 * quote colons, quoted-printable decoded as UTF-8, and \; \, \\ \n unescaped.
 */
function vcardValues(text: string): { name: string; value: string }[] {
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const previous = lines.at(-1);
    if (previous !== undefined && /^[ \t]/.test(raw)) lines[lines.length - 1] = previous + raw.slice(1);
    else if (previous !== undefined && /QUOTED-PRINTABLE/i.test(previous) && previous.endsWith('='))
      lines[lines.length - 1] = previous.slice(0, -1) + raw;
    else lines.push(raw);
  }
  return lines.flatMap((line) => {
    let quoted = false;
    let colon = -1;
    for (let i = 0; i < line.length && colon < 0; i++) {
      if (line[i] === '"') quoted = !quoted;
      else if (line[i] === ':' && !quoted) colon = i;
    }
    if (colon < 0) return [];
    const head = line.slice(0, colon);
    const name = (head.split(';')[0] ?? '').replace(/^item\d+\./i, '').toUpperCase();
    let value = line.slice(colon + 1);
    if (/QUOTED-PRINTABLE/i.test(head)) {
      const bytes = value.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`);
      try {
        value = decodeURIComponent(bytes);
      } catch {
        value = unescape(bytes);
      }
    }
    value = value.replace(/\\([;,\\nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
    return [{ name, value }];
  });
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
