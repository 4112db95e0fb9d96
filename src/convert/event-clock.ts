/**
 * Time arithmetic for one calendar item. Each iCalendar time is read two ways:
 *
 * - its **source instant**, as Zimbra computed it: the item's own VTIMEZONE definition, else the
 *   IANA zone of that name, else (floating or unknown) the item's floating zone;
 * - its **wall-clock time in the Graph zone** the event is written in, and the instant Graph will
 *   compute from that (`graphInstant`), which is what Graph reports as an occurrence's
 *   `originalStart`.
 *
 * Floating times (no TZID) mean "this wall-clock time wherever you are". Graph has no such thing,
 * so they are pinned to the mailbox's zone when the caller knows it, else to the calendar's
 * X-WR-TIMEZONE, else to UTC.
 *
 * Times in a custom zone with no Windows equivalent are converted to UTC.
 */
import ICAL from 'ical.js';
import { textProp } from './ical-reading.ts';
import {
  UTC_ZONE,
  resolveTimeZone,
  vtimezoneOffsets,
  wallToUtcMs,
  zoneOffsetMs,
  type GraphZone,
  type OffsetAt,
  type YearSpan,
} from './time-zones.ts';

/** Wall-clock fields of an ICAL.Time as if they were UTC, in ms. */
export function wallMs(time: ICAL.Time): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
}

/** The TZID a time was written with; undefined for UTC, floating and dates. */
export function tzidOf(time: ICAL.Time): string | undefined {
  if (time.isDate || time.zone === ICAL.Timezone.utcTimezone) return undefined;
  const written = (time as unknown as { timezone?: unknown }).timezone;
  if (typeof written === 'string' && written !== '') return written === 'Z' ? undefined : written;
  const tzid = time.zone?.tzid;
  return tzid === undefined || tzid === 'floating' || tzid === 'UTC' ? undefined : tzid;
}

export function isUtcTime(time: ICAL.Time): boolean {
  return !time.isDate && (time.zone === ICAL.Timezone.utcTimezone || time.zone?.tzid === 'UTC');
}

/** The zone a series or event is written in, and how it was chosen. */
export interface EventZone {
  readonly zone: GraphZone;
  /** Set when the source zone had no Graph equivalent and times were converted to UTC. */
  readonly convertedFrom: string | undefined;
  /** Offsets of the source zone, when they differ in kind from `zone` (converted custom zones). */
  readonly sourceOffsets: OffsetAt | undefined;
}

export class EventClock {
  readonly floatingZone: GraphZone;
  readonly #definitions = new Map<string, OffsetAt | undefined>();
  readonly #resolved = new Map<string, GraphZone | undefined>();
  readonly #calendar: ICAL.Component;
  readonly #years: YearSpan;

  constructor(calendar: ICAL.Component, years: YearSpan, mailboxZone: string | undefined) {
    this.#calendar = calendar;
    this.#years = years;
    const preferred = [mailboxZone, textProp(calendar, 'x-wr-timezone')];
    this.floatingZone =
      preferred
        .filter((name): name is string => name !== undefined && name.trim() !== '')
        .map((name) => resolveTimeZone(name, undefined, years))
        .find((zone) => zone !== undefined) ?? UTC_ZONE;
  }

  #definition(tzid: string): OffsetAt | undefined {
    if (!this.#definitions.has(tzid)) {
      const vtimezone = this.#calendar
        .getAllSubcomponents('vtimezone')
        .find((vtz) => textProp(vtz, 'tzid') === tzid);
      this.#definitions.set(tzid, vtimezone === undefined ? undefined : vtimezoneOffsets(vtimezone));
    }
    return this.#definitions.get(tzid);
  }

  /** The Graph zone of a TZID, or undefined when there is none with the same rules. */
  resolve(tzid: string): GraphZone | undefined {
    if (!this.#resolved.has(tzid)) {
      this.#resolved.set(tzid, resolveTimeZone(tzid, this.#definition(tzid), this.#years));
    }
    return this.#resolved.get(tzid);
  }

  /** The zone an event starting at `start` is written in. */
  zoneOf(start: ICAL.Time): EventZone {
    if (start.isDate) return { zone: this.floatingZone, convertedFrom: undefined, sourceOffsets: undefined };
    if (isUtcTime(start)) return { zone: UTC_ZONE, convertedFrom: undefined, sourceOffsets: undefined };
    const tzid = tzidOf(start);
    if (tzid === undefined)
      return { zone: this.floatingZone, convertedFrom: undefined, sourceOffsets: undefined };
    const zone = this.resolve(tzid);
    if (zone !== undefined) return { zone, convertedFrom: undefined, sourceOffsets: undefined };
    const definition = this.#definition(tzid);
    if (definition === undefined) {
      // A TZID nobody defines: Zimbra itself treated the time as floating.
      return { zone: this.floatingZone, convertedFrom: undefined, sourceOffsets: undefined };
    }
    return { zone: UTC_ZONE, convertedFrom: tzid, sourceOffsets: definition };
  }

  /** Offsets Zimbra used for a time: its VTIMEZONE, its IANA name, else the floating zone. */
  sourceOffsets(time: ICAL.Time): OffsetAt {
    if (isUtcTime(time)) return () => 0;
    const tzid = tzidOf(time);
    const definition = tzid === undefined ? undefined : this.#definition(tzid);
    if (definition !== undefined) return definition;
    const zone = tzid === undefined ? this.floatingZone : (this.resolve(tzid) ?? this.floatingZone);
    return (ms) => zoneOffsetMs(zone.iana, ms);
  }

  /** The instant Zimbra meant; dates are midnight in the floating zone. */
  sourceInstant(time: ICAL.Time): number {
    return wallToUtcMs(wallMs(time), this.sourceOffsets(time));
  }

  /** Wall-clock ms of `time` in `zone`: the written fields when it is already in that zone. */
  wallIn(eventZone: EventZone, time: ICAL.Time): number {
    return time.isDate ? wallMs(time) : this.convertWall(eventZone, wallMs(time), time);
  }

  /** Moves a wall-clock time written like `reference` (same TZID) into `eventZone`. */
  convertWall(eventZone: EventZone, wall: number, reference: ICAL.Time): number {
    if (reference.isDate) return wall;
    const tzid = tzidOf(reference);
    const sameZone =
      (isUtcTime(reference) && eventZone.zone === UTC_ZONE && eventZone.convertedFrom === undefined) ||
      (tzid === undefined && !isUtcTime(reference) && eventZone.zone === this.floatingZone) ||
      (tzid !== undefined &&
        eventZone.convertedFrom === undefined &&
        this.resolve(tzid)?.name === eventZone.zone.name);
    if (sameZone) return wall;
    const instant = wallToUtcMs(wall, this.sourceOffsets(reference));
    return instant + zoneOffsetMs(eventZone.zone.iana, instant);
  }

  /** The instant Graph computes for a wall-clock time in `zone`. */
  graphInstant(eventZone: EventZone, wall: number): number {
    return wallToUtcMs(wall, (ms) => zoneOffsetMs(eventZone.zone.iana, ms));
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Graph's `dateTime` text for wall-clock ms: "2024-02-07T09:00:00". */
export function graphDateTime(wall: number): string {
  const d = new Date(wall);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** An instant as Graph writes `originalStart`: "2024-02-07T08:00:00Z". */
export function isoUtc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Zimbra's `ridZ`: "20240207T080000Z", or "20240207" for all-day occurrences. */
export function ridZ(ms: number, allDay: boolean): string {
  const text = isoUtc(ms).replace(/[-:]/g, '');
  return allDay ? text.slice(0, 8) : text;
}
