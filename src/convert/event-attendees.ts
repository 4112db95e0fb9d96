/**
 * Meeting participants, and why Ferry normally leaves Graph's `attendees` empty.
 *
 * No invitation, update or cancellation may ever reach an attendee because of a migration. In Graph
 * v1.0 the mailbox owner becomes the organizer of every event created in their calendar, and
 * creating an event with `attendees` — or changing its attendees or time later, which is how
 * exceptions are written — sends meeting requests, even for meetings long past. There is no
 * "SendToNone" as in EWS (microsoft-graph.md §8). So by default ('describe') events are created
 * without `attendees`, and the meeting is preserved in three places: a short header block at the
 * top of the body (organizer, then each attendee with role and response; an exception carries its
 * own list), the named property FerryAttendees holding the same facts as JSON so a tool can restore
 * them later, and `responseRequested: false`. Customers who accept re-invitations can opt in with
 * 'invite', which puts the real attendees into the payload.
 */
import type ICAL from 'ical.js';
import type { GraphExtendedProperty } from '../domain/mail.ts';
import { ferryNamedPropertyId } from './extended-properties.ts';
import { stringParam } from './ical-reading.ts';

export type AttendeeMode = 'describe' | 'invite';
export type AttendeeRole = 'required' | 'optional' | 'resource';
export type AttendeeResponse = 'accepted' | 'declined' | 'tentative' | 'delegated' | 'notResponded';

export interface Participant {
  readonly name: string | undefined;
  readonly address: string;
}

export interface Attendee extends Participant {
  readonly role: AttendeeRole;
  readonly response: AttendeeResponse;
}

export interface Meeting {
  readonly organizer: Participant | undefined;
  readonly attendees: readonly Attendee[];
}

export const ATTENDEES_PROPERTY_ID = ferryNamedPropertyId('FerryAttendees');

/** Graph refuses events with more attendees [D]. */
export const MAX_GRAPH_ATTENDEES = 500;

const RESPONSES: Readonly<Record<string, AttendeeResponse>> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
  DELEGATED: 'delegated',
};

const RESPONSE_LABELS: Readonly<Record<AttendeeResponse, string>> = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentative',
  delegated: 'delegated',
  notResponded: 'not responded',
};

function participant(prop: ICAL.Property): Participant | undefined {
  const value = String(prop.getFirstValue() ?? '').trim();
  const address = value.replace(/^mailto:/i, '').trim();
  const name = stringParam(prop, 'cn')?.trim();
  if (address === '' && (name === undefined || name === '')) return undefined;
  return { name: name === '' ? undefined : name, address };
}

function roleOf(prop: ICAL.Property): AttendeeRole {
  const cutype = (stringParam(prop, 'cutype') ?? '').toUpperCase();
  if (cutype === 'RESOURCE' || cutype === 'ROOM') return 'resource';
  const role = (stringParam(prop, 'role') ?? 'REQ-PARTICIPANT').toUpperCase();
  return role === 'OPT-PARTICIPANT' || role === 'NON-PARTICIPANT' ? 'optional' : 'required';
}

export function readMeeting(component: ICAL.Component): Meeting {
  const organizerProp = component.getFirstProperty('organizer');
  const organizer = organizerProp === null ? undefined : participant(organizerProp);
  const attendees = component.getAllProperties('attendee').flatMap((prop): Attendee[] => {
    const who = participant(prop);
    if (who === undefined) return [];
    const response = RESPONSES[(stringParam(prop, 'partstat') ?? '').toUpperCase()] ?? 'notResponded';
    return [{ ...who, role: roleOf(prop), response }];
  });
  return { organizer, attendees };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function who(p: Participant): string {
  if (p.name === undefined || p.name === p.address) return escapeHtml(p.address);
  return p.address === '' ? escapeHtml(p.name) : `${escapeHtml(p.name)} &lt;${escapeHtml(p.address)}&gt;`;
}

/** The header block placed at the top of the body; empty when the event has no attendees. */
export function meetingBlock(meeting: Meeting): string {
  if (meeting.attendees.length === 0) return '';
  const organizer = meeting.organizer === undefined ? '' : `<p>Organizer: ${who(meeting.organizer)}</p>`;
  const items = meeting.attendees
    .map((a) => `<li>${who(a)} — ${a.role}, ${RESPONSE_LABELS[a.response]}</li>`)
    .join('');
  return `<div class="ferry-meeting">${organizer}<p>Attendees:</p><ul>${items}</ul></div><hr>`;
}

/** The FerryAttendees property, or undefined when there is nothing to keep. */
export function meetingProperty(meeting: Meeting): GraphExtendedProperty | undefined {
  if (meeting.attendees.length === 0 && meeting.organizer === undefined) return undefined;
  return { id: ATTENDEES_PROPERTY_ID, value: JSON.stringify(meeting) };
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Graph `attendees` for the 'invite' mode: those with a usable address, at most Graph's limit. */
export function graphAttendees(meeting: Meeting): {
  readonly attendees: readonly Record<string, unknown>[];
  readonly left: number;
} {
  const usable = meeting.attendees.filter((a) => EMAIL.test(a.address));
  const attendees = usable.slice(0, MAX_GRAPH_ATTENDEES).map((a) => ({
    emailAddress: a.name === undefined ? { address: a.address } : { name: a.name, address: a.address },
    type: a.role,
  }));
  return { attendees, left: meeting.attendees.length - attendees.length };
}
