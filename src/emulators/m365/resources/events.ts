import { randomBytes } from 'node:crypto';
import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { GraphError, validationFailure, type GraphResponse } from '../errors.ts';
import { parseExtendedProperties, storeExtendedProperties } from '../extended-properties.ts';
import { inviteOnCancel, inviteOnCreate, inviteOnUpdate } from '../invitations.ts';
import { newChangeKey, type StoredItem } from '../item-store.ts';
import { entityResponse, etag, listResponse, noContent, type Presenter } from '../odata-query.ts';
import { validateRecurrence } from '../recurrence.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';
import { checkTimeZone, fromEpoch, toEpoch } from '../time-zones.ts';
import { resolveCalendar } from './calendars.ts';
import {
  cancelledOccurrenceIds,
  isOccurrenceId,
  removeOccurrence,
  showOccurrence,
  updateOccurrence,
} from './event-occurrences.ts';
import { textPreview } from './messages.ts';

/** Fields Graph computes or ignores on write: the owner is always the organizer [O]. */
const IGNORED = [
  'id',
  'organizer',
  'isOrganizer',
  'type',
  'seriesMasterId',
  'responseStatus',
  'iCalUId',
  'webLink',
  'bodyPreview',
  'hasAttachments',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'originalStart',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'isCancelled',
  'singleValueExtendedProperties',
  'multiValueExtendedProperties',
  'extensions',
  'attachments',
  'cancelledOccurrences',
];
const MAX_ATTENDEES = 500;
const stamp = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The zone responses use: Prefer: outlook.timezone="…", else UTC [D]. */
export function outputZone(ctx: GraphContext): string {
  return /outlook\.timezone="([^"]+)"/i.exec(ctx.headers.prefer ?? '')?.[1] ?? 'UTC';
}

export function convertTime(value: unknown, zone: string): unknown {
  const { dateTime, timeZone } = (value ?? {}) as { dateTime?: string; timeZone?: string };
  if (dateTime === undefined || timeZone === undefined) return value;
  return { dateTime: fromEpoch(toEpoch(dateTime, timeZone), zone), timeZone: zone };
}

/** Validates start/end/all-day/recurrence/attendees of an event's resulting data. */
export function validateEvent(data: Record<string, unknown>): void {
  const start = data.start as { dateTime?: unknown; timeZone?: unknown } | undefined;
  const end = data.end as { dateTime?: unknown; timeZone?: unknown } | undefined;
  if (typeof start?.dateTime !== 'string' || typeof end?.dateTime !== 'string') throw validationFailure();
  const startMs = toEpoch(start.dateTime, checkTimeZone(start.timeZone));
  const endMs = toEpoch(end.dateTime, checkTimeZone(end.timeZone));
  if (endMs < startMs) throw validationFailure();
  if (data.isAllDay === true) {
    const midnight = (text: string) => /T00:00:00(\.0+)?$/.test(text);
    if (
      !midnight(start.dateTime) ||
      !midnight(end.dateTime) ||
      endMs === startMs ||
      start.timeZone !== end.timeZone
    ) {
      throw validationFailure();
    }
  }
  if (data.recurrence !== undefined && data.recurrence !== null) {
    validateRecurrence(data.recurrence, start.dateTime.slice(0, 10));
  }
  if (Array.isArray(data.attendees) && data.attendees.length > MAX_ATTENDEES) throw validationFailure();
}

export function eventPresenter(ctx: GraphContext): Presenter {
  const zone = outputZone(ctx);
  const owner = ctx.mailbox.user;
  return (item) => {
    const { _exceptions: _x, _cancelled: _c, ...data } = item.data;
    const start = data.start as { timeZone?: string } | undefined;
    const end = data.end as { timeZone?: string } | undefined;
    return {
      '@odata.etag': etag(item),
      id: ctx.ids(item),
      changeKey: item.changeKey,
      categories: [],
      transactionId: null,
      originalStartTimeZone: start?.timeZone,
      originalEndTimeZone: end?.timeZone,
      iCalUId: item.data.iCalUId,
      reminderMinutesBeforeStart: 15,
      isReminderOn: true,
      hasAttachments: item.attachments.some((a) => !a.isInline),
      subject: '',
      importance: 'normal',
      sensitivity: 'normal',
      isAllDay: false,
      isCancelled: false,
      isOrganizer: true,
      responseRequested: true,
      seriesMasterId: null,
      showAs: 'busy',
      type: data.recurrence === undefined || data.recurrence === null ? 'singleInstance' : 'seriesMaster',
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(item.id)}&exvsurl=1&path=/calendar/item`,
      onlineMeetingUrl: null,
      isOnlineMeeting: false,
      onlineMeetingProvider: 'unknown',
      allowNewTimeProposals: true,
      isDraft: false,
      hideAttendees: false,
      recurrence: null,
      location: { displayName: '', locationType: 'default', uniqueIdType: 'unknown' },
      locations: [],
      attendees: [],
      ...data,
      bodyPreview: textPreview(data.body),
      body: data.body ?? { contentType: 'html', content: '' },
      responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
      start: convertTime(data.start, zone),
      end: convertTime(data.end, zone),
      organizer: { emailAddress: { name: owner.displayName, address: owner.userPrincipalName } },
      cancelledOccurrences: cancelledOccurrenceIds(ctx, item),
    };
  };
}

export function writableFields(body: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (!name.includes('@odata') && !IGNORED.includes(name)) data[name] = value;
  }
  if (Array.isArray(data.attendees)) {
    data.attendees = (data.attendees as Record<string, unknown>[]).map((a) => ({
      type: 'required',
      status: { response: 'none', time: '0001-01-01T00:00:00Z' },
      ...a,
    }));
  }
  return data;
}

function create(ctx: GraphContext, calendar: StoredItem): GraphResponse {
  const body = jsonBody(ctx);
  checkProperties(body, 'event');
  const transactionId = typeof body.transactionId === 'string' ? body.transactionId : undefined;
  const earlier = transactionId === undefined ? undefined : ctx.mailbox.transactionIds.get(transactionId);
  const existing =
    earlier !== undefined && Date.now() - earlier.at <= ctx.services.transactionIdWindowMs
      ? ctx.mailbox.events.get(earlier.eventId)
      : undefined;
  if (existing !== undefined) {
    return entityResponse(ctx, `${metadataBase(ctx)}/events`, existing, eventPresenter(ctx), 201);
  }
  const properties = parseExtendedProperties(body.singleValueExtendedProperties);
  const data = {
    createdDateTime: stamp(),
    lastModifiedDateTime: stamp(),
    iCalUId: `040000008200E00074C5B7101A82E008${randomBytes(28).toString('hex').toUpperCase()}`,
    ...writableFields(body),
  };
  validateEvent(data);
  const event = ctx.mailbox.events.add(calendar.immutableId, data);
  storeExtendedProperties(event, properties);
  if (transactionId !== undefined) {
    ctx.mailbox.transactionIds.set(transactionId, { eventId: event.immutableId, at: Date.now() });
  }
  inviteOnCreate(ctx.mailbox, event);
  return entityResponse(ctx, `${metadataBase(ctx)}/events`, event, eventPresenter(ctx), 201);
}

function update(ctx: GraphContext): GraphResponse {
  const id = param(ctx, 'event');
  if (isOccurrenceId(id)) return updateOccurrence(ctx, id);
  const event = lookup(ctx.mailbox.events, id);
  const body = jsonBody(ctx);
  checkProperties(body, 'event');
  if (body.transactionId !== undefined && body.transactionId !== event.data.transactionId) {
    throw new GraphError(
      400,
      'ErrorInvalidPropertyUpdate',
      'The transactionId of an event cannot be changed.',
    );
  }
  const changes = writableFields(body);
  const before = { ...event.data };
  const after = { ...event.data, ...changes };
  validateEvent(after);
  if (JSON.stringify(before.recurrence) !== JSON.stringify(after.recurrence)) {
    delete after._exceptions;
    delete after._cancelled;
  }
  event.data = { ...after, lastModifiedDateTime: stamp() };
  storeExtendedProperties(event, parseExtendedProperties(body.singleValueExtendedProperties));
  event.changeKey = newChangeKey();
  inviteOnUpdate(ctx.mailbox, event, before, Object.keys(changes));
  return entityResponse(ctx, `${metadataBase(ctx)}/events`, event, eventPresenter(ctx));
}

function remove(ctx: GraphContext, notify: boolean): GraphResponse {
  const id = param(ctx, 'event');
  if (isOccurrenceId(id)) return removeOccurrence(ctx, id, notify);
  const event = lookup(ctx.mailbox.events, id);
  ctx.mailbox.events.delete(event);
  inviteOnCancel(ctx.mailbox, event);
  return notify ? { status: 202, headers: {} } : noContent();
}

function get(ctx: GraphContext): GraphResponse {
  const id = param(ctx, 'event');
  if (isOccurrenceId(id)) return showOccurrence(ctx, id);
  return entityResponse(
    ctx,
    `${metadataBase(ctx)}/events`,
    lookup(ctx.mailbox.events, id),
    eventPresenter(ctx),
  );
}

const list = (ctx: GraphContext, calendar?: StoredItem) =>
  listResponse(
    ctx,
    `${metadataBase(ctx)}/events`,
    ctx.mailbox.events.list(calendar?.immutableId),
    eventPresenter(ctx),
  );
const calendarOf = (ctx: GraphContext) => resolveCalendar(ctx, param(ctx, 'calendar'));

export const eventRoutes: Route[] = [
  { method: 'GET', pattern: 'events', area: 'Calendars', handler: (ctx) => list(ctx) },
  {
    method: 'POST',
    pattern: 'events',
    area: 'Calendars',
    handler: (ctx) => create(ctx, ctx.mailbox.defaultCalendar),
  },
  {
    method: 'GET',
    pattern: 'calendar/events',
    area: 'Calendars',
    handler: (ctx) => list(ctx, ctx.mailbox.defaultCalendar),
  },
  {
    method: 'POST',
    pattern: 'calendar/events',
    area: 'Calendars',
    handler: (ctx) => create(ctx, ctx.mailbox.defaultCalendar),
  },
  {
    method: 'GET',
    pattern: 'calendars/:calendar/events',
    area: 'Calendars',
    handler: (ctx) => list(ctx, calendarOf(ctx)),
  },
  {
    method: 'POST',
    pattern: 'calendars/:calendar/events',
    area: 'Calendars',
    handler: (ctx) => create(ctx, calendarOf(ctx)),
  },
  ...['events/:event', 'calendar/events/:event', 'calendars/:calendar/events/:event'].flatMap(
    (pattern): Route[] => [
      { method: 'GET', pattern, area: 'Calendars', handler: get },
      { method: 'PATCH', pattern, area: 'Calendars', handler: update },
      { method: 'DELETE', pattern, area: 'Calendars', handler: (ctx) => remove(ctx, false) },
    ],
  ),
  { method: 'POST', pattern: 'events/:event/cancel', area: 'Calendars', handler: (ctx) => remove(ctx, true) },
];
