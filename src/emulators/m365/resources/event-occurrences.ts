import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { GraphError, notFound, type GraphResponse } from '../errors.ts';
import { inviteOnCancel, inviteOnOccurrenceUpdate } from '../invitations.ts';
import { newChangeKey, type StoredItem } from '../item-store.ts';
import { noContent, ok } from '../odata-query.ts';
import { occurrenceDates, validateRecurrence } from '../recurrence.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';
import { fromEpoch, toEpoch } from '../time-zones.ts';
import { convertTime, eventPresenter, outputZone, validateEvent, writableFields } from './events.ts';

const PREFIX = 'AAMkOcc';

type Exceptions = Record<string, Record<string, unknown>>;
type Time = { dateTime: string; timeZone: string };

export const isOccurrenceId = (id: string): boolean => id.startsWith(PREFIX);

export function occurrenceId(ctx: GraphContext, master: StoredItem, date: string): string {
  return `${PREFIX}${Buffer.from(`${ctx.ids(master)}|${date}`).toString('base64url')}`;
}

/** Graph's ids of cancelled occurrences: OID.{seriesMasterId}.{date} [D: event.cancelledOccurrences]. */
export function cancelledOccurrenceIds(ctx: GraphContext, master: StoredItem): string[] {
  return ((master.data._cancelled ?? []) as string[]).map((date) => `OID.${ctx.ids(master)}.${date}`);
}

function series(master: StoredItem) {
  const start = master.data.start as Time;
  return validateRecurrence(master.data.recurrence, start.dateTime.slice(0, 10));
}

/** Start and end of the occurrence on `date` before any exception, as wall-clock values. */
function originalTimes(master: StoredItem, date: string): { start: Time; end: Time; startMs: number } {
  const start = master.data.start as Time;
  const end = master.data.end as Time;
  const duration = toEpoch(end.dateTime, end.timeZone) - toEpoch(start.dateTime, start.timeZone);
  const startLocal = { dateTime: `${date}${start.dateTime.slice(10)}`, timeZone: start.timeZone };
  const startMs = toEpoch(startLocal.dateTime, start.timeZone);
  return {
    start: startLocal,
    end: { dateTime: fromEpoch(startMs + duration, end.timeZone), timeZone: end.timeZone },
    startMs,
  };
}

function decode(ctx: GraphContext, id: string): { master: StoredItem; date: string } {
  const [masterId, date] = Buffer.from(id.slice(PREFIX.length), 'base64url').toString('utf8').split('|');
  if (masterId === undefined || date === undefined) {
    throw new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
  }
  const master = lookup(ctx.mailbox.events, masterId);
  const cancelled = (master.data._cancelled ?? []) as string[];
  if (
    master.data.recurrence === undefined ||
    cancelled.includes(date) ||
    !occurrenceDates(series(master), date).includes(date)
  ) {
    throw notFound();
  }
  return { master, date };
}

/** One occurrence (or exception) of a series as Graph shows it. */
export function presentOccurrence(
  ctx: GraphContext,
  master: StoredItem,
  date: string,
): Record<string, unknown> {
  const exception = ((master.data._exceptions ?? {}) as Exceptions)[date];
  const original = originalTimes(master, date);
  const zone = outputZone(ctx);
  const merged = { ...original, ...exception };
  return {
    ...eventPresenter(ctx)(master),
    ...exception,
    id: occurrenceId(ctx, master, date),
    type: exception === undefined ? 'occurrence' : 'exception',
    seriesMasterId: ctx.ids(master),
    recurrence: null,
    cancelledOccurrences: [],
    originalStart: new Date(original.startMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    start: convertTime(merged.start, zone),
    end: convertTime(merged.end, zone),
  };
}

/** Exceptions of a series, as full occurrences (state dump: exceptionOccurrences). */
export function exceptionOccurrences(ctx: GraphContext, master: StoredItem): Record<string, unknown>[] {
  return Object.keys((master.data._exceptions ?? {}) as Exceptions)
    .sort()
    .map((date) => presentOccurrence(ctx, master, date));
}

export function showOccurrence(ctx: GraphContext, id: string): GraphResponse {
  const { master, date } = decode(ctx, id);
  return ok({
    '@odata.context': `${metadataBase(ctx)}/events/$entity`,
    ...presentOccurrence(ctx, master, date),
  });
}

export function updateOccurrence(ctx: GraphContext, id: string): GraphResponse {
  const { master, date } = decode(ctx, id);
  const body = jsonBody(ctx);
  checkProperties(body, 'event');
  const changes = writableFields(body);
  delete changes.recurrence;
  const exceptions = { ...((master.data._exceptions ?? {}) as Exceptions) };
  const exception = { ...exceptions[date], ...changes };
  validateEvent({ ...originalTimes(master, date), ...exception });
  exceptions[date] = exception;
  master.data._exceptions = exceptions;
  master.changeKey = newChangeKey();
  inviteOnOccurrenceUpdate(ctx.mailbox, master, date, Object.keys(changes));
  return ok({
    '@odata.context': `${metadataBase(ctx)}/events/$entity`,
    ...presentOccurrence(ctx, master, date),
  });
}

export function removeOccurrence(ctx: GraphContext, id: string, notify: boolean): GraphResponse {
  const { master, date } = decode(ctx, id);
  const exceptions = { ...((master.data._exceptions ?? {}) as Exceptions) };
  delete exceptions[date];
  master.data._exceptions = exceptions;
  master.data._cancelled = [...((master.data._cancelled ?? []) as string[]), date].sort();
  master.changeKey = newChangeKey();
  inviteOnCancel(ctx.mailbox, master, date);
  return notify ? { status: 202, headers: {} } : noContent();
}

function parseWindowEdge(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

function instances(ctx: GraphContext): GraphResponse {
  const master = lookup(ctx.mailbox.events, param(ctx, 'event'));
  const from = parseWindowEdge(ctx.query.get('startDateTime') ?? ctx.query.get('StartDateTime'));
  const to = parseWindowEdge(ctx.query.get('endDateTime') ?? ctx.query.get('EndDateTime'));
  if (from === undefined || to === undefined) {
    throw new GraphError(
      400,
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  }
  const value: Record<string, unknown>[] = [];
  if (master.data.recurrence !== undefined && master.data.recurrence !== null) {
    const cancelled = (master.data._cancelled ?? []) as string[];
    const until = new Date(to + 86_400_000).toISOString().slice(0, 10);
    for (const date of occurrenceDates(series(master), until)) {
      if (cancelled.includes(date)) continue;
      const exception = ((master.data._exceptions ?? {}) as Exceptions)[date];
      const times = { ...originalTimes(master, date), ...exception } as { start: Time; end: Time };
      const startMs = toEpoch(times.start.dateTime, times.start.timeZone);
      const endMs = toEpoch(times.end.dateTime, times.end.timeZone);
      if (startMs < to && (endMs > from || (endMs === startMs && startMs >= from))) {
        value.push(presentOccurrence(ctx, master, date));
      }
    }
  }
  return ok({ '@odata.context': `${metadataBase(ctx)}/events('${ctx.ids(master)}')/instances`, value });
}

export const occurrenceRoutes: Route[] = [
  { method: 'GET', pattern: 'events/:event/instances', area: 'Calendars', handler: instances },
  { method: 'GET', pattern: 'calendar/events/:event/instances', area: 'Calendars', handler: instances },
  {
    method: 'GET',
    pattern: 'calendars/:calendar/events/:event/instances',
    area: 'Calendars',
    handler: instances,
  },
];
