/**
 * A Zimbra calendar item (its iCalendar export) → Graph event create bodies (microsoft-graph.md §8).
 * Pure: no I/O; the clock only through `options.now`.
 *
 * - A single appointment becomes one event.
 * - A series Graph can express becomes a master with `recurrence`, patches for its changed
 *   occurrences (keyed by the occurrence's original start in UTC, containing only what differs)
 *   and the original starts of its cancelled occurrences (EXDATEs and cancelled exceptions).
 * - A series Graph cannot express (recurrence-pattern.ts says why) becomes single events, one per
 *   occurrence in a bounded window, exceptions applied and cancellations left out.
 *
 * An exception Graph could not apply — its occurrence is not one of the rule's, or it was moved
 * past a neighbouring occurrence (Exchange refuses that) — becomes a cancellation plus a single
 * event. Every event carries the stamp (FerrySourceId): the item's stamp on the master or single
 * appointment, `${stamp}#${ridZ}` on singles cut from a series. Attendees: event-attendees.ts.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { FerryError } from '../domain/errors.ts';
import type { GraphExtendedProperty } from '../domain/mail.ts';
import type {
  ConvertedCalendarItem,
  GraphEventDraft,
  GraphPayload,
  SourceCalendarItem,
} from '../domain/pim.ts';
import { EventClock, graphDateTime, isoUtc, ridZ, wallMs, type EventZone } from './event-clock.ts';
import type { AttendeeMode } from './event-attendees.ts';
import { eventBody, shiftTiming, timingOf, type DraftContext, type Timing } from './event-draft.ts';
import { isCancelled } from './event-fields.ts';
import { ferryNamedPropertyId } from './extended-properties.ts';
import { extractIcsAttachments } from './ics-attachments.ts';
import { readCalendar, textProp, timeProp, unreadable } from './ical-reading.ts';
import { toPatternedRecurrence, type LocalDate, type RecurrenceMapping } from './recurrence-pattern.ts';
import { ExpansionRefused, expandSeries, seriesWall, type Occurrence } from './series-expansion.ts';
import type { YearSpan } from './time-zones.ts';

export const SOURCE_ID_PROPERTY_ID = ferryNamedPropertyId('FerrySourceId');

export interface CalendarConversionOptions {
  /** The idempotency stamp of the item (FerrySourceId). */
  readonly stamp: string;
  /** 'describe' (default) never lets Graph send invitations; 'invite' sends real attendees. */
  readonly attendees?: AttendeeMode;
  /** Epoch ms the expansion window is centred on; defaults to the current time. */
  readonly now?: number;
  /**
   * The mailbox owner's time zone (Zimbra's zimbraPrefTimeZoneId, any TZID form): all-day and
   * floating events are pinned to it. Without it, the calendar's X-WR-TIMEZONE, else UTC.
   */
  readonly timeZone?: string;
}

const YEAR_MS = 365.25 * 86_400_000;
const DAY_MS = 86_400_000;
/** Singles cut from an inexpressible series reach this far back and ahead of `now`. */
export const EXPANSION_YEARS = 5;
export const MAX_SINGLES = 1000;
/** Most occurrences walked to check what exceptions and EXDATEs refer to. */
const MAX_CHECKED_OCCURRENCES = 100_000;

/** Fields an occurrence patch may change. */
const PATCHABLE = [
  'subject',
  'body',
  'location',
  'start',
  'end',
  'isAllDay',
  'showAs',
  'sensitivity',
  'importance',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'categories',
  'attendees',
] as const;

interface Conversion {
  readonly item: SourceCalendarItem;
  readonly options: CalendarConversionOptions;
  readonly ctx: DraftContext;
  readonly notes: string[];
  readonly label: string;
}

function stampProperty(value: string): GraphExtendedProperty {
  return { id: SOURCE_ID_PROPERTY_ID, value };
}

function draft(
  stamp: string,
  fields: Record<string, unknown>,
  properties: readonly GraphExtendedProperty[],
): GraphEventDraft {
  return {
    stamp,
    event: { ...fields, singleValueExtendedProperties: [stampProperty(stamp), ...properties] },
  };
}

/** A VEVENT at `timing` as a complete event. */
function eventDraft(
  c: Conversion,
  component: ICAL.Component,
  timing: Timing,
  stamp: string,
): GraphEventDraft {
  const body = eventBody(component, timing, c.ctx);
  return draft(stamp, body.fields, body.properties);
}

function localDate(wall: number): LocalDate {
  const d = new Date(wall);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function dayOf(wall: number): number {
  return Math.floor(wall / DAY_MS);
}

function yearSpan(master: ICAL.Component, now: number): YearSpan {
  const start = timeProp(master, 'dtstart');
  const from = start?.year ?? new Date(now).getUTCFullYear();
  const rule: unknown = master.getFirstPropertyValue('rrule');
  if (!(rule instanceof ICAL.Recur)) return { from, to: from + 1 };
  const end = rule.until?.year ?? new Date(now).getUTCFullYear() + 1;
  return { from, to: Math.max(from, end) };
}

/** The key Graph matches occurrences on: the original start it computes, in UTC. */
function graphKey(c: Conversion, zone: EventZone, dtstart: ICAL.Time, occurrence: Occurrence): string {
  const wall = c.ctx.clock.convertWall(zone, occurrence.wall, dtstart);
  return isoUtc(c.ctx.clock.graphInstant(zone, wall));
}

function occurrenceStamp(c: Conversion, dtstart: ICAL.Time, occurrence: Occurrence): string {
  return `${c.options.stamp}#${dtstart.isDate ? ridZ(occurrence.wall, true) : ridZ(occurrence.instant, false)}`;
}

/** The time the series' occurrence `occurrence` has before any exception. */
function originalTiming(c: Conversion, master: Timing, dtstart: ICAL.Time, occurrence: Occurrence): Timing {
  return shiftTiming(master, c.ctx.clock.convertWall(master.zone, occurrence.wall, dtstart));
}

/** Why a series cannot be a Graph series, or its mapping. */
function mapRecurrence(c: Conversion, master: ICAL.Component, timing: Timing): RecurrenceMapping {
  const rules = master.getAllProperties('rrule').map((p): unknown => p.getFirstValue());
  if (master.hasProperty('rdate')) return { expressible: false, reason: 'it has extra dates (RDATE)' };
  if (rules.length !== 1 || !(rules[0] instanceof ICAL.Recur)) {
    return { expressible: false, reason: 'it combines several repeat rules' };
  }
  if (master.hasProperty('exrule'))
    return { expressible: false, reason: 'it excludes dates by a rule (EXRULE)' };
  const dtstart = timeProp(master, 'dtstart') as ICAL.Time;
  const zone = timing.zone;
  if (zone.convertedFrom !== undefined && zone.sourceOffsets !== undefined) {
    const offsets = zone.sourceOffsets;
    const start = c.ctx.clock.sourceInstant(dtstart);
    const samples = Array.from({ length: 24 }, (_, i) => offsets(start + i * (YEAR_MS / 4)));
    if (samples.some((o) => o !== samples[0]) || dayOf(timing.startWall) !== dayOf(wallMs(dtstart))) {
      return {
        expressible: false,
        reason: `its time zone "${zone.convertedFrom}" matches no Windows time zone and its times could not be kept in UTC`,
      };
    }
  }
  const rule = rules[0];
  let untilDate: LocalDate | undefined;
  if (rule.until) {
    if (timing.allDay) untilDate = localDate(wallMs(rule.until));
    else {
      const untilWall = rule.until.isDate
        ? wallMs(rule.until) + DAY_MS - 1000
        : c.ctx.clock.convertWall(zone, wallMs(rule.until), rule.until);
      const timeOfDay = timing.startWall - dayOf(timing.startWall) * DAY_MS;
      untilDate = localDate(untilWall - timeOfDay);
    }
  }
  const d = new Date(timing.startWall);
  return toPatternedRecurrence(rule, {
    date: localDate(timing.startWall),
    time: timing.allDay
      ? undefined
      : { hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() },
    timeZone: zone.zone.name,
    untilDate,
  });
}

function differs(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

function patchOf(
  c: Conversion,
  exception: ICAL.Component,
  timing: Timing,
  original: GraphPayload,
  originalProperties: readonly GraphExtendedProperty[],
): GraphPayload {
  const body = eventBody(exception, timing, c.ctx);
  const patch: Record<string, unknown> = {};
  for (const field of PATCHABLE) {
    if (differs(body.fields[field], original[field])) {
      // A reminder switched off is written as isReminderOn alone.
      if (body.fields[field] === undefined && field !== 'attendees') continue;
      patch[field] = body.fields[field] ?? [];
    }
  }
  if (differs(body.properties, originalProperties)) patch['singleValueExtendedProperties'] = body.properties;
  return patch;
}

interface ExceptionRef {
  readonly component: ICAL.Component;
  readonly wall: number;
}

function exceptionRefs(
  exceptions: readonly ICAL.Component[],
  clock: EventClock,
  dtstart: ICAL.Time,
): ExceptionRef[] {
  return exceptions.flatMap((component) => {
    const rid = timeProp(component, 'recurrence-id');
    return rid === undefined || timeProp(component, 'dtstart') === undefined
      ? []
      : [{ component, wall: seriesWall(clock, dtstart, rid) }];
  });
}

function singleFromException(
  c: Conversion,
  dtstart: ICAL.Time,
  ref: ExceptionRef,
  zone: EventZone,
): GraphEventDraft {
  const timing = timingOf(ref.component, c.ctx, zone);
  const occurrence = {
    wall: ref.wall,
    instant: c.ctx.clock.sourceInstant(timeProp(ref.component, 'recurrence-id') as ICAL.Time),
    excluded: false,
  };
  return eventDraft(c, ref.component, timing, occurrenceStamp(c, dtstart, occurrence));
}

function convertSeries(
  c: Conversion,
  master: ICAL.Component,
  exceptions: readonly ICAL.Component[],
  timing: Timing,
  recurrence: GraphPayload,
): ConvertedCalendarItem {
  const clock = c.ctx.clock;
  const dtstart = timeProp(master, 'dtstart') as ICAL.Time;
  const masterBody = eventBody(master, timing, c.ctx);
  const refs = exceptionRefs(exceptions, clock, dtstart);
  const exdates = master.getAllProperties('exdate').length;
  const singles: GraphEventDraft[] = [];
  const patches: { originalStartUtc: string; patch: GraphPayload }[] = [];
  const cancelled = new Set<string>();
  if (refs.length > 0 || exdates > 0) {
    const lastWall = Math.max(
      ...refs.map((r) => r.wall),
      ...master
        .getAllProperties('exdate')
        .flatMap((p) =>
          (p.getValues() as unknown[])
            .filter((v): v is ICAL.Time => v instanceof ICAL.Time)
            .map((v) => seriesWall(clock, dtstart, v)),
        ),
    );
    const expansion = expandSeries({
      master,
      clock,
      fromMs: clock.sourceInstant(dtstart) - DAY_MS,
      toMs: lastWall + 2 * DAY_MS,
      maxOccurrences: MAX_CHECKED_OCCURRENCES,
      keepExcluded: true,
    });
    const byWall = new Map(expansion.occurrences.map((o, i) => [o.wall, i]));
    for (const occurrence of expansion.occurrences) {
      if (occurrence.excluded) cancelled.add(graphKey(c, timing.zone, dtstart, occurrence));
    }
    let orphans = 0;
    for (const ref of refs) {
      const index = byWall.get(ref.wall) ?? -1;
      const occurrence = expansion.occurrences[index];
      if (occurrence === undefined || occurrence.excluded) {
        if (!isCancelled(ref.component)) {
          singles.push(singleFromException(c, dtstart, ref, timing.zone));
          orphans += 1;
        }
        continue;
      }
      const key = graphKey(c, timing.zone, dtstart, occurrence);
      if (isCancelled(ref.component)) {
        cancelled.add(key);
        continue;
      }
      const exceptionTiming = timingOf(ref.component, c.ctx, timing.zone);
      // Deleted occurrences count as neighbours too: whether Exchange ignores them is not documented.
      const previous = expansion.occurrences[index - 1];
      const next = expansion.occurrences[index + 1];
      const day = dayOf(exceptionTiming.startWall);
      const crosses =
        (previous !== undefined && day <= dayOf(clock.convertWall(timing.zone, previous.wall, dtstart))) ||
        (next !== undefined && day >= dayOf(clock.convertWall(timing.zone, next.wall, dtstart)));
      if (crosses) {
        cancelled.add(key);
        singles.push(singleFromException(c, dtstart, ref, timing.zone));
        c.notes.push(
          `The occurrence of ${graphDateTime(occurrence.wall).slice(0, 10)} was moved past a neighbouring occurrence, which Outlook does not allow in a series; it was copied as a separate event.`,
        );
        continue;
      }
      const original = eventBody(master, originalTiming(c, timing, dtstart, occurrence), c.ctx);
      const patch = patchOf(c, ref.component, exceptionTiming, original.fields, original.properties);
      if (Object.keys(patch).length > 0) patches.push({ originalStartUtc: key, patch });
    }
    if (orphans > 0) {
      c.notes.push(
        `${orphans} changed occurrences do not fall on the series' dates; they were copied as separate events.`,
      );
    }
    if (expansion.truncated) {
      c.notes.push(
        'The series is too long to check every changed or deleted occurrence; later ones were not copied.',
      );
    }
  }
  const masterDraft = draft(c.options.stamp, { ...masterBody.fields, recurrence }, masterBody.properties);
  return {
    series: {
      master: masterDraft,
      exceptions: patches.sort((a, b) => a.originalStartUtc.localeCompare(b.originalStartUtc)),
      cancelledOriginalStartsUtc: [...cancelled].sort(),
    },
    singles,
    notes: c.notes,
    contentHash: '',
  };
}

/** Occurrences of an inexpressible series as single events. */
function convertAsSingles(
  c: Conversion,
  master: ICAL.Component,
  exceptions: readonly ICAL.Component[],
  timing: Timing,
  reason: string,
): ConvertedCalendarItem {
  const clock = c.ctx.clock;
  const dtstart = timeProp(master, 'dtstart') as ICAL.Time;
  const now = c.options.now ?? Date.now();
  const rule: unknown = master.getFirstPropertyValue('rrule');
  const finite =
    master.getAllProperties('rrule').length <= 1 &&
    rule instanceof ICAL.Recur &&
    ((rule.count ?? 0) > 0 || (rule.until !== null && rule.until !== undefined));
  const startMs = clock.sourceInstant(dtstart);
  const fromMs =
    finite || !master.hasProperty('rrule') ? startMs : Math.max(startMs, now - EXPANSION_YEARS * YEAR_MS);
  const toMs = now + EXPANSION_YEARS * YEAR_MS;
  let expansion;
  try {
    expansion = expandSeries({ master, clock, fromMs, toMs, maxOccurrences: MAX_SINGLES });
  } catch (error) {
    if (error instanceof ExpansionRefused)
      throw unreadable(c.item.ref, `it repeats in a way Ferry cannot expand: ${error.message}`, error);
    throw error;
  }
  const refs = exceptionRefs(exceptions, clock, dtstart);
  const byWall = new Map(refs.map((r) => [r.wall, r]));
  const singles: GraphEventDraft[] = [];
  const matched = new Set<ExceptionRef>();
  for (const occurrence of expansion.occurrences) {
    const ref = byWall.get(occurrence.wall);
    if (ref !== undefined) matched.add(ref);
    if (ref !== undefined && isCancelled(ref.component)) continue;
    const stamp = occurrenceStamp(c, dtstart, occurrence);
    singles.push(
      ref === undefined
        ? eventDraft(c, master, originalTiming(c, timing, dtstart, occurrence), stamp)
        : eventDraft(c, ref.component, timingOf(ref.component, c.ctx, timing.zone), stamp),
    );
  }
  const last = expansion.occurrences.at(-1);
  for (const ref of refs) {
    if (matched.has(ref) || isCancelled(ref.component)) continue;
    const instant = clock.sourceInstant(timeProp(ref.component, 'recurrence-id') as ICAL.Time);
    if (
      instant >= fromMs &&
      instant < toMs &&
      (!expansion.truncated || last === undefined || instant <= last.instant)
    ) {
      singles.push(singleFromException(c, dtstart, ref, timing.zone));
    }
  }
  const first = expansion.occurrences[0];
  const span =
    first === undefined || last === undefined
      ? `none falls between ${isoUtc(fromMs).slice(0, 10)} and ${isoUtc(toMs).slice(0, 10)}`
      : `${singles.length} occurrences from ${isoUtc(first.instant).slice(0, 10)} to ${isoUtc(last.instant).slice(0, 10)}`;
  c.notes.push(
    `${c.label} repeats in a way Outlook cannot express (${reason}); it was copied as single events: ${span}` +
      (expansion.truncated ? `, stopped at ${MAX_SINGLES} occurrences.` : '.'),
  );
  return { series: undefined, singles, notes: c.notes, contentHash: '' };
}

function convert(
  c: Conversion,
  master: ICAL.Component | undefined,
  exceptions: readonly ICAL.Component[],
): ConvertedCalendarItem {
  if (master === undefined) {
    c.notes.push(
      `${c.label} holds only changed occurrences of a series Zimbra no longer has; each was copied as an event.`,
    );
    const singles = exceptions.map((component) => {
      const rid = timeProp(component, 'recurrence-id') as ICAL.Time;
      const occurrence = { wall: wallMs(rid), instant: c.ctx.clock.sourceInstant(rid), excluded: false };
      return eventDraft(c, component, timingOf(component, c.ctx), occurrenceStamp(c, rid, occurrence));
    });
    return { series: undefined, singles, notes: c.notes, contentHash: '' };
  }
  const timing = timingOf(master, c.ctx);
  if (timing.zone.convertedFrom !== undefined) {
    c.notes.push(
      `The time zone "${timing.zone.convertedFrom}" matches no Windows time zone; times were converted to UTC.`,
    );
  }
  if (isCancelled(master)) c.notes.push(`${c.label} is cancelled in Zimbra; it was copied as free time.`);
  if (!master.hasProperty('rrule') && !master.hasProperty('rdate')) {
    if (exceptions.length > 0)
      c.notes.push(`${exceptions.length} exceptions of an event that does not repeat were left out.`);
    return {
      series: undefined,
      singles: [eventDraft(c, master, timing, c.options.stamp)],
      notes: c.notes,
      contentHash: '',
    };
  }
  const mapping = mapRecurrence(c, master, timing);
  if (!mapping.expressible) return convertAsSingles(c, master, exceptions, timing, mapping.reason);
  return convertSeries(c, master, exceptions, timing, mapping.recurrence as unknown as GraphPayload);
}

export function convertCalendarItem(
  item: SourceCalendarItem,
  options: CalendarConversionOptions,
): ConvertedCalendarItem {
  const contentHash = createHash('sha256').update(item.ics).digest('hex');
  const { ics, attachments, leftOut } = extractIcsAttachments(item.ics);
  const parts = readCalendar(item.ref, ics);
  const now = options.now ?? Date.now();
  const anchor = parts.master ?? parts.exceptions[0];
  const notes = [...parts.notes];
  const clock = new EventClock(
    parts.calendar,
    anchor === undefined ? { from: 2000, to: 2001 } : yearSpan(anchor, now),
    options.timeZone,
  );
  const c: Conversion = {
    item,
    options,
    notes,
    label: `"${textProp(anchor ?? parts.calendar, 'summary') ?? item.ref.subject ?? item.ref.id}"`,
    ctx: {
      clock,
      tags: item.ref.tags,
      attendees: options.attendees ?? 'describe',
      note: (text) => notes.push(text),
    },
  };
  try {
    return {
      ...convert(c, parts.master, parts.exceptions),
      contentHash,
      attachments,
      attachmentsLeftOut: leftOut,
    };
  } catch (error) {
    if (error instanceof FerryError) throw error;
    throw unreadable(
      item.ref,
      `Ferry could not interpret it (${error instanceof Error ? error.message : String(error)})`,
      error,
    );
  }
}
