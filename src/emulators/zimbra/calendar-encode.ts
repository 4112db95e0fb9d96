/** Zimbra JSON for calendar items: invites with components (GetAppointment/GetTask) and search hits. */
import ICAL from 'ical.js';

import {
  endOf,
  formatIcalDate,
  formatUtcStamp,
  isUtc,
  textProp,
  timeProp,
  toUtcMs,
  tzidOf,
} from './icalendar.ts';
import type { CalendarItem, Invite } from './model.ts';
import { encodeRecurrence } from './recurrence-encode.ts';

type Json = Record<string, unknown>;

export interface CalendarEncodeOptions {
  readonly ownerEmail: string;
  /** Whether DATETIME elements carry `u` (UTC ms); absent on 6.x. */
  readonly withUtc: boolean;
}

const STATUS: Record<string, string> = {
  TENTATIVE: 'TENT',
  CONFIRMED: 'CONF',
  CANCELLED: 'CANC',
  'NEEDS-ACTION': 'NEED',
  'IN-PROCESS': 'INPR',
  COMPLETED: 'COMP',
};
const PTST: Record<string, string> = {
  'NEEDS-ACTION': 'NE',
  ACCEPTED: 'AC',
  DECLINED: 'DE',
  TENTATIVE: 'TE',
  DELEGATED: 'DG',
  COMPLETED: 'CO',
  'IN-PROCESS': 'IN',
};
const ROLE: Record<string, string> = {
  CHAIR: 'CHA',
  'REQ-PARTICIPANT': 'REQ',
  'OPT-PARTICIPANT': 'OPT',
  'NON-PARTICIPANT': 'NON',
};
const CUTYPE: Record<string, string> = {
  INDIVIDUAL: 'IND',
  GROUP: 'GRO',
  RESOURCE: 'RES',
  ROOM: 'ROO',
  UNKNOWN: 'UNK',
};
const CLASS: Record<string, string> = { PUBLIC: 'PUB', PRIVATE: 'PRI', CONFIDENTIAL: 'CON' };

function dateTimeJson(time: ICAL.Time, options: CalendarEncodeOptions): Json {
  const json: Json = { d: formatIcalDate(time) };
  const tzid = tzidOf(time);
  if (tzid) json['tz'] = tzid;
  if (options.withUtc && !time.isDate) json['u'] = toUtcMs(time);
  return json;
}

function address(value: string): string {
  return value.replace(/^mailto:/i, '');
}

function param(prop: ICAL.Property, name: string): string | undefined {
  const value: unknown = prop.getParameter(name);
  if (Array.isArray(value)) return value.map(String).join(',');
  return typeof value === 'string' ? value : undefined;
}

function organizerJson(component: ICAL.Component): Json | undefined {
  const prop = component.getFirstProperty('organizer');
  if (!prop) return undefined;
  const json: Json = {
    a: address(String(prop.getFirstValue() ?? '')),
    url: String(prop.getFirstValue() ?? ''),
  };
  const cn = param(prop, 'cn');
  if (cn) json['d'] = cn;
  const sentBy = param(prop, 'sent-by');
  if (sentBy) json['sentBy'] = address(sentBy);
  return json;
}

function attendeesJson(component: ICAL.Component): Json[] {
  return component.getAllProperties('attendee').map((prop) => {
    const json: Json = {
      a: address(String(prop.getFirstValue() ?? '')),
      url: String(prop.getFirstValue() ?? ''),
    };
    const cn = param(prop, 'cn');
    if (cn) json['d'] = cn;
    json['role'] = ROLE[(param(prop, 'role') ?? 'REQ-PARTICIPANT').toUpperCase()] ?? 'REQ';
    json['ptst'] = PTST[(param(prop, 'partstat') ?? 'NEEDS-ACTION').toUpperCase()] ?? 'NE';
    const cutype = param(prop, 'cutype');
    if (cutype) json['cutype'] = CUTYPE[cutype.toUpperCase()] ?? 'UNK';
    if ((param(prop, 'rsvp') ?? '').toUpperCase() === 'TRUE') json['rsvp'] = true;
    return json;
  });
}

function alarmsJson(component: ICAL.Component): Json[] {
  return component.getAllSubcomponents('valarm').map((alarm) => {
    const json: Json = { action: (textProp(alarm, 'action') ?? 'DISPLAY').toUpperCase() };
    const trigger = alarm.getFirstProperty('trigger');
    const value: unknown = trigger?.getFirstValue();
    if (value instanceof ICAL.Duration) {
      const rel: Json = { neg: value.isNegative };
      for (const [key, unit] of [
        ['w', 'weeks'],
        ['d', 'days'],
        ['h', 'hours'],
        ['m', 'minutes'],
        ['s', 'seconds'],
      ] as const) {
        if (value[unit]) rel[key] = value[unit];
      }
      rel['related'] = (trigger ? param(trigger, 'related') : undefined)?.toUpperCase() ?? 'START';
      json['trigger'] = [{ rel: [rel] }];
    } else if (value instanceof ICAL.Time) {
      json['trigger'] = [{ abs: [{ d: formatUtcStamp(toUtcMs(value), false) }] }];
    }
    const desc = textProp(alarm, 'description');
    json['desc'] = [desc === undefined ? {} : { _content: desc }];
    return json;
  });
}

/** One `comp` element of an invite. */
export function componentJson(item: CalendarItem, invite: Invite, options: CalendarEncodeOptions): Json {
  const c = invite.component;
  const start = timeProp(c, 'dtstart');
  const end = endOf(c, start);
  const allDay = start?.isDate ?? false;
  const organizer = organizerJson(c);
  const json: Json = {
    method: 'PUBLISH',
    compNum: 0,
    name: textProp(c, 'summary') ?? '',
    loc: textProp(c, 'location') ?? '',
    uid: item.uid,
    seq: Number(textProp(c, 'sequence') ?? 0) || 0,
    calItemId: String(item.id),
    ciFolder: String(item.folderId),
    d: item.date,
    status:
      STATUS[
        (textProp(c, 'status') ?? (item.kind === 'task' ? 'NEEDS-ACTION' : 'CONFIRMED')).toUpperCase()
      ] ?? 'CONF',
    class: CLASS[(textProp(c, 'class') ?? 'PUBLIC').toUpperCase()] ?? 'PUB',
    allDay,
    noBlob: true,
    isOrg: !organizer || String(organizer['a']).toLowerCase() === options.ownerEmail.toLowerCase(),
  };
  if (item.kind === 'appointment') {
    const transp = (textProp(c, 'transp') ?? 'OPAQUE').toUpperCase() === 'TRANSPARENT' ? 'T' : 'O';
    Object.assign(json, { fb: transp === 'T' ? 'F' : 'B', fba: transp === 'T' ? 'F' : 'B', transp });
  } else {
    json['percentComplete'] = textProp(c, 'percent-complete') ?? '0';
    const completed = timeProp(c, 'completed');
    if (completed) json['completed'] = formatUtcStamp(toUtcMs(completed), false);
  }
  const priority = textProp(c, 'priority');
  if (priority !== undefined) json['priority'] = priority;
  if (organizer) json['or'] = organizer;
  const attendees = attendeesJson(c);
  if (attendees.length > 0) json['at'] = attendees;
  const alarms = alarmsJson(c);
  if (alarms.length > 0) json['alarm'] = alarms;
  if (start) json['s'] = [dateTimeJson(start, options)];
  if (end) {
    const shown = allDay && item.kind === 'appointment' ? end.clone() : end;
    if (allDay && item.kind === 'appointment') shown.adjust(-1, 0, 0, 0);
    json['e'] = [dateTimeJson(shown, options)];
  }
  if (invite.recurrenceId) {
    json['ex'] = true;
    json['ridZ'] = formatUtcStamp(toUtcMs(invite.recurrenceId), invite.recurrenceId.isDate);
    const exceptId: Json = { d: formatIcalDate(invite.recurrenceId) };
    const tzid = tzidOf(invite.recurrenceId);
    if (tzid) exceptId['tz'] = tzid;
    json['exceptId'] = [exceptId];
  } else {
    const recur = encodeRecurrence(c);
    if (recur) json['recur'] = [recur];
  }
  const desc = textProp(c, 'description');
  if (desc !== undefined) json['desc'] = [{ _content: desc }];
  const html = textProp(c, 'x-alt-desc');
  if (html !== undefined) json['descHtml'] = [{ _content: html }];
  const categories = c.getAllProperties('categories').flatMap((p) => p.getValues().map(String));
  if (categories.length > 0) json['category'] = categories.map((cat) => ({ _content: cat }));
  const url = textProp(c, 'url');
  if (url !== undefined) json['url'] = url;
  if (start && !isUtc(start) && !start.isDate && !tzidOf(start)) json['isFloating'] = true;
  return json;
}

export function invitesJson(item: CalendarItem, options: CalendarEncodeOptions): Json[] {
  return item.invites.map((invite) => ({
    type: item.kind === 'task' ? 'task' : 'appt',
    seq: Number(textProp(invite.component, 'sequence') ?? 0) || 0,
    id: invite.id,
    compNum: 0,
    ...(item.timezones.length > 0 && invite === item.invites[0]
      ? { tz: item.timezones.map(timezoneJson) }
      : {}),
    comp: [componentJson(item, invite, options)],
  }));
}

function timezoneJson(vtz: ICAL.Component): Json {
  const tzid = textProp(vtz, 'tzid') ?? '';
  const standard = vtz.getFirstSubcomponent('standard');
  const daylight = vtz.getFirstSubcomponent('daylight');
  const offset = (sub: ICAL.Component | null): number => {
    const value: unknown = sub?.getFirstPropertyValue('tzoffsetto');
    return value instanceof ICAL.UtcOffset ? value.toSeconds() / 60 : 0;
  };
  const json: Json = { id: tzid, stdoff: offset(standard) };
  if (daylight) {
    json['dayoff'] = offset(daylight);
    json['standard'] = [transitionJson(standard)];
    json['daylight'] = [transitionJson(daylight)];
  }
  const stdname = standard ? textProp(standard, 'tzname') : undefined;
  if (stdname) json['stdname'] = stdname;
  const dayname = daylight ? textProp(daylight, 'tzname') : undefined;
  if (dayname) json['dayname'] = dayname;
  return json;
}

function transitionJson(sub: ICAL.Component | null): Json {
  const start = sub ? timeProp(sub, 'dtstart') : undefined;
  const rule: unknown = sub?.getFirstPropertyValue('rrule');
  const json: Json = { hour: start?.hour ?? 0, min: start?.minute ?? 0, sec: start?.second ?? 0 };
  if (rule instanceof ICAL.Recur) {
    const byday = rule.parts['BYDAY']?.[0];
    const match = typeof byday === 'string' ? /^([+-]?\d)?(SU|MO|TU|WE|TH|FR|SA)$/.exec(byday) : null;
    json['mon'] = Number(rule.parts['BYMONTH']?.[0] ?? start?.month ?? 1);
    if (match) {
      json['week'] = Number(match[1] ?? 1);
      json['wkday'] = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'].indexOf(match[2] ?? 'SU') + 1;
    }
  } else if (start) {
    Object.assign(json, { mon: start.month, mday: start.day });
  }
  return json;
}
