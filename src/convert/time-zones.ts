/**
 * iCalendar TZIDs → a zone Graph accepts in `dateTimeTimeZone.timeZone` (microsoft-graph.md §8).
 * Ferry always sends Windows zone names: Graph takes every one of them, but only a fixed list of
 * IANA names. The order of trust:
 *
 * 1. a Windows name as such ("W. Europe Standard Time");
 * 2. an Olson name, bare, quoted or behind a `/vendor/…/` prefix, through CLDR's windowsZones table
 *    (`windows-iana`), then through the runtime's canonical name, then by its rules — unless the
 *    item defines a TZID spelled unlike the registry ("Europe/lisbon"): then its VTIMEZONE decides;
 * 3. the descriptions older Zimbra and Outlook write ("(GMT+01.00) Amsterdam / Berlin / …"), from the
 *    table of Zimbra's own time zone list;
 * 4. a custom VTIMEZONE: the Windows zone whose offsets are identical over the event's years,
 *    preferring one whose cities the TZID names.
 *
 * Anything else has no known equivalent; the caller then converts its times to UTC.
 */
import ICAL from 'ical.js';
import { WINDOWS_TO_IANA_MAP, findIana, findWindows } from 'windows-iana';

/** A zone for Graph: its Windows name and the IANA zone with the same rules (for our own arithmetic). */
export interface GraphZone {
  readonly name: string;
  readonly iana: string;
}

export const UTC_ZONE: GraphZone = { name: 'UTC', iana: 'UTC' };

/** The calendar years an event spans; rules are compared over these only. */
export interface YearSpan {
  readonly from: number;
  readonly to: number;
}

/** UTC offset (ms) of a zone at an instant. */
export type OffsetAt = (utcMs: number) => number;

const WINDOWS_NAMES = new Map<string, string>(
  WINDOWS_TO_IANA_MAP.map((entry) => [entry.windowsName.toLowerCase(), entry.windowsName]),
);

/** Windows zone → the IANA zone CLDR names for it first ("001" territory). */
function primaryIana(windowsName: string): string | undefined {
  return findIana(windowsName, '001')[0] ?? findIana(windowsName)[0];
}

function graphZone(windowsName: string): GraphZone | undefined {
  if (windowsName === 'UTC') return UTC_ZONE;
  const iana = primaryIana(windowsName);
  return iana === undefined || !isKnownIana(iana) ? undefined : { name: windowsName, iana };
}

/**
 * Zimbra's legacy TZIDs (its `timezones.ics` before 8.0, also written by Outlook 2003) by their
 * description, prefix "(GMT±hh.mm)" removed. Several have no city a CLDR IANA name would match.
 */
const ZIMBRA_LEGACY: Readonly<Record<string, string>> = {
  'international date line west': 'Dateline Standard Time',
  'midway island/samoa': 'UTC-11',
  'coordinated universal time-11': 'UTC-11',
  hawaii: 'Hawaiian Standard Time',
  alaska: 'Alaskan Standard Time',
  'pacific time (us & canada)': 'Pacific Standard Time',
  'pacific time (us & canada)/tijuana': 'Pacific Standard Time',
  'tijuana/baja california': 'Pacific Standard Time (Mexico)',
  arizona: 'US Mountain Standard Time',
  'chihuahua/la paz/mazatlan - new': 'Mountain Standard Time (Mexico)',
  'chihuahua/la paz/mazatlan - old': 'Mountain Standard Time (Mexico)',
  'chihuahua/la paz/mazatlan': 'Mountain Standard Time (Mexico)',
  'mountain time (us & canada)': 'Mountain Standard Time',
  'central america': 'Central America Standard Time',
  'central time (us & canada)': 'Central Standard Time',
  'guadalajara/mexico city/monterrey - new': 'Central Standard Time (Mexico)',
  'guadalajara/mexico city/monterrey - old': 'Central Standard Time (Mexico)',
  'guadalajara/mexico city/monterrey': 'Central Standard Time (Mexico)',
  saskatchewan: 'Canada Central Standard Time',
  'bogota/lima/quito/rio branco': 'SA Pacific Standard Time',
  'bogota/lima/quito': 'SA Pacific Standard Time',
  'eastern time (us & canada)': 'Eastern Standard Time',
  'indiana (east)': 'US Eastern Standard Time',
  caracas: 'Venezuela Standard Time',
  'atlantic time (canada)': 'Atlantic Standard Time',
  'caracas/la paz': 'SA Western Standard Time',
  'georgetown/la paz/manaus/san juan': 'SA Western Standard Time',
  manaus: 'Central Brazilian Standard Time',
  santiago: 'Pacific SA Standard Time',
  asuncion: 'Paraguay Standard Time',
  newfoundland: 'Newfoundland Standard Time',
  brasilia: 'E. South America Standard Time',
  'buenos aires/georgetown': 'Argentina Standard Time',
  'buenos aires': 'Argentina Standard Time',
  greenland: 'Greenland Standard Time',
  montevideo: 'Montevideo Standard Time',
  'cayenne/fortaleza': 'SA Eastern Standard Time',
  'mid-atlantic': 'UTC-02',
  azores: 'Azores Standard Time',
  'cape verde is.': 'Cape Verde Standard Time',
  'casablanca/monrovia/reykjavik': 'Greenwich Standard Time',
  'monrovia/reykjavik': 'Greenwich Standard Time',
  casablanca: 'Morocco Standard Time',
  'greenwich mean time - dublin/edinburgh/lisbon/london': 'GMT Standard Time',
  'greenwich mean time: dublin/edinburgh/lisbon/london': 'GMT Standard Time',
  'dublin/edinburgh/lisbon/london': 'GMT Standard Time',
  'greenwich mean time': 'UTC',
  'coordinated universal time': 'UTC',
  'amsterdam/berlin/bern/rome/stockholm/vienna': 'W. Europe Standard Time',
  'belgrade/bratislava/budapest/ljubljana/prague': 'Central Europe Standard Time',
  'brussels/copenhagen/madrid/paris': 'Romance Standard Time',
  'sarajevo/skopje/warsaw/zagreb': 'Central European Standard Time',
  'west central africa': 'W. Central Africa Standard Time',
  amman: 'Jordan Standard Time',
  'athens/bucharest/istanbul': 'GTB Standard Time',
  'athens/bucharest': 'GTB Standard Time',
  beirut: 'Middle East Standard Time',
  cairo: 'Egypt Standard Time',
  'harare/pretoria': 'South Africa Standard Time',
  'helsinki/kyiv/riga/sofia/tallinn/vilnius': 'FLE Standard Time',
  jerusalem: 'Israel Standard Time',
  minsk: 'Belarus Standard Time',
  windhoek: 'Namibia Standard Time',
  baghdad: 'Arabic Standard Time',
  'kuwait/riyadh': 'Arab Standard Time',
  'moscow/st. petersburg/volgograd': 'Russian Standard Time',
  nairobi: 'E. Africa Standard Time',
  tbilisi: 'Georgian Standard Time',
  tehran: 'Iran Standard Time',
  'abu dhabi/muscat': 'Arabian Standard Time',
  baku: 'Azerbaijan Standard Time',
  yerevan: 'Caucasus Standard Time',
  'port louis': 'Mauritius Standard Time',
  kabul: 'Afghanistan Standard Time',
  ekaterinburg: 'Ekaterinburg Standard Time',
  'islamabad/karachi/tashkent': 'Pakistan Standard Time',
  'islamabad/karachi': 'Pakistan Standard Time',
  tashkent: 'West Asia Standard Time',
  'chennai/kolkata/mumbai/new delhi': 'India Standard Time',
  'sri jayawardenepura': 'Sri Lanka Standard Time',
  kathmandu: 'Nepal Standard Time',
  'almaty/novosibirsk': 'Central Asia Standard Time',
  'astana/dhaka': 'Bangladesh Standard Time',
  'yangon (rangoon)': 'Myanmar Standard Time',
  'bangkok/hanoi/jakarta': 'SE Asia Standard Time',
  krasnoyarsk: 'North Asia Standard Time',
  'beijing/chongqing/hong kong/urumqi': 'China Standard Time',
  'irkutsk/ulaan bataar': 'North Asia East Standard Time',
  'kuala lumpur/singapore': 'Singapore Standard Time',
  perth: 'W. Australia Standard Time',
  taipei: 'Taipei Standard Time',
  'osaka/sapporo/tokyo': 'Tokyo Standard Time',
  seoul: 'Korea Standard Time',
  yakutsk: 'Yakutsk Standard Time',
  adelaide: 'Cen. Australia Standard Time',
  darwin: 'AUS Central Standard Time',
  brisbane: 'E. Australia Standard Time',
  'canberra/melbourne/sydney': 'AUS Eastern Standard Time',
  'guam/port moresby': 'West Pacific Standard Time',
  hobart: 'Tasmania Standard Time',
  vladivostok: 'Vladivostok Standard Time',
  'magadan/solomon is./new caledonia': 'Central Pacific Standard Time',
  'auckland/wellington': 'New Zealand Standard Time',
  'fiji/kamchatka/marshall is.': 'Fiji Standard Time',
  "nuku'alofa": 'Tonga Standard Time',
};

/** Every Windows name the legacy table uses (the unit tests check each exists in CLDR's table). */
export const LEGACY_WINDOWS_NAMES: readonly string[] = [...new Set(Object.values(ZIMBRA_LEGACY))];

/** TZID as written → bare text: quotes and XML escapes removed. */
export function cleanTzid(tzid: string): string {
  return tzid
    .trim()
    .replace(/^"(.*)"$/s, '$1')
    .replace(/&amp;/g, '&')
    .trim();
}

function legacyKey(tzid: string): string {
  return tzid
    .replace(/^\((?:GMT|UTC)(?:\s*[+-]\s*\d{1,2}(?:[.:]\d{2})?)?\)\s*/i, '')
    .replace(/\s*[/,]\s*/g, '/')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

const knownIana = new Map<string, boolean>();

function isKnownIana(name: string): boolean {
  let known = knownIana.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    knownIana.set(name, known);
  }
  return known;
}

/** The runtime's canonical spelling of an IANA name ("Asia/Calcutta" → "Asia/Kolkata" or the reverse). */
function canonicalIana(name: string): string | undefined {
  if (!isKnownIana(name)) return undefined;
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

/** Whether `name` is spelled as CLDR or the IANA database spell it (the runtime ignores case). */
function isRegistrySpelling(name: string): boolean {
  return findWindows(name).length > 0 || canonicalIana(name) === name;
}

/** Olson names a TZID may carry: itself, then what follows each `/` of a vendor prefix. */
function olsonCandidates(tzid: string): string[] {
  const parts = tzid.replace(/^\/+/, '').split('/');
  const names: string[] = [];
  for (let i = 0; i < parts.length; i += 1) {
    const name = parts.slice(i).join('/');
    if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) names.push(name);
  }
  return names;
}

/** The Windows zone of an IANA name: CLDR's table, its canonical spelling, else equal rules. */
export function windowsZoneOfIana(name: string, years: YearSpan): GraphZone | undefined {
  const direct = findWindows(name)[0];
  if (direct !== undefined) return graphZone(direct);
  const canonical = canonicalIana(name);
  if (canonical === undefined) return undefined;
  const viaCanonical = findWindows(canonical)[0];
  if (viaCanonical !== undefined) return graphZone(viaCanonical);
  return zoneWithSameRules((ms) => zoneOffsetMs(canonical, ms), years, name);
}

/**
 * The Graph zone for a TZID, or undefined when none has the same rules. `definition` is the
 * VTIMEZONE the item carries for it, used when the name itself is not known.
 */
export function resolveTimeZone(
  tzid: string,
  definition: OffsetAt | undefined,
  years: YearSpan,
): GraphZone | undefined {
  const clean = cleanTzid(tzid);
  if (/^(utc|gmt|z|etc\/utc|etc\/gmt)$/i.test(clean)) return UTC_ZONE;
  const windows = WINDOWS_NAMES.get(clean.toLowerCase());
  if (windows !== undefined) return graphZone(windows);
  for (const name of olsonCandidates(clean)) {
    if (!name.includes('/') && !isKnownIana(name)) continue;
    // A name the runtime only knows case-insensitively ("Europe/lisbon") is not the registry's:
    // when the item defines it, its VTIMEZONE says what it means.
    if (definition !== undefined && !isRegistrySpelling(name)) continue;
    const zone = windowsZoneOfIana(name, years);
    if (zone !== undefined) return zone;
  }
  const legacy = ZIMBRA_LEGACY[legacyKey(clean)];
  if (legacy !== undefined) return graphZone(legacy);
  return definition === undefined ? undefined : zoneWithSameRules(definition, years, clean);
}

interface Candidate {
  readonly zone: GraphZone;
  readonly cities: readonly string[];
}

let candidates: Candidate[] | undefined;

function allCandidates(): Candidate[] {
  if (candidates === undefined) {
    const byName = new Map<string, string[]>();
    for (const entry of WINDOWS_TO_IANA_MAP) {
      const cities = byName.get(entry.windowsName) ?? [];
      cities.push(
        ...entry.iana.map((iana) => (iana.split('/').at(-1) ?? '').replace(/_/g, ' ').toLowerCase()),
      );
      byName.set(entry.windowsName, cities);
    }
    candidates = [...byName.entries()].flatMap(([name, cities]) => {
      const zone = graphZone(name);
      return zone === undefined ? [] : [{ zone, cities }];
    });
  }
  return candidates;
}

const DAY_MS = 86_400_000;
const ruleMatches = new Map<string, GraphZone | undefined>();

/**
 * The Windows zone whose offsets equal `offsetAt` at every instant of the span: compared at noon
 * UTC every day, and to the minute around each change of offset. Among equals, the one whose IANA
 * cities the TZID names wins, then CLDR's order.
 */
export function zoneWithSameRules(offsetAt: OffsetAt, years: YearSpan, tzid: string): GraphZone | undefined {
  const from = Date.UTC(years.from, 0, 1, 12);
  const to = Date.UTC(Math.min(years.to, years.from + 5) + 1, 0, 1, 12);
  const samples: number[] = [];
  for (let ms = from; ms < to; ms += DAY_MS) samples.push(ms);
  const offsets = samples.map(offsetAt);
  const key = `${tzid}|${years.from}|${years.to}|${offsets.join(',')}`;
  if (ruleMatches.has(key)) return ruleMatches.get(key);
  const changes: number[] = [];
  for (let i = 1; i < samples.length; i += 1) {
    if (offsets[i] !== offsets[i - 1])
      changes.push(changeInstant(offsetAt, samples[i - 1] ?? 0, samples[i] ?? 0));
  }
  const words = tzid.toLowerCase();
  let best: { zone: GraphZone; score: number } | undefined;
  for (const candidate of allCandidates()) {
    const other: OffsetAt = (ms) => zoneOffsetMs(candidate.zone.iana, ms);
    if (offsets[0] !== other(samples[0] ?? from) || offsets.at(-1) !== other(samples.at(-1) ?? from))
      continue;
    if (!samples.every((ms, i) => other(ms) === offsets[i])) continue;
    if (!changes.every((ms) => other(ms - 60_000) === offsetAt(ms - 60_000) && other(ms) === offsetAt(ms))) {
      continue;
    }
    const score = candidate.cities.filter((city) => city !== '' && words.includes(city)).length;
    if (best === undefined || score > best.score) best = { zone: candidate.zone, score };
  }
  ruleMatches.set(key, best?.zone);
  return best?.zone;
}

/** The first minute in (before, after] at which the offset differs from the one at `before`. */
function changeInstant(offsetAt: OffsetAt, before: number, after: number): number {
  const initial = offsetAt(before);
  let low = before;
  let high = after;
  while (high - low > 60_000) {
    const mid = low + Math.floor((high - low) / 120_000) * 60_000;
    if (offsetAt(mid) === initial) low = mid;
    else high = mid;
  }
  return high;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of an IANA zone from UTC at an instant, in ms, from the runtime's zone data. */
export function zoneOffsetMs(iana: string, utcMs: number): number {
  if (iana === 'UTC') return 0;
  let format = formatters.get(iana);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: iana,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(iana, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(utcMs))) parts[part.type] = part.value;
  const year = Number(parts['year']) * (parts['era'] === 'BC' || parts['era'] === 'B' ? -1 : 1);
  const wall = Date.UTC(
    year,
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
    Number(parts['second']),
  );
  const date = new Date(wall);
  if (year >= 0 && year < 100) date.setUTCFullYear(year);
  return date.getTime() - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant of a wall-clock time (its fields read as UTC ms) in `offsetAt`'s zone. A time that
 * falls in a spring-forward gap is moved forward by the gap, as Exchange and ical.js do.
 */
export function wallToUtcMs(wallMs: number, offsetAt: OffsetAt): number {
  const first = wallMs - offsetAt(wallMs);
  const second = wallMs - offsetAt(first);
  if (second + offsetAt(second) === wallMs) return second;
  return first + offsetAt(first) === wallMs ? first : Math.max(first, second);
}

interface ZoneChange {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly utcOffset: number;
  readonly prevUtcOffset: number;
}

/**
 * A copy of a VTIMEZONE with one RDATE line per onset: ical.js reads only the first value of each
 * RDATE line, and skips the DTSTART of an observance listed by RDATE — its first onset (RFC 5545
 * §3.6.5). Undefined when it lists too many onsets.
 */
function withEveryOnset(vtimezone: ICAL.Component): ICAL.Component | undefined {
  const copy = new ICAL.Component(ICAL.parse(vtimezone.toString()) as unknown[]);
  for (const observance of copy.getAllSubcomponents()) {
    const lines = observance.getAllProperties('rdate');
    if (lines.length === 0) continue;
    const onsets = lines
      .flatMap((line) => line.getValues() as unknown[])
      .filter((value): value is ICAL.Time => value instanceof ICAL.Time);
    const start: unknown = observance.getFirstPropertyValue('dtstart');
    if (!observance.hasProperty('rrule') && start instanceof ICAL.Time) onsets.push(start);
    if (onsets.length > 400) return undefined;
    for (const line of lines) observance.removeProperty(line);
    for (const onset of new Map(onsets.map((t) => [t.toString(), t])).values()) {
      observance.addPropertyWithValue('rdate', onset);
    }
  }
  return copy;
}

/** The offsets of a VTIMEZONE definition, or undefined when it is unusable or oversized. */
export function vtimezoneOffsets(definition: ICAL.Component): OffsetAt | undefined {
  const observances = definition.getAllSubcomponents();
  if (observances.length === 0 || observances.length > 400) return undefined;
  for (const observance of observances) {
    if (observance.getAllProperties('rdate').length > 400) return undefined;
    for (const rule of observance.getAllProperties('rrule')) {
      const value: unknown = rule.getFirstValue();
      // Time zones change at most a few times a year; anything finer would expand without end.
      if (!(value instanceof ICAL.Recur) || value.freq !== 'YEARLY') return undefined;
    }
  }
  const tzid = String(definition.getFirstPropertyValue('tzid') ?? '');
  try {
    const vtimezone = withEveryOnset(definition);
    if (vtimezone === undefined) return undefined;
    const zone = new ICAL.Timezone({ component: vtimezone, tzid });
    // ical.js's own conversion reads a UTC time as local near transitions; its list of changes
    // (instants in UTC, each with the offset from then on) is exact.
    const changes = (year: number): readonly ZoneChange[] => {
      zone._ensureCoverage(year);
      return zone.changes as ZoneChange[];
    };
    const offsetAt: OffsetAt = (utcMs) => {
      const list = changes(new Date(utcMs).getUTCFullYear() + 1);
      let low = 0;
      let high = list.length - 1;
      let found: ZoneChange | undefined;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const change = list[mid] as ZoneChange;
        const at = Date.UTC(
          change.year,
          change.month - 1,
          change.day,
          change.hour,
          change.minute,
          change.second,
        );
        if (at <= utcMs) {
          found = change;
          low = mid + 1;
        } else high = mid - 1;
      }
      const first = list[0];
      const seconds = found?.utcOffset ?? first?.prevUtcOffset ?? 0;
      return seconds * 1000;
    };
    offsetAt(Date.UTC(2000, 0, 1));
    return offsetAt;
  } catch {
    return undefined;
  }
}
