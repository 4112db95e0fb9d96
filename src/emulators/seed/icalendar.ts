/**
 * iCalendar writer for generated events and tasks: one VCALENDAR per file with the VTIMEZONEs its
 * components use, Zimbra-style properties, attendees, alarms and HTML descriptions.
 */
import { contentLines, dateStamp, escapeText, localStamp, utcStamp } from './ical-text.ts';
import type { Person } from './people.ts';
import { tzidParam, vtimezone, type Tzid } from './timezones.ts';

/** A wall-clock time (ms read as UTC) in a zone, in UTC (`Z`), floating, or a whole day. */
export interface When {
  readonly wallMs: number;
  readonly zone: Tzid | 'UTC' | 'floating' | 'date';
}

export interface Attendee {
  readonly person: Person;
  readonly partstat: 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | 'NEEDS-ACTION';
  readonly role: 'REQ-PARTICIPANT' | 'OPT-PARTICIPANT' | 'CHAIR' | 'NON-PARTICIPANT';
}

/** Everything shared by VEVENT and VTODO; unset properties are left out. */
export interface Component {
  readonly uid: string;
  readonly summary: string;
  readonly stampMs: number;
  readonly description?: string;
  readonly htmlDescription?: string;
  readonly location?: string;
  readonly start?: When;
  readonly end?: When;
  readonly due?: When;
  readonly rrule?: string;
  readonly exdates?: readonly When[];
  readonly rdates?: readonly When[];
  readonly recurrenceId?: When;
  readonly organizer?: Person;
  readonly attendees?: readonly Attendee[];
  readonly status?: string;
  readonly transp?: 'OPAQUE' | 'TRANSPARENT';
  readonly busyStatus?: 'FREE' | 'TENTATIVE' | 'BUSY' | 'OOF';
  readonly klass?: 'PUBLIC' | 'PRIVATE' | 'CONFIDENTIAL';
  readonly priority?: number;
  readonly categories?: readonly string[];
  readonly alarmMinutes?: number;
  readonly sequence?: number;
  readonly percentComplete?: number;
  readonly completedMs?: number;
}

function when(name: string, value: When): string {
  if (value.zone === 'date') return `${name};VALUE=DATE:${dateStamp(value.wallMs)}`;
  if (value.zone === 'UTC') return `${name}:${utcStamp(value.wallMs)}`;
  if (value.zone === 'floating') return `${name}:${localStamp(value.wallMs)}`;
  return `${name}${tzidParam(value.zone)}:${localStamp(value.wallMs)}`;
}

function whenList(name: string, values: readonly When[]): string {
  const first = values[0];
  if (first === undefined) return '';
  const rendered = values.map((v) => when(name, v).split(':').at(-1) ?? '');
  return `${when(name, first).split(':').slice(0, -1).join(':')}:${rendered.join(',')}`;
}

function person(p: Person): string {
  const cn = /^[\x20-\x7e]*$/.test(p.name) && !/[:;,]/.test(p.name) ? p.name : `"${p.name}"`;
  return `CN=${cn}:mailto:${p.email}`;
}

function componentLines(kind: 'VEVENT' | 'VTODO', c: Component): string[] {
  const lines = [`BEGIN:${kind}`, `UID:${c.uid}`, `DTSTAMP:${utcStamp(c.stampMs)}`];
  if (c.recurrenceId !== undefined) lines.push(when('RECURRENCE-ID', c.recurrenceId));
  lines.push(`SUMMARY:${escapeText(c.summary)}`);
  if (c.location !== undefined) lines.push(`LOCATION:${escapeText(c.location)}`);
  if (c.description !== undefined) lines.push(`DESCRIPTION:${escapeText(c.description)}`);
  if (c.htmlDescription !== undefined)
    lines.push(`X-ALT-DESC;FMTTYPE=text/html:${escapeText(c.htmlDescription)}`);
  if (c.start !== undefined) lines.push(when('DTSTART', c.start));
  if (c.end !== undefined) lines.push(when('DTEND', c.end));
  if (c.due !== undefined) lines.push(when('DUE', c.due));
  if (c.rrule !== undefined) lines.push(`RRULE:${c.rrule}`);
  if (c.rdates !== undefined && c.rdates.length > 0) lines.push(whenList('RDATE', c.rdates));
  if (c.exdates !== undefined && c.exdates.length > 0) lines.push(whenList('EXDATE', c.exdates));
  if (c.organizer !== undefined) lines.push(`ORGANIZER;${person(c.organizer)}`);
  for (const a of c.attendees ?? []) {
    const rsvp = a.partstat === 'NEEDS-ACTION' ? ';RSVP=TRUE' : '';
    lines.push(`ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=${a.role};PARTSTAT=${a.partstat}${rsvp};${person(a.person)}`);
  }
  if (c.status !== undefined) lines.push(statusLine(c.status));
  if (c.percentComplete !== undefined) lines.push(`PERCENT-COMPLETE:${c.percentComplete}`);
  if (c.completedMs !== undefined) lines.push(`COMPLETED:${utcStamp(c.completedMs)}`);
  if (c.transp !== undefined) lines.push(`TRANSP:${c.transp}`);
  if (c.busyStatus !== undefined)
    lines.push(
      `X-MICROSOFT-CDO-BUSYSTATUS:${c.busyStatus}`,
      `X-MICROSOFT-CDO-INTENDEDSTATUS:${c.busyStatus}`,
    );
  if (c.klass !== undefined) lines.push(`CLASS:${c.klass}`);
  if (c.priority !== undefined) lines.push(`PRIORITY:${c.priority}`);
  if (c.categories !== undefined && c.categories.length > 0)
    lines.push(`CATEGORIES:${c.categories.map(escapeText).join(',')}`);
  lines.push(`SEQUENCE:${c.sequence ?? 0}`);
  if (c.alarmMinutes !== undefined) {
    lines.push(
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `TRIGGER;RELATED=START:-PT${c.alarmMinutes}M`,
      'DESCRIPTION:Reminder',
      'END:VALARM',
    );
  }
  lines.push(`END:${kind}`);
  return lines;
}

function zonesOf(components: readonly Component[]): Tzid[] {
  const zones = new Set<Tzid>();
  for (const c of components) {
    for (const w of [c.start, c.end, c.due, c.recurrenceId, ...(c.exdates ?? []), ...(c.rdates ?? [])]) {
      if (w !== undefined && w.zone !== 'UTC' && w.zone !== 'floating' && w.zone !== 'date')
        zones.add(w.zone);
    }
  }
  return [...zones].sort();
}

/** A whole VCALENDAR (CRLF, folded) holding `components` of one kind and their time zones. */
export function calendarFile(kind: 'VEVENT' | 'VTODO', components: readonly Component[]): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'X-WR-CALNAME:Ferry seed',
    'PRODID:Zimbra-Calendar-Provider',
    'VERSION:2.0',
    'METHOD:PUBLISH',
  ];
  for (const zone of zonesOf(components)) lines.push(...vtimezone(zone));
  for (const c of components) lines.push(...componentLines(kind, c));
  lines.push('END:VCALENDAR');
  return contentLines(lines);
}

/**
 * Zimbra's own task statuses (waiting, deferred) are written as a parameter on IN-PROCESS, the
 * nearest standard value, so other clients still read the task as in progress (zm-mailbox
 * calendar/Invite.java reads STATUS's X-ZIMBRA-STATUS parameter back into WAITING/DEFERRED).
 */
function statusLine(status: string): string {
  return status.startsWith('X-ZIMBRA-STATUS-')
    ? `STATUS;X-ZIMBRA-STATUS=${status}:IN-PROCESS`
    : `STATUS:${status}`;
}
