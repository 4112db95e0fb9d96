/**
 * One VEVENT at one time → a Graph event body (everything but recurrence and the stamp). All-day
 * events start and end at midnight in one zone with an exclusive end (microsoft-graph.md §8); a
 * missing DTEND means one day for all-day events and no duration for timed ones.
 */
import ICAL from 'ical.js';
import type { GraphExtendedProperty } from '../domain/mail.ts';
import { graphDateTime, type EventClock, type EventZone } from './event-clock.ts';
import { graphAttendees, meetingProperty, readMeeting, type AttendeeMode } from './event-attendees.ts';
import { eventFields } from './event-fields.ts';
import { timeProp } from './ical-reading.ts';

const DAY_MS = 86_400_000;

/** Longer DURATIONs are treated as absent (ical.js would normalise them day by day). */
const MAX_DURATION_SECONDS = 10 * 366 * 86_400;

export interface DraftContext {
  readonly clock: EventClock;
  readonly tags: readonly string[];
  readonly attendees: AttendeeMode;
  readonly note: (text: string) => void;
}

/** Where an event sits: its Graph zone and wall-clock start and end in it. */
export interface Timing {
  readonly zone: EventZone;
  readonly allDay: boolean;
  readonly startWall: number;
  readonly endWall: number;
}

function durationOf(component: ICAL.Component): number | undefined {
  const value: unknown = component.getFirstPropertyValue('duration');
  if (!(value instanceof ICAL.Duration)) return undefined;
  const seconds = value.toSeconds();
  return Number.isFinite(seconds) && seconds >= 0 && seconds <= MAX_DURATION_SECONDS
    ? seconds * 1000
    : undefined;
}

/** Start and end of a VEVENT in `zone` (the series' zone for exceptions, else its own). */
export function timingOf(component: ICAL.Component, ctx: DraftContext, zone?: EventZone): Timing {
  const start = timeProp(component, 'dtstart');
  if (start === undefined) throw new Error('DTSTART missing');
  const eventZone = zone ?? ctx.clock.zoneOf(start);
  const allDay = start.isDate;
  const startWall = ctx.clock.wallIn(eventZone, start);
  const end = timeProp(component, 'dtend');
  const duration = durationOf(component);
  let endWall: number;
  if (allDay) {
    const endDay = end === undefined ? undefined : Date.UTC(end.year, end.month - 1, end.day);
    const byDuration = duration === undefined ? undefined : startWall + Math.ceil(duration / DAY_MS) * DAY_MS;
    endWall = endDay ?? byDuration ?? startWall + DAY_MS;
    if (endWall <= startWall) endWall = startWall + DAY_MS;
  } else {
    endWall = end !== undefined ? ctx.clock.wallIn(eventZone, end) : startWall + (duration ?? 0);
    if (endWall < startWall) {
      ctx.note('An event ends before it starts in Zimbra; it was copied with no duration.');
      endWall = startWall;
    }
  }
  return { zone: eventZone, allDay, startWall, endWall };
}

export function shiftTiming(timing: Timing, startWall: number): Timing {
  return { ...timing, startWall, endWall: startWall + (timing.endWall - timing.startWall) };
}

export function timeFields(timing: Timing): Record<string, unknown> {
  const zone = timing.zone.zone.name;
  return {
    start: { dateTime: graphDateTime(timing.startWall), timeZone: zone },
    end: { dateTime: graphDateTime(timing.endWall), timeZone: zone },
    isAllDay: timing.allDay,
  };
}

export interface EventBody {
  readonly fields: Record<string, unknown>;
  readonly properties: readonly GraphExtendedProperty[];
}

/** The Graph fields of `component` at `timing`, and the extended properties besides the stamp. */
export function eventBody(component: ICAL.Component, timing: Timing, ctx: DraftContext): EventBody {
  const meeting = readMeeting(component);
  const startMs = ctx.clock.graphInstant(timing.zone, timing.startWall);
  const fields: Record<string, unknown> = {
    ...eventFields(component, meeting, ctx.tags, { startMs, durationMs: timing.endWall - timing.startWall }),
    ...timeFields(timing),
    responseRequested: false,
  };
  if (ctx.attendees === 'invite' && meeting.attendees.length > 0) {
    const { attendees, left } = graphAttendees(meeting);
    fields['attendees'] = attendees;
    if (left > 0)
      ctx.note(`${left} attendees without a usable address (or past Graph's 500) were not invited.`);
  }
  const property = meetingProperty(meeting);
  return { fields, properties: property === undefined ? [] : [property] };
}
