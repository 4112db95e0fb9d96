/**
 * VTIMEZONEs as Zimbra writes them (zm-mailbox ICalTimeZone.newToVTimeZone): one STANDARD and at
 * most one DAYLIGHT, each with DTSTART, TZOFFSETTO, TZOFFSETFROM, RRULE, TZNAME in that order.
 *
 * - A TZID Zimbra knows (TimeZoneMap.add → WellKnownTimeZones, loaded from /opt/zimbra/conf/
 *   timezones.ics of zm-timezones) is written from that definition, whatever the item's own
 *   VTIMEZONE said: onsets "16010101T020000" with `FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=…;BYDAY=…`
 *   rules. Here the well-known zones are the IANA names the runtime knows, their rules and English
 *   abbreviations (TZNAME) derived from its time-zone data for the current year.
 * - Any other TZID keeps its own definition, reduced to its most recent STANDARD and DAYLIGHT
 *   (ICalTimeZone.fromVTimeZone: Zimbra's zones are SimpleTimeZones without history).
 * - Offsets: ICalTimeZone.timeToTzOffsetString writes a zero offset as "-0000" (`time > 0 ? "+" : "-"`).
 */
import ICAL from 'ical.js';

import { zoneOffsetMs } from '../zone-offset.ts';
import { prop, type ZComponent, type ZProperty } from './zcalendar-lines.ts';

const DAY_MS = 86_400_000;
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** ICalTimeZone.timeToTzOffsetString. */
export function tzOffsetString(offsetMs: number): string {
  const sign = offsetMs > 0 ? '+' : '-';
  let secs = Math.abs(Math.trunc(offsetMs / 1000));
  const s = secs % 60;
  secs = Math.trunc(secs / 60);
  const text = `${pad(Math.trunc(secs / 60))}${pad(secs % 60)}`;
  return s > 0 ? `${sign}${text}${pad(s)}` : `${sign}${text}`;
}

export function isKnownZone(tzid: string): boolean {
  if (tzid === '' || tzid.includes(' ')) return false;
  try {
    zoneOffsetMs(tzid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Onset {
  readonly to: number;
  readonly from: number;
  readonly rule: string;
  /** Wall-clock time of the change, in the offset before it: "020000". */
  readonly time: string;
  readonly at: number;
}

/** The year's change of offset between two instants, found by bisection. */
function changeAt(zone: string, lo: number, hi: number): number {
  const before = zoneOffsetMs(zone, lo);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (zoneOffsetMs(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

function onsetOf(zone: string, instant: number): Onset {
  const from = zoneOffsetMs(zone, instant - 1000);
  const to = zoneOffsetMs(zone, instant);
  const wall = new Date(instant + from);
  const day = wall.getUTCDate();
  const lastWeek =
    day + 7 > new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + 1, 0)).getUTCDate();
  const nth = lastWeek && day > 21 ? -1 : Math.ceil(day / 7);
  return {
    to,
    from,
    rule: `FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=${wall.getUTCMonth() + 1};BYDAY=${nth}${DAYS[wall.getUTCDay()]}`,
    time: `${pad(wall.getUTCHours())}${pad(wall.getUTCMinutes())}${pad(wall.getUTCSeconds())}`,
    at: instant,
  };
}

/** The zone's offset changes in `year`, scanning day by day. */
function onsets(zone: string, year: number): Onset[] {
  const found: Onset[] = [];
  let previous = zoneOffsetMs(zone, Date.UTC(year, 0, 1));
  for (let t = Date.UTC(year, 0, 1) + DAY_MS; t <= Date.UTC(year + 1, 0, 1); t += DAY_MS) {
    const offset = zoneOffsetMs(zone, t);
    if (offset !== previous) found.push(onsetOf(zone, changeAt(zone, t - DAY_MS, t)));
    previous = offset;
  }
  return found;
}

function observance(name: string, start: string, to: number, from: number, rule?: string): ZComponent {
  const props: ZProperty[] = [
    prop('DTSTART', start),
    prop('TZOFFSETTO', tzOffsetString(to)),
    prop('TZOFFSETFROM', tzOffsetString(from)),
  ];
  if (rule !== undefined) props.push(prop('RRULE', rule));
  return { name, props, comps: [] };
}

/**
 * The zone's abbreviation at an instant (timezones.ics: "EST", "CET", "GMT"…), when the runtime has
 * a letter one in English; numeric ones ("+0530" in timezones.ics) are left out.
 */
function tzname(tzid: string, instant: number): string | undefined {
  for (const locale of ['en-US', 'en-GB']) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: tzid, timeZoneName: 'short' })
      .formatToParts(new Date(instant))
      .find((part) => part.type === 'timeZoneName')?.value;
    if (name !== undefined && /^[A-Z]{2,5}$/.test(name)) return name;
  }
  return undefined;
}

function named(o: ZComponent, name: string | undefined): ZComponent {
  if (name !== undefined) o.props.push(prop('TZNAME', name));
  return o;
}

/** A well-known zone as timezones.ics defines it, from the runtime's rules for `year`. */
export function wellKnownVTimezone(tzid: string, year: number): ZComponent {
  const changes = onsets(tzid, year);
  const comps: ZComponent[] = [];
  const standard = changes.find((c) => c.to < c.from);
  const daylight = changes.find((c) => c.to > c.from);
  if (changes.length === 2 && standard && daylight) {
    for (const [name, c] of [
      ['STANDARD', standard],
      ['DAYLIGHT', daylight],
    ] as const) {
      comps.push(named(observance(name, `16010101T${c.time}`, c.to, c.from, c.rule), tzname(tzid, c.at)));
    }
  } else {
    const midYear = Date.UTC(year, 6, 1);
    const offset = zoneOffsetMs(tzid, midYear);
    comps.push(named(observance('STANDARD', '16010101T000000', offset, offset), tzname(tzid, midYear)));
  }
  return { name: 'VTIMEZONE', props: [prop('TZID', tzid)], comps };
}

function rawValue(component: ICAL.Component, name: string): string | undefined {
  const property = component.getFirstProperty(name);
  if (!property) return undefined;
  const text = property.toICALString();
  return text.slice(text.indexOf(':') + 1);
}

function offsetMs(text: string | undefined): number {
  const m = /^([+-])(\d{2})(\d{2})(\d{2})?$/.exec(text ?? '');
  if (!m) return 0;
  const ms = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * 1000;
  return m[1] === '-' ? -ms : ms;
}

/** The latest of the observances named `name` (ICalTimeZone.moreRecentTzComp: later DTSTART wins). */
function latest(vtimezone: ICAL.Component, name: string): ICAL.Component | undefined {
  let best: ICAL.Component | undefined;
  for (const c of vtimezone.getAllSubcomponents(name)) {
    if (!best || (rawValue(c, 'dtstart') ?? '') >= (rawValue(best, 'dtstart') ?? '')) best = c;
  }
  return best;
}

/** An item's own VTIMEZONE reduced as ICalTimeZone.fromVTimeZone + newToVTimeZone do. */
export function customVTimezone(tzid: string, vtimezone: ICAL.Component): ZComponent {
  const comps: ZComponent[] = [];
  const standard = latest(vtimezone, 'standard');
  const daylight = latest(vtimezone, 'daylight');
  const write = (name: string, c: ICAL.Component): ZComponent => {
    const o = observance(
      name,
      rawValue(c, 'dtstart') ?? '16010101T000000',
      offsetMs(rawValue(c, 'tzoffsetto')),
      offsetMs(rawValue(c, 'tzoffsetfrom')),
      rawValue(c, 'rrule'),
    );
    const tzname = rawValue(c, 'tzname');
    if (tzname !== undefined) o.props.push(prop('TZNAME', tzname));
    return o;
  };
  if (standard) comps.push(write('STANDARD', standard));
  const sameOffsets =
    standard && daylight && rawValue(standard, 'tzoffsetto') === rawValue(daylight, 'tzoffsetto');
  if (daylight && (!standard || !sameOffsets)) comps.push(write('DAYLIGHT', daylight));
  return { name: 'VTIMEZONE', props: [prop('TZID', tzid)], comps };
}
