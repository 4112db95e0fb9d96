/**
 * iCalendar reading and time helpers on top of ical.js. TZIDs resolve against the VTIMEZONEs of
 * their own calendar; TZIDs without a definition fall back to the IANA database through Intl.
 */
import ICAL from 'ical.js';
import { zoneOffsetMs } from '../zone-offset.ts';

export interface CalendarGroup {
  readonly uid: string;
  /** Series (or single) component first, then exceptions ordered by RECURRENCE-ID. */
  readonly components: ICAL.Component[];
  readonly timezones: ICAL.Component[];
}

/** Parses the VEVENTs (or VTODOs) of several .ics files and groups them by UID. */
export function groupCalendarComponents(
  files: readonly { readonly name: string; readonly text: string }[],
  componentName: 'vevent' | 'vtodo',
): CalendarGroup[] {
  const groups = new Map<string, { components: ICAL.Component[]; timezones: Map<string, ICAL.Component> }>();
  for (const file of files) {
    for (const [index, calendar] of parseCalendars(file.text).entries()) {
      const zones = new Map<string, ICAL.Component>();
      for (const vtz of calendar.getAllSubcomponents('vtimezone')) {
        const tzid = String(vtz.getFirstPropertyValue('tzid') ?? '');
        if (!tzid) continue;
        zones.set(tzid, vtz);
      }
      calendar.getAllSubcomponents(componentName).forEach((component, n) => {
        dropBrokenProperties(component);
        const uid =
          String(component.getFirstPropertyValue('uid') ?? '') || `${file.name}-${index}-${n}@ferry`;
        const group = groups.get(uid) ?? {
          components: [] as ICAL.Component[],
          timezones: new Map<string, ICAL.Component>(),
        };
        group.components.push(component);
        for (const tzid of referencedTzids(component)) {
          const zone = zones.get(tzid);
          if (zone) group.timezones.set(tzid, zone);
        }
        groups.set(uid, group);
      });
    }
  }
  return [...groups.entries()].map(([uid, g]) => ({
    uid,
    components: g.components.sort((a, b) => recurrenceOrder(a) - recurrenceOrder(b)),
    timezones: [...g.timezones.values()],
  }));
}

/**
 * zm-mailbox ParsedDateTime.parse(ZProperty, TimeZoneMap) ignores VALUE: a value with a time part is
 * a date-time even under VALUE=DATE (`DTSTART;VALUE=DATE:20240305T093000` is 09:30 in its TZID, else
 * in the account's zone), so the parameter is dropped before ical.js reads it as a date.
 */
function withoutDateOnTimes(text: string): string {
  return text.replace(
    /^(DTSTART|DTEND|DUE|RECURRENCE-ID|EXDATE|RDATE)((?:;[^:\r\n]*)?);VALUE=DATE((?:;[^:\r\n]*)?):(\d{8}T\d{6}Z?(?:,\d{8}T\d{6}Z?)*)(\r?)$/gim,
    '$1$2$3:$4$5',
  );
}

function parseCalendars(text: string): ICAL.Component[] {
  try {
    const parsed: unknown = ICAL.parse(withoutDateOnTimes(text.replace(/^\uFEFF/, '')));
    const list = Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : (parsed as unknown[]);
    return list.map((jcal) => new ICAL.Component(jcal as unknown[])).filter((c) => c.name === 'vcalendar');
  } catch {
    return [];
  }
}

/** Removes properties whose values ical.js cannot decode (as an import would skip them), recursively. */
function dropBrokenProperties(component: ICAL.Component): void {
  for (const prop of component.getAllProperties()) {
    try {
      prop.getValues();
    } catch {
      component.removeProperty(prop);
    }
  }
  for (const sub of component.getAllSubcomponents()) dropBrokenProperties(sub);
}

function referencedTzids(component: ICAL.Component): Set<string> {
  const ids = new Set<string>();
  for (const prop of component.getAllProperties()) {
    const tzid = prop.getParameter('tzid');
    if (typeof tzid === 'string') ids.add(tzid);
  }
  return ids;
}

function recurrenceOrder(component: ICAL.Component): number {
  const rid = timeProp(component, 'recurrence-id');
  return rid ? toUtcMs(rid) : Number.NEGATIVE_INFINITY;
}

export function timeProp(component: ICAL.Component, name: string): ICAL.Time | undefined {
  try {
    const value: unknown = component.getFirstPropertyValue(name);
    return value instanceof ICAL.Time ? value : undefined;
  } catch {
    return undefined;
  }
}

export function textProp(component: ICAL.Component, name: string): string | undefined {
  try {
    const value: unknown = component.getFirstPropertyValue(name);
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'string') return value;
    return typeof value === 'number' ? String(value) : (value as { toString(): string }).toString();
  } catch {
    return undefined;
  }
}

/** The TZID a time was written with (ical.js keeps it even when no VTIMEZONE defined it). */
function writtenTzid(time: ICAL.Time): string | undefined {
  const value = (time as unknown as { timezone?: unknown }).timezone;
  return typeof value === 'string' ? value : undefined;
}

export function tzidOf(time: ICAL.Time): string | undefined {
  if (time.isDate) return undefined;
  if (time.zone === ICAL.Timezone.utcTimezone || writtenTzid(time) === 'Z') return undefined;
  const tzid = writtenTzid(time) ?? time.zone?.tzid;
  return tzid && tzid !== 'floating' && tzid !== 'UTC' ? tzid : undefined;
}

export function isUtc(time: ICAL.Time): boolean {
  return (
    !time.isDate &&
    (time.zone === ICAL.Timezone.utcTimezone || writtenTzid(time) === 'Z' || time.zone?.tzid === 'UTC')
  );
}

/** A copy of `time` carrying the zone of `reference` (recurrence expansion drops undefined TZIDs). */
export function withZoneOf(time: ICAL.Time, reference: ICAL.Time): ICAL.Time {
  const copy = time.clone();
  const tzid = writtenTzid(reference);
  if (tzid !== undefined) (copy as unknown as { timezone?: string }).timezone = tzid;
  copy.zone = reference.zone;
  return copy;
}

/** UTC epoch ms of an iCalendar time: defined VTIMEZONE, else IANA via Intl, else floating as UTC. */
export function toUtcMs(time: ICAL.Time): number {
  const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  if (time.isDate || isUtc(time)) return wall;
  const tzid = tzidOf(time);
  if (!tzid) return wall;
  // ical.js resolves a TZID against the VTIMEZONEs of the item's own calendar; each item keeps
  // its own definitions (a process-wide registry would let one file's zone leak into another's).
  const zone = time.zone;
  if (zone && zone.tzid === tzid && zone !== ICAL.Timezone.localTimezone) {
    try {
      const copy = time.clone();
      copy.zone = withEveryOnset(zone);
      return copy.toUnixTime() * 1000;
    } catch {
      // fall through to Intl
    }
  }
  return wall - ianaOffsetMs(tzid, wall);
}

const completeZones = new WeakMap<ICAL.Timezone, ICAL.Timezone>();

/**
 * `zone` with one RDATE line per onset: ical.js reads only the first value of an RDATE line and
 * skips the DTSTART of an observance listed by RDATE, its first onset (RFC 5545 §3.6.5).
 */
function withEveryOnset(zone: ICAL.Timezone): ICAL.Timezone {
  const known = completeZones.get(zone);
  if (known) return known;
  let complete = zone;
  if (zone.component) {
    const copy = new ICAL.Component(ICAL.parse(zone.component.toString()) as unknown[]);
    for (const observance of copy.getAllSubcomponents()) {
      const lines = observance.getAllProperties('rdate');
      if (lines.length === 0) continue;
      const onsets = lines
        .flatMap((line) => line.getValues() as unknown[])
        .filter((value): value is ICAL.Time => value instanceof ICAL.Time);
      const start: unknown = observance.getFirstPropertyValue('dtstart');
      if (!observance.hasProperty('rrule') && start instanceof ICAL.Time) onsets.push(start);
      for (const line of lines) observance.removeProperty(line);
      for (const onset of new Map(onsets.map((t) => [t.toString(), t])).values()) {
        observance.addPropertyWithValue('rdate', onset);
      }
    }
    complete = new ICAL.Timezone({ component: copy, tzid: zone.tzid });
  }
  completeZones.set(zone, complete);
  return complete;
}

/** Offset from UTC (ms) of `tzid` at the given instant, 0 when the zone is unknown. */
function ianaOffsetMs(tzid: string, utcMs: number): number {
  try {
    return zoneOffsetMs(tzid, utcMs);
  } catch {
    return 0;
  }
}

/** Offset (ms) of a time's zone at that time, as Zimbra's `tzo`. */
export function offsetMs(time: ICAL.Time): number {
  if (time.isDate || isUtc(time)) return 0;
  const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  return wall - toUtcMs(time);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Zimbra DATETIME `d`: YYYYMMDD (all-day), YYYYMMDDThhmmss (zoned/floating) or …Z (UTC). */
export function formatIcalDate(time: ICAL.Time): string {
  const date = `${pad(time.year, 4)}${pad(time.month)}${pad(time.day)}`;
  if (time.isDate) return date;
  return `${date}T${pad(time.hour)}${pad(time.minute)}${pad(time.second)}${isUtc(time) ? 'Z' : ''}`;
}

export function formatUtcStamp(ms: number, dateOnly: boolean): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  return dateOnly
    ? date
    : `${date}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/** Longer DURATIONs are treated as absent (ical.js would normalise them day by day). */
const MAX_DURATION_SECONDS = 100 * 366 * 86_400;

/** End of an event: DTEND, else DTSTART + DURATION, else DTSTART (+1 day for all-day). */
export function endOf(component: ICAL.Component, start: ICAL.Time | undefined): ICAL.Time | undefined {
  const end = timeProp(component, component.name === 'vtodo' ? 'due' : 'dtend');
  if (end) return end;
  if (!start) return undefined;
  const copy = start.clone();
  try {
    const duration: unknown = component.getFirstPropertyValue('duration');
    if (duration instanceof ICAL.Duration && Math.abs(duration.toSeconds()) <= MAX_DURATION_SECONDS) {
      copy.addDuration(duration);
      return copy;
    }
  } catch {
    // invalid DURATION: treat as none
  }
  if (component.name === 'vtodo') return undefined;
  if (start.isDate) copy.adjust(1, 0, 0, 0);
  return copy;
}
