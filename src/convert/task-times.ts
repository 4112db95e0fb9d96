/**
 * iCalendar times of a VTODO → Graph `dateTimeTimeZone` values and instants.
 *
 * - A UTC time (`…Z`) stays UTC.
 * - A time with a TZID Graph knows (a Windows zone name, or an IANA name with a Windows equivalent)
 *   keeps its wall clock and is labelled with the Windows name, which Graph always accepts.
 * - Any other TZID (Zimbra's "(GMT+01.00) Amsterdam / Berlin …" names, custom zones) is resolved
 *   through the calendar's own VTIMEZONE, else the runtime's IANA data, and shown in the mailbox's
 *   zone when one was given (else UTC).
 * - A floating time or a date without a time is read in the mailbox's zone (else UTC): a due date
 *   of 10 February stays 10 February for the user.
 */
import ICAL from 'ical.js';
import { WINDOWS_TO_IANA_MAP, findIana, findWindows } from 'windows-iana';

export interface GraphDateTime {
  readonly dateTime: string;
  readonly timeZone: string;
}

/** A time as written in the VTODO, with the TZID parameter of its property. */
export interface TaskTime {
  readonly time: ICAL.Time;
  readonly tzid: string | undefined;
}

const WINDOWS_NAMES = new Map(
  WINDOWS_TO_IANA_MAP.map((entry) => [entry.windowsName.toLowerCase(), entry.windowsName]),
);
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function wallClock(time: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}): string {
  return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}T${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`;
}

function isUtc(value: TaskTime): boolean {
  return (
    !value.time.isDate &&
    (value.time.zone === ICAL.Timezone.utcTimezone || value.tzid?.toUpperCase() === 'UTC')
  );
}

/** The Windows zone name Graph accepts for a TZID, when there is one. */
export function windowsZone(tzid: string): string | undefined {
  const key = tzid.trim().replace(/^\//, '');
  return WINDOWS_NAMES.get(key.toLowerCase()) ?? findWindows(key)[0];
}

/** The IANA zone for a Windows or IANA name, for the runtime's clock arithmetic. */
function ianaZone(name: string): string {
  const windows = WINDOWS_NAMES.get(name.toLowerCase());
  return windows === undefined ? name : (findIana(windows)[0] ?? 'UTC');
}

/** Offset of an IANA zone from UTC at the instant, ms; undefined for a zone the runtime does not know. */
function zoneOffsetMs(zone: string, epochMs: number): number | undefined {
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const parts = Object.fromEntries(
      format.formatToParts(new Date(epochMs)).map((p) => [p.type, Number(p.value)]),
    );
    const asUtc = Date.UTC(
      parts.year ?? 0,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    );
    return asUtc - Math.floor(epochMs / 1000) * 1000;
  } catch {
    return undefined;
  }
}

/** Epoch ms of a wall clock (given as if it were UTC) in an IANA zone; two passes settle DST edges. */
function wallToInstant(wallMs: number, zone: string): number | undefined {
  const first = zoneOffsetMs(zone, wallMs);
  if (first === undefined) return undefined;
  const second = zoneOffsetMs(zone, wallMs - first) ?? first;
  return wallMs - second;
}

export class TaskClock {
  readonly #zones = new Map<string, ICAL.Timezone>();
  readonly #fallback: string | undefined;

  /** `calendar`'s VTIMEZONEs resolve TZIDs; `fallbackZone` is the mailbox's zone (Windows or IANA). */
  constructor(calendar: ICAL.Component, fallbackZone: string | undefined) {
    this.#fallback = fallbackZone;
    for (const vtz of calendar.getAllSubcomponents('vtimezone')) {
      try {
        const zone = new ICAL.Timezone(vtz);
        if (zone.tzid) this.#zones.set(zone.tzid, zone);
      } catch {
        // an unusable VTIMEZONE leaves its TZID to the IANA fallback
      }
    }
  }

  /** The Graph value for a time as the module comment describes. */
  graph(value: TaskTime): GraphDateTime {
    const { time, tzid } = value;
    if (time.isDate) {
      const midnight = { year: time.year, month: time.month, day: time.day, hour: 0, minute: 0, second: 0 };
      return { dateTime: wallClock(midnight), timeZone: this.#fallback ?? 'UTC' };
    }
    if (isUtc(value)) return { dateTime: wallClock(time), timeZone: 'UTC' };
    const windows = tzid === undefined ? undefined : windowsZone(tzid);
    if (windows !== undefined) return { dateTime: wallClock(time), timeZone: windows };
    if (tzid === undefined) return { dateTime: wallClock(time), timeZone: this.#fallback ?? 'UTC' };
    return this.#display(this.instant(value));
  }

  /** Epoch ms of a time; dates are midnight and floating times are wall clocks in the mailbox's zone. */
  instant(value: TaskTime): number {
    const { time, tzid } = value;
    const wall = Date.UTC(
      time.year,
      time.month - 1,
      time.day,
      time.isDate ? 0 : time.hour,
      time.isDate ? 0 : time.minute,
      time.isDate ? 0 : time.second,
    );
    if (isUtc(value)) return wall;
    const defined = tzid === undefined || time.isDate ? undefined : this.#zones.get(tzid);
    if (defined !== undefined) {
      try {
        const copy = time.clone();
        copy.zone = defined;
        const ms = copy.toUnixTime() * 1000;
        if (Number.isFinite(ms)) return ms;
      } catch {
        // a VTIMEZONE ical.js cannot apply: fall back to the TZID's name
      }
    }
    const zone =
      tzid !== undefined && !time.isDate
        ? ianaZone(windowsZone(tzid) ?? tzid)
        : this.#fallback === undefined
          ? undefined
          : ianaZone(this.#fallback);
    return (zone === undefined ? undefined : wallToInstant(wall, zone)) ?? wall;
  }

  /** An instant as a Graph value: in the mailbox's zone when known, else UTC. */
  #display(ms: number): GraphDateTime {
    const offset = this.#fallback === undefined ? undefined : zoneOffsetMs(ianaZone(this.#fallback), ms);
    if (this.#fallback === undefined || offset === undefined) return utcDateTime(ms);
    return { dateTime: utcDateTime(ms + offset).dateTime, timeZone: this.#fallback };
  }
}

export function utcDateTime(ms: number): GraphDateTime {
  return { dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: 'UTC' };
}
