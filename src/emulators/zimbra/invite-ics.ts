/**
 * A calendar item's invites as Zimbra's `fmt=ics` writes them: zm-mailbox store/src/java/com/zimbra/
 * cs/mailbox/calendar/Invite.java (`newToVComponent`, `toVComponents`), from what Zimbra kept of the
 * imported iCalendar (`Invite.createFromCalendar`). The seed's VEVENT/VTODO is read with ical.js;
 * every line is written here (zcalendar-lines.ts).
 */
import ICAL from 'ical.js';

import { zoneOffsetMs } from '../zone-offset.ts';
import { isUtc as isUtcTime, toUtcMs, tzidOf } from './icalendar.ts';
import type { CalendarItem } from './model.ts';
import { param, prop, type ZComponent, type ZParameter, type ZProperty } from './zcalendar-lines.ts';

export interface InviteWriteOptions {
  /** The account's zimbraPrefTimeZoneId: floating times and undefined TZIDs are read in it. */
  readonly localZone: string;
  /** TZIDs an item may use as they are: its own VTIMEZONEs and the zones Zimbra knows. */
  readonly definedZone: (tzid: string, item: CalendarItem) => boolean;
  /** `icalAttach=inline` (IcsFormatter.includeInlineAttaches). */
  readonly attachInline: boolean;
}

/** What Invite.java's writer needs to know about one time (ParsedDateTime.toProperty). */
function timeProperty(
  name: string,
  time: ICAL.Time,
  tzidParam: unknown,
  item: CalendarItem,
  options: InviteWriteOptions,
  zones: Set<string>,
): ZProperty {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${pad(time.year, 4)}${pad(time.month)}${pad(time.day)}`;
  if (time.isDate) {
    // ParsedDateTime.parse: a DATE is given the local zone too (`if (tz == null) tz = localTZ;
    // tzmap.add(tz)`), so the account's VTIMEZONE is exported with an all-day item.
    zones.add(options.localZone);
    return prop(name, date, [param('VALUE', 'DATE')]);
  }
  const clock = `${date}T${pad(time.hour)}${pad(time.minute)}${pad(time.second)}`;
  if (time.zone === ICAL.Timezone.utcTimezone) return prop(name, `${clock}Z`);
  // ParsedDateTime.parse(ZProperty, TimeZoneMap): a TZID nobody defines, and a floating time, are
  // read in the account's zone (tzmap.getLocalTimeZone()), and written with that TZID.
  const written = typeof tzidParam === 'string' ? tzidParam : undefined;
  const tzid = written !== undefined && options.definedZone(written, item) ? written : options.localZone;
  zones.add(tzid);
  return prop(name, clock, [param('TZID', tzid)]);
}

function utcStamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '');
}

function timeOf(component: ICAL.Component, name: string): { time: ICAL.Time; tzid: unknown } | undefined {
  const property = component.getFirstProperty(name);
  if (!property) return undefined;
  try {
    const value: unknown = property.getFirstValue();
    return value instanceof ICAL.Time ? { time: value, tzid: property.getParameter('tzid') } : undefined;
  } catch {
    return undefined;
  }
}

function text(component: ICAL.Component, name: string): string | undefined {
  try {
    const value: unknown = component.getFirstPropertyValue(name);
    if (value === null || value === undefined) return undefined;
    return typeof value === 'string' ? value : (value as { toString(): string }).toString();
  } catch {
    return undefined;
  }
}

/** ParsedDuration.toString: weeks alone, else days, then T with the non-zero parts ("PT0S" when none). */
function zimbraDuration(d: ICAL.Duration): string {
  const start = d.isNegative ? '-P' : 'P';
  if (d.weeks) return `${start}${d.weeks}W`;
  let out = start;
  if (d.days) {
    out += `${d.days}D`;
    if (!d.hours && !d.minutes && !d.seconds) return out;
  }
  out += 'T';
  if (d.hours) out += `${d.hours}H`;
  if (d.minutes) out += `${d.minutes}M`;
  if (d.seconds) out += `${d.seconds}S`;
  if (!d.seconds && !d.minutes && !d.hours && !d.days) out += '0S';
  return out;
}

/**
 * ZRecur.toString: FREQ, UNTIL, COUNT, INTERVAL, BYSECOND, BYMINUTE, BYHOUR, BYDAY, BYMONTHDAY,
 * BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS — WKST is not written. A date-time UNTIL is turned into
 * UTC (ZRecur's parser, "If specified as a date-time value, then it MUST be specified in UTC").
 */
function zimbraRule(
  rule: ICAL.Recur,
  intervalGiven: boolean,
  untilInstant: (t: ICAL.Time) => number,
): string {
  let out = `FREQ=${rule.freq}`;
  if (rule.until) {
    out += `;UNTIL=${rule.until.isDate ? rule.until.toICALString() : utcStamp(untilInstant(rule.until))}`;
  }
  if (rule.count) out += `;COUNT=${rule.count}`;
  if (intervalGiven && rule.interval) out += `;INTERVAL=${rule.interval}`;
  const parts = rule.parts as Record<string, unknown>;
  for (const key of [
    'BYSECOND',
    'BYMINUTE',
    'BYHOUR',
    'BYDAY',
    'BYMONTHDAY',
    'BYYEARDAY',
    'BYWEEKNO',
    'BYMONTH',
    'BYSETPOS',
  ]) {
    const value = parts[key];
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    if (list.length > 0) out += `;${key}=${list.map(String).join(',')}`;
  }
  return out;
}

/** A property's parameters as ical.js keeps them (jCal), names in lower case. */
function jcalParams(property: ICAL.Property): Record<string, unknown> {
  const jcal = property.toJSON() as unknown[];
  return (jcal[1] ?? {}) as Record<string, unknown>;
}

function jcalValue(property: ICAL.Property): Record<string, unknown> | undefined {
  const jcal = property.toJSON() as unknown[];
  return jcal[3] as Record<string, unknown> | undefined;
}

/**
 * The text of a property as ZCalendar's parser keeps it: unescaped (ZCalendar.unescape: `\\,` `\\;`
 * `\\\\` lose the backslash, `\\n` `\\N` become CRLF). ical.js leaves X- properties, whose type it does
 * not know, escaped.
 */
function propertyText(property: ICAL.Property): string {
  const value = String(property.getFirstValue() ?? '');
  if (property.type !== 'unknown' || !value.includes('\\')) return value;
  return value.replace(/\\([,;\\])/g, '$1').replace(/\\[nN]/g, '\r\n');
}

const mailtoStripped = (value: string): string => value.replace(/^mailto:/i, '');

/** CalendarUser.toProperty + ZAttendee.setProperty: known parameters in Zimbra's order, then X- ones. */
function calendarUser(name: 'ATTENDEE' | 'ORGANIZER', property: ICAL.Property): ZProperty {
  const get = (p: string): string | undefined => {
    const v: unknown = property.getParameter(p);
    if (Array.isArray(v)) return v.map(String).join(',');
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const params: ZParameter[] = [];
  const add = (p: string, value: string | undefined): void => {
    if (value !== undefined) params.push(param(p, value));
  };
  add('CN', get('cn'));
  add('SENT-BY', get('sent-by') === undefined ? undefined : `mailto:${mailtoStripped(get('sent-by')!)}`);
  add('DIR', get('dir'));
  add('LANGUAGE', get('language'));
  if (name === 'ATTENDEE') {
    const cutype = get('cutype')?.toUpperCase();
    const partstat = get('partstat')?.toUpperCase();
    add('CUTYPE', cutype);
    add('ROLE', get('role')?.toUpperCase());
    add('PARTSTAT', partstat);
    // ZAttendee.setProperty: RSVP only with PARTSTAT NEEDS-ACTION or for a resource (Apple Calendar).
    const rsvp = get('rsvp');
    if (rsvp !== undefined && (partstat === 'NEEDS-ACTION' || cutype === 'RESOURCE')) {
      add('RSVP', rsvp.toUpperCase() === 'TRUE' ? 'TRUE' : 'FALSE');
    }
    for (const p of ['member', 'delegated-to', 'delegated-from']) {
      const v = get(p);
      add(p.toUpperCase(), v === undefined ? undefined : `MAILTO:${mailtoStripped(v)}`);
    }
  }
  // CalendarUser(ZProperty): other parameters are kept only when they are X- parameters.
  for (const [key, value] of Object.entries(jcalParams(property))) {
    if (/^x-/i.test(key)) params.push(param(key.toUpperCase(), String(value)));
  }
  const address = mailtoStripped(String(property.getFirstValue() ?? ''));
  return prop(name, address.includes(':') ? address : `mailto:${address}`, params);
}

/** Alarm.toZComponent. */
function alarmComponent(alarm: ICAL.Component): ZComponent {
  const action = (text(alarm, 'action') ?? 'DISPLAY').toUpperCase();
  const props: ZProperty[] = [prop('ACTION', action)];
  const trigger = alarm.getFirstProperty('trigger');
  const value: unknown = trigger?.getFirstValue();
  if (value instanceof ICAL.Time) {
    props.push(
      prop('TRIGGER', `${value.toICALString().replace(/[-:]/g, '')}`, [param('VALUE', 'DATE-TIME')]),
    );
  } else if (value instanceof ICAL.Duration) {
    const related = trigger?.getParameter('related');
    props.push(
      prop(
        'TRIGGER',
        zimbraDuration(value),
        typeof related === 'string' ? [param('RELATED', related.toUpperCase())] : [],
      ),
    );
  }
  const repeat: unknown = alarm.getFirstPropertyValue('duration');
  if (repeat instanceof ICAL.Duration) {
    props.push(prop('DURATION', zimbraDuration(repeat)));
    props.push(prop('REPEAT', text(alarm, 'repeat') ?? '0'));
  }
  if (action !== 'AUDIO') props.push(prop('DESCRIPTION', text(alarm, 'description') ?? 'Reminder'));
  if (action === 'EMAIL') {
    props.push(prop('SUMMARY', text(alarm, 'summary') ?? 'Reminder'));
    for (const a of alarm.getAllProperties('attendee')) props.push(calendarUser('ATTENDEE', a));
  }
  props.push(...xProps(alarm));
  return { name: 'VALARM', props, comps: [] };
}

/**
 * Invite.createFromCalendar keeps an X- property only when ZCalendar's ICalTok does not name it;
 * the named ones are read into fields (and written back by newToVComponent) or dropped.
 */
const NAMED_X = new Set([
  'X-ALT-DESC',
  'X-MICROSOFT-CDO-ALLDAYEVENT',
  'X-MICROSOFT-CDO-INTENDEDSTATUS',
  'X-MICROSOFT-DISALLOW-COUNTER',
  'X-FILENAME',
  'X-APPLE-FILENAME',
  'X-ZIMBRA-STATUS',
  'X-ZIMBRA-STATUS-WAITING',
  'X-ZIMBRA-STATUS-DEFERRED',
  'X-ZIMBRA-PARTSTAT-WAITING',
  'X-ZIMBRA-PARTSTAT-DEFERRED',
  'X-ZIMBRA-LOCAL-ONLY',
]);

function xProps(component: ICAL.Component): ZProperty[] {
  const out: ZProperty[] = [];
  for (const property of component.getAllProperties()) {
    const name = property.name.toUpperCase();
    if (!name.startsWith('X-')) continue;
    const html =
      name === 'X-ALT-DESC' && /^text\/html$/i.test(String(property.getParameter('fmttype') ?? ''));
    if (NAMED_X.has(name) && !(name === 'X-ALT-DESC' && !html)) continue;
    const value = propertyText(property);
    if (value === '') continue;
    const params = Object.entries(jcalParams(property)).map(([k, v]) => param(k.toUpperCase(), String(v)));
    out.push(prop(name, value, params));
  }
  return out;
}

/** IcalXmlStrMap: the statuses Zimbra knows; others are not stored (the default stays). */
const STATUSES = new Set(['TENTATIVE', 'CONFIRMED', 'CANCELLED', 'NEEDS-ACTION', 'COMPLETED', 'IN-PROCESS']);
const ZCO_STATUSES = new Set(['X-ZIMBRA-STATUS-WAITING', 'X-ZIMBRA-STATUS-DEFERRED']);

/** Invite.HEADER_SEPARATOR: Outlook's "*~*~*~" block is cut from DESCRIPTION with two newlines after it. */
const HEADER_SEPARATOR = '*~*~*~*~*~*~*~*~*~*';

interface Written {
  readonly component: ZComponent;
  readonly cancelled: boolean;
  readonly recurrenceId: ZProperty | undefined;
}

function inviteComponent(
  component: ICAL.Component,
  item: CalendarItem,
  options: InviteWriteOptions,
  zones: Set<string>,
): Written {
  const todo = component.name === 'vtodo';
  const props: ZProperty[] = [];
  const comps: ZComponent[] = [];
  const time = (name: string, t: { time: ICAL.Time; tzid: unknown }): ZProperty =>
    timeProperty(name, t.time, t.tzid, item, options, zones);
  // A floating time is read in the account's zone (ParsedDateTime.parse with tzmap.getLocalTimeZone()).
  const instant = (t: ICAL.Time): number => {
    if (t.isDate || isUtcTime(t) || tzidOf(t) !== undefined) return toUtcMs(t);
    const wall = toUtcMs(t);
    return wall - zoneOffsetMs(options.localZone, wall - zoneOffsetMs(options.localZone, wall));
  };

  props.push(prop('UID', text(component, 'uid') ?? item.uid));
  for (const rrule of component.getAllProperties('rrule')) {
    const rule: unknown = rrule.getFirstValue();
    // ical.js reads an absent INTERVAL as 1; ZRecur writes INTERVAL only when the rule had one.
    const given = jcalValue(rrule)?.['interval'] !== undefined;
    if (rule instanceof ICAL.Recur && rule.freq) props.push(prop('RRULE', zimbraRule(rule, given, instant)));
  }
  // RDATE is neither stored nor written: DebugConfig.enableRdate (localconfig
  // debug_enable_calendar_rdate) defaults to false, and createFromCalendar and newToVComponent both
  // skip it then. RdateExdate.addAsSeparateProperties: one EXDATE line per value, with the TZID
  // (or VALUE=DATE).
  for (const exdate of component.getAllProperties('exdate')) {
    const tzid = exdate.getParameter('tzid');
    for (const value of exdate.getValues() as unknown[]) {
      if (value instanceof ICAL.Time) props.push(time('EXDATE', { time: value, tzid }));
    }
  }

  const summary = text(component, 'summary');
  if (summary) props.push(prop('SUMMARY', summary.replace(/[\r\n]+/g, ' ')));
  let description = text(component, 'description');
  if (description !== undefined) {
    const cut = description.indexOf(HEADER_SEPARATOR);
    if (cut >= 0) description = description.slice(cut + HEADER_SEPARATOR.length).replace(/^\r?\n\r?\n/, '');
    if (description !== '') props.push(prop('DESCRIPTION', description));
  }
  const html = component
    .getAllProperties('x-alt-desc')
    .find((p) => /^text\/html$/i.test(String(p.getParameter('fmttype') ?? '')));
  const htmlText = html ? propertyText(html) : '';
  if (htmlText) props.push(prop('X-ALT-DESC', htmlText, [param('FMTTYPE', 'text/html')]));
  for (const comment of component.getAllProperties('comment')) {
    const value = String(comment.getFirstValue() ?? '');
    if (value) props.push(prop('COMMENT', value));
  }
  const location = text(component, 'location');
  if (location) props.push(prop('LOCATION', location));
  for (const attendee of component.getAllProperties('attendee'))
    props.push(calendarUser('ATTENDEE', attendee));
  const priority = text(component, 'priority');
  if (priority) props.push(prop('PRIORITY', priority));

  let status = text(component, 'status')?.toUpperCase();
  const zcoStatus = String(component.getFirstProperty('status')?.getParameter('x-zimbra-status') ?? '');
  let percent = todo ? text(component, 'percent-complete') : undefined;
  const completedAt = todo ? timeOf(component, 'completed') : undefined;
  // createFromCalendar: STATUS:COMPLETED, PERCENT-COMPLETE:100 or COMPLETED make a task completed.
  const completedTask = todo && (status === 'COMPLETED' || percent === '100' || completedAt !== undefined);
  if (completedTask) {
    status = 'COMPLETED';
    percent = '100';
  }
  if (percent) props.push(prop('PERCENT-COMPLETE', percent));
  if (completedTask) {
    props.push(prop('COMPLETED', utcStamp(completedAt ? instant(completedAt.time) : item.date)));
  }
  const categories = component
    .getAllProperties('categories')
    .flatMap((p) => (p.getValues() as unknown[]).map(String));
  if (categories.length > 0) props.push({ name: 'CATEGORIES', params: [], value: '', list: categories });
  for (const contact of component.getAllProperties('contact')) {
    const value = String(contact.getFirstValue() ?? '');
    if (value) props.push(prop('CONTACT', value));
  }
  const geo: unknown = component.getFirstPropertyValue('geo');
  if (Array.isArray(geo) && geo.length === 2) props.push(prop('GEO', `${geo[0]};${geo[1]}`));
  for (const alarm of component.getAllSubcomponents('valarm')) comps.push(alarmComponent(alarm));
  props.push(...xProps(component));
  const organizer = component.getFirstProperty('organizer');
  if (organizer) {
    const written = calendarUser('ORGANIZER', organizer);
    props.push(written);
    // Hack for Outlook 2007 (bug 25777).
    const sentBy = written.params.find((p) => p.name === 'SENT-BY');
    if (sentBy) props.push(prop('X-MS-OLK-SENDER', sentBy.value));
  }

  const start = timeOf(component, 'dtstart');
  const end = timeOf(component, todo ? 'due' : 'dtend');
  if (start) props.push(time('DTSTART', start));
  if (end) props.push(time(todo ? 'DUE' : 'DTEND', end));
  const duration: unknown = component.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) props.push(prop('DURATION', zimbraDuration(duration)));

  if (!status || !(STATUSES.has(status) || ZCO_STATUSES.has(status))) {
    status = todo ? 'NEEDS-ACTION' : 'CONFIRMED';
  }
  if (status === 'IN-PROCESS' && ZCO_STATUSES.has(zcoStatus.toUpperCase())) {
    props.push(prop('STATUS', 'IN-PROCESS', [param('X-ZIMBRA-STATUS', zcoStatus.toUpperCase())]));
  } else if (ZCO_STATUSES.has(status)) {
    props.push(prop('STATUS', 'IN-PROCESS', [param('X-ZIMBRA-STATUS', status)]));
  } else props.push(prop('STATUS', status));
  const klass = text(component, 'class')?.toUpperCase();
  props.push(prop('CLASS', klass === 'PRIVATE' || klass === 'CONFIDENTIAL' ? klass : 'PUBLIC'));

  if (!todo) {
    const allDay =
      start?.time.isDate === true ||
      end?.time.isDate === true ||
      text(component, 'x-microsoft-cdo-alldayevent')?.toUpperCase() === 'TRUE';
    if (allDay) props.push(prop('X-MICROSOFT-CDO-ALLDAYEVENT', 'TRUE'));
    const { freeBusy, transp } = freeBusyOf(component);
    props.push(prop('X-MICROSOFT-CDO-INTENDEDSTATUS', freeBusy));
    props.push(prop('TRANSP', transp));
  }

  const rid = timeOf(component, 'recurrence-id');
  const recurrenceId = rid ? time('RECURRENCE-ID', rid) : undefined;
  if (recurrenceId) props.push(recurrenceId);
  const lastModified = timeOf(component, 'last-modified');
  if (lastModified) props.push(prop('LAST-MODIFIED', utcStamp(instant(lastModified.time))));
  const stamp = timeOf(component, 'dtstamp');
  props.push(prop('DTSTAMP', utcStamp(stamp ? instant(stamp.time) : item.date)));
  props.push(prop('SEQUENCE', String(Number.parseInt(text(component, 'sequence') ?? '0', 10) || 0)));
  const url = text(component, 'url');
  if (url) props.push(prop('URL', url));
  if (text(component, 'x-zimbra-local-only')?.toUpperCase() === 'TRUE') {
    props.push(prop('X-ZIMBRA-LOCAL-ONLY', 'TRUE'));
  }
  if (options.attachInline) props.push(...inlineAttachments(component));
  return {
    component: { name: todo ? 'VTODO' : 'VEVENT', props, comps },
    cancelled: status === 'CANCELLED',
    recurrenceId,
  };
}

/**
 * X-MICROSOFT-CDO-INTENDEDSTATUS (IcalXmlStrMap.sOutlookFreeBusyMap) and TRANSP: an intended status
 * wins over TRANSP; TRANSP:TRANSPARENT alone means FREE; the default is BUSY / OPAQUE.
 */
function freeBusyOf(component: ICAL.Component): { freeBusy: string; transp: string } {
  const intended = text(component, 'x-microsoft-cdo-intendedstatus')?.toUpperCase();
  if (intended && ['FREE', 'BUSY', 'TENTATIVE', 'OOF'].includes(intended)) {
    return { freeBusy: intended, transp: intended === 'FREE' ? 'TRANSPARENT' : 'OPAQUE' };
  }
  return text(component, 'transp')?.toUpperCase() === 'TRANSPARENT'
    ? { freeBusy: 'FREE', transp: 'TRANSPARENT' }
    : { freeBusy: 'BUSY', transp: 'OPAQUE' };
}

/**
 * Attach.toZProperty for the binary ATTACHes Zimbra stored (createFromCalendar keeps only those):
 * VALUE=BINARY, ENCODING=BASE64, FMTTYPE, X-APPLE-FILENAME (from X-APPLE-FILENAME or X-FILENAME).
 */
function inlineAttachments(component: ICAL.Component): ZProperty[] {
  const out: ZProperty[] = [];
  for (const attach of component.getAllProperties('attach')) {
    if (attach.type !== 'binary') continue;
    const params = [param('VALUE', 'BINARY'), param('ENCODING', 'BASE64')];
    const type = attach.getParameter('fmttype');
    if (typeof type === 'string') params.push(param('FMTTYPE', type));
    const name = attach.getParameter('x-apple-filename') ?? attach.getParameter('x-filename');
    if (typeof name === 'string') params.push(param('X-APPLE-FILENAME', name));
    out.push(prop('ATTACH', String(attach.getFirstValue() ?? '').replace(/\s+/g, ''), params));
  }
  return out;
}

/**
 * Invite.toVComponents as Mailbox.writeICalendarForCalendarItems calls it, with localconfig
 * calendar_apple_ical_compatible_canceled_instances (default true, LC.java): a cancelled exception
 * of a series becomes an EXDATE on the series (same value and parameters as its RECURRENCE-ID),
 * not a component of its own (bug 36434).
 */
export function itemComponents(
  item: CalendarItem,
  options: InviteWriteOptions,
  zones: Set<string>,
): ZComponent[] {
  const written = item.invites.map((invite) => inviteComponent(invite.component, item, options, zones));
  if (written.length <= 1) return written.map((w) => w.component);
  const seriesIndex = item.invites.findIndex((invite) =>
    ['rrule', 'rdate', 'exdate', 'exrule'].some((p) => invite.component.hasProperty(p)),
  );
  const series = written[seriesIndex];
  if (!series) return written.map((w) => w.component);
  const out = [series.component];
  for (const w of written) {
    if (w === series) continue;
    if (w.cancelled && w.recurrenceId) {
      series.component.props.push({ ...w.recurrenceId, name: 'EXDATE' });
    } else out.push(w.component);
  }
  return out;
}
