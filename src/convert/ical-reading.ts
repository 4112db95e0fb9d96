/**
 * Reading the iCalendar Zimbra exports for one calendar item (zimbra.md §7.5): one VCALENDAR with
 * its VTIMEZONEs, the series VEVENT and one VEVENT per exception (same UID, RECURRENCE-ID). Parsing
 * is tolerant — a property ical.js cannot decode is dropped — but a text that is not iCalendar at
 * all, or absurdly large, is refused with a typed error naming the item.
 */
import ICAL from 'ical.js';
import { UserError } from '../domain/errors.ts';
import type { SourcePimRef } from '../domain/pim.ts';

/** Zimbra's own items stay far below this; more is a broken export or a hostile file. */
export const MAX_ICS_CHARS = 10 * 1024 * 1024;

/** Most VEVENTs (series + exceptions) read from one item. */
export const MAX_COMPONENTS = 5000;

export interface CalendarParts {
  readonly calendar: ICAL.Component;
  /** The series (or single) VEVENT; undefined when the item holds only exceptions. */
  readonly master: ICAL.Component | undefined;
  /** VEVENTs with a RECURRENCE-ID. */
  readonly exceptions: readonly ICAL.Component[];
  readonly notes: readonly string[];
}

export function itemLabel(ref: SourcePimRef): string {
  return ref.subject === undefined || ref.subject === ''
    ? `calendar item ${ref.id}`
    : `"${ref.subject}" (item ${ref.id})`;
}

export function unreadable(ref: SourcePimRef, reason: string, cause?: unknown): UserError {
  return new UserError(
    'UNREADABLE_EVENT',
    `The appointment ${itemLabel(ref)} cannot be copied: ${reason}. Open it in Zimbra, fix or re-save it, and run the pass again.`,
    { cause, context: { itemId: ref.id } },
  );
}

/** Removes properties whose values ical.js cannot decode (or rules without FREQ), recursively. */
function dropBrokenProperties(component: ICAL.Component): number {
  let dropped = 0;
  for (const prop of component.getAllProperties()) {
    try {
      const values = prop.getValues() as unknown[];
      if (values.some((v) => v instanceof ICAL.Recur && !v.freq)) throw new Error('RRULE without FREQ');
    } catch {
      component.removeProperty(prop);
      dropped += 1;
    }
  }
  for (const sub of component.getAllSubcomponents()) dropped += dropBrokenProperties(sub);
  return dropped;
}

/** Dates written without VALUE=DATE ("DTSTART:20180110") are dates; ical.js would drop them. */
function markBareDates(ics: string): string {
  return ics.replace(
    /^(DTSTART|DTEND|DUE|RECURRENCE-ID|EXDATE|RDATE)((?:;(?!VALUE=)[^:\r\n]*)*):(\d{8}(?:,\d{8})*)(\r?)$/gim,
    '$1$2;VALUE=DATE:$3$4',
  );
}

/**
 * Zimbra reads a value with a time as a date-time even under VALUE=DATE (zm-mailbox
 * ParsedDateTime.parse(ZProperty, TimeZoneMap) never looks at VALUE): `DTSTART;VALUE=DATE:
 * 20240305T093000` is 09:30 in its TZID, else floating (the mailbox's zone). ical.js would read a
 * date and drop the time, so the parameter goes.
 */
export function dropDateOnTimes(ics: string): string {
  return ics.replace(
    /^(DTSTART|DTEND|DUE|RECURRENCE-ID|EXDATE|RDATE)((?:;[^:\r\n]*)?);VALUE=DATE((?:;[^:\r\n]*)?):(\d{8}T\d{6}Z?(?:,\d{8}T\d{6}Z?)*)(\r?)$/gim,
    '$1$2$3:$4$5',
  );
}

/** The VCALENDAR of the text; bare components (no VCALENDAR around them) are wrapped in one. */
function rootCalendar(ics: string): ICAL.Component {
  const parsed: unknown = ICAL.parse(dropDateOnTimes(markBareDates(ics.replace(/^\uFEFF/, ''))));
  const roots = (Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : parsed) as unknown[];
  const components = roots.map((jcal) => new ICAL.Component(jcal as unknown[]));
  const calendar = components.find((component) => component.name === 'vcalendar');
  if (calendar !== undefined) return calendar;
  const wrapper = new ICAL.Component('vcalendar');
  for (const component of components) wrapper.addSubcomponent(component);
  return wrapper;
}

export function readCalendar(ref: SourcePimRef, ics: string): CalendarParts {
  if (ics.length > MAX_ICS_CHARS) {
    throw unreadable(ref, `its iCalendar text is larger than ${MAX_ICS_CHARS / 1024 / 1024} MB`);
  }
  let calendar: ICAL.Component;
  try {
    calendar = rootCalendar(ics);
  } catch (error) {
    throw unreadable(ref, 'its iCalendar text could not be parsed', error);
  }
  const notes: string[] = [];
  const events = calendar.getAllSubcomponents('vevent');
  if (events.length === 0) throw unreadable(ref, 'its iCalendar text holds no event');
  if (events.length > MAX_COMPONENTS) {
    throw unreadable(ref, `it has ${events.length} exceptions, more than the ${MAX_COMPONENTS} Ferry reads`);
  }
  const dropped = dropBrokenProperties(calendar);
  if (dropped > 0) notes.push(`${dropped} unreadable iCalendar properties were left out.`);
  const masters = events.filter((e) => !e.hasProperty('recurrence-id'));
  const firstUid = masters[0] === undefined ? undefined : textProp(masters[0], 'uid');
  const sameUid = masters.filter((e) => textProp(e, 'uid') === firstUid);
  if (sameUid.length < masters.length) {
    notes.push(
      `The item holds ${masters.length - sameUid.length} more events of another series without RECURRENCE-ID; they were left out.`,
    );
  }
  const master = latestRevision(sameUid);
  if (sameUid.length > 1) {
    notes.push(
      `The item holds ${sameUid.length} versions of the event (updated invitations); the latest (SEQUENCE ${sequenceOf(master!)}) was copied.`,
    );
  }
  const exceptions = latestPerOccurrence(events.filter((e) => e.hasProperty('recurrence-id')));
  if (master !== undefined && !(master.getFirstPropertyValue('dtstart') instanceof ICAL.Time)) {
    throw unreadable(ref, 'it has no start date (DTSTART)');
  }
  const uid = master === undefined ? undefined : textProp(master, 'uid');
  const own = exceptions.filter((e) => uid === undefined || textProp(e, 'uid') === uid);
  if (own.length < exceptions.length) {
    notes.push(
      `${exceptions.length - own.length} exceptions of another series in the same item were left out.`,
    );
  }
  return { calendar, master, exceptions: own, notes };
}

export function timeProp(component: ICAL.Component, name: string): ICAL.Time | undefined {
  const value: unknown = component.getFirstPropertyValue(name);
  return value instanceof ICAL.Time ? value : undefined;
}

export function textProp(component: ICAL.Component, name: string): string | undefined {
  const value: unknown = component.getFirstPropertyValue(name);
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  // Numbers, ICAL.Time, ICAL.Duration… all print their iCalendar text.
  return (value as { toString(): string }).toString();
}

function sequenceOf(component: ICAL.Component): number {
  const n = Number(textProp(component, 'sequence') ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function stampOf(component: ICAL.Component): number {
  const value: unknown = component.getFirstPropertyValue('dtstamp');
  return value instanceof ICAL.Time ? value.toUnixTime() : Number.NEGATIVE_INFINITY;
}

/**
 * The version of an event that counts when an item holds several (an invitation updated by a later
 * REQUEST, or cancelled): the highest SEQUENCE, and at that SEQUENCE a cancellation, then the latest
 * DTSTAMP (RFC 5546 §2.1.5: a message with a higher SEQUENCE, or the same SEQUENCE and a later
 * DTSTAMP, supersedes; a CANCEL applies to the SEQUENCE it names).
 */
function latestRevision(components: readonly ICAL.Component[]): ICAL.Component | undefined {
  let best: ICAL.Component | undefined;
  for (const component of components) {
    if (best === undefined || supersedes(component, best)) best = component;
  }
  return best;
}

function supersedes(a: ICAL.Component, b: ICAL.Component): boolean {
  if (sequenceOf(a) !== sequenceOf(b)) return sequenceOf(a) > sequenceOf(b);
  const cancelled = (c: ICAL.Component) => textProp(c, 'status')?.toUpperCase() === 'CANCELLED';
  if (cancelled(a) !== cancelled(b)) return cancelled(a);
  return stampOf(a) > stampOf(b);
}

/** One exception per occurrence: the latest revision of each RECURRENCE-ID, in their first order. */
function latestPerOccurrence(exceptions: readonly ICAL.Component[]): ICAL.Component[] {
  const byOccurrence = new Map<string, ICAL.Component[]>();
  for (const exception of exceptions) {
    const key = `${textProp(exception, 'uid') ?? ''}|${textProp(exception, 'recurrence-id') ?? ''}`;
    const list = byOccurrence.get(key);
    if (list === undefined) byOccurrence.set(key, [exception]);
    else list.push(exception);
  }
  return [...byOccurrence.values()].map((versions) => latestRevision(versions)!);
}

/** Every value of every property `name` (CATEGORIES, EXDATE…), flattened. */
export function allValues(component: ICAL.Component, name: string): unknown[] {
  return component.getAllProperties(name).flatMap((prop) => prop.getValues() as unknown[]);
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = { n: '\n', N: '\n', ',': ',', ';': ';', '\\': '\\' };

/**
 * The text of a property ical.js does not know the type of (X-ALT-DESC and other X- properties):
 * ical.js hands it over still escaped, but Zimbra writes every property value but RRULE, EXRULE,
 * RDATE, EXDATE and GEO escaped as TEXT (zm-mailbox ZCalendar.ZProperty.toICalendar → escape), so
 * `\,` `\;` `\\` and `\n` are read back here (RFC 5545 §3.3.11).
 */
export function propertyText(prop: ICAL.Property): string {
  const value: unknown = prop.getFirstValue();
  const text = typeof value === 'string' ? value : String((value as string | number | null) ?? '');
  if (prop.type !== 'unknown') return text;
  return text.replace(/\\([nN,;\\])/g, (_, ch: string) => TEXT_ESCAPES[ch] ?? ch);
}

export function stringParam(prop: ICAL.Property, name: string): string | undefined {
  const value: unknown = prop.getParameter(name);
  if (Array.isArray(value)) return value.map(String).join(',');
  return typeof value === 'string' ? value : undefined;
}
