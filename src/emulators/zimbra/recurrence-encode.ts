/** RRULE/RDATE/EXDATE → Zimbra `recur` JSON (soap-calendar.txt recurrence rule elements). */
import ICAL from 'ical.js';

import { formatIcalDate, tzidOf } from './icalendar.ts';

type Json = Record<string, unknown>;

const FREQ: Record<string, string> = {
  SECONDLY: 'SEC',
  MINUTELY: 'MIN',
  HOURLY: 'HOU',
  DAILY: 'DAI',
  WEEKLY: 'WEE',
  MONTHLY: 'MON',
  YEARLY: 'YEA',
};

function list(values: unknown): string {
  return (Array.isArray(values) ? values : [values]).map(String).join(',');
}

function ruleJson(rule: ICAL.Recur): Json {
  const json: Json = { freq: FREQ[rule.freq] ?? rule.freq };
  if (rule.until) json['until'] = [{ d: formatIcalDate(rule.until) }];
  else if (rule.count) json['count'] = [{ num: rule.count }];
  if (rule.interval && rule.interval !== 1) json['interval'] = [{ ival: rule.interval }];
  else json['interval'] = [{ ival: 1 }];
  const parts = rule.parts as Record<string, unknown>;
  const byday = parts['BYDAY'];
  if (byday) {
    json['byday'] = [
      {
        wkday: (Array.isArray(byday) ? byday : [byday]).map((d) => {
          const m = /^([+-]?\d+)?([A-Z]{2})$/.exec(String(d));
          return m?.[1] ? { ordwk: Number(m[1]), day: m[2] } : { day: m?.[2] ?? String(d) };
        }),
      },
    ];
  }
  const simple: [string, string, string][] = [
    ['BYMONTHDAY', 'bymonthday', 'modaylist'],
    ['BYMONTH', 'bymonth', 'molist'],
    ['BYYEARDAY', 'byyearday', 'yrdaylist'],
    ['BYWEEKNO', 'byweekno', 'wklist'],
    ['BYSETPOS', 'bysetpos', 'poslist'],
    ['BYHOUR', 'byhour', 'hrlist'],
    ['BYMINUTE', 'byminute', 'minlist'],
    ['BYSECOND', 'bysecond', 'seclist'],
  ];
  for (const [part, element, attr] of simple) {
    if (parts[part] !== undefined) json[element] = [{ [attr]: list(parts[part]) }];
  }
  if (rule.wkst !== undefined && rule.wkst !== ICAL.Time.MONDAY) {
    json['wkst'] = [{ day: ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][rule.wkst - 1] ?? 'MO' }];
  }
  return json;
}

function datesJson(props: ICAL.Property[]): Json[] {
  return props.flatMap((prop) => {
    const times = prop.getValues().filter((v): v is ICAL.Time => v instanceof ICAL.Time);
    if (times.length === 0) return [];
    const first = times[0];
    const json: Json = { dtval: times.map((t) => ({ s: [{ d: formatIcalDate(t) }] })) };
    const tzid = first ? tzidOf(first) : undefined;
    if (tzid) json['tz'] = tzid;
    return [json];
  });
}

export function encodeRecurrence(component: ICAL.Component): Json | undefined {
  const add: Json[] = [];
  for (const prop of component.getAllProperties('rrule')) {
    const value: unknown = prop.getFirstValue();
    if (value instanceof ICAL.Recur) add.push({ rule: [ruleJson(value)] });
  }
  const rdates = datesJson(component.getAllProperties('rdate'));
  if (rdates.length > 0) add.push({ dates: rdates });
  const exdates = datesJson(component.getAllProperties('exdate'));
  if (add.length === 0) return undefined;
  const json: Json = { add };
  if (exdates.length > 0) json['exclude'] = [{ dates: exdates }];
  return json;
}
