import type { StoredItem } from './item-store.ts';
import type { Invitation, Mailbox } from './mailbox.ts';

/**
 * Meeting mail Exchange sends for the organizer (the mailbox owner, always [O]): requests when an
 * event with attendees is created, updates when a meeting's attendees, time, place or recurrence
 * change, cancellations when a meeting (or one occurrence) is deleted or cancelled. Graph has no
 * switch to suppress this: responseRequested:false only drops the RSVP request [D/O].
 */
export function attendeeAddresses(data: Record<string, unknown>, owner: string): string[] {
  const attendees = Array.isArray(data.attendees)
    ? (data.attendees as { emailAddress?: { address?: unknown } }[])
    : [];
  const addresses = attendees
    .map((a) => a.emailAddress?.address)
    .filter((a): a is string => typeof a === 'string' && a !== '');
  return [...new Set(addresses.map((a) => a.toLowerCase()))].filter((a) => a !== owner.toLowerCase());
}

function record(
  mailbox: Mailbox,
  event: StoredItem,
  kind: Invitation['kind'],
  recipients: string[],
  occurrence?: string,
): void {
  if (recipients.length === 0) return;
  mailbox.invitations.push({
    kind,
    eventId: event.immutableId,
    subject: typeof event.data.subject === 'string' ? event.data.subject : '',
    recipients,
    ...(occurrence === undefined ? {} : { occurrence }),
    at: new Date().toISOString(),
  });
}

export function inviteOnCreate(mailbox: Mailbox, event: StoredItem): void {
  record(mailbox, event, 'request', attendeeAddresses(event.data, mailbox.user.userPrincipalName));
}

const SCHEDULE_FIELDS = ['start', 'end', 'recurrence', 'location', 'locations', 'isAllDay'];

/** After a PATCH of a series or single event: `before` is the data prior to the change. */
export function inviteOnUpdate(
  mailbox: Mailbox,
  event: StoredItem,
  before: Record<string, unknown>,
  changed: readonly string[],
): void {
  const owner = mailbox.user.userPrincipalName;
  const previous = attendeeAddresses(before, owner);
  const current = attendeeAddresses(event.data, owner);
  const added = current.filter((a) => !previous.includes(a));
  const removed = previous.filter((a) => !current.includes(a));
  const rescheduled = changed.some(
    (name) =>
      SCHEDULE_FIELDS.includes(name) && JSON.stringify(before[name]) !== JSON.stringify(event.data[name]),
  );
  if (rescheduled) record(mailbox, event, 'update', current);
  else record(mailbox, event, 'request', added);
  record(mailbox, event, 'cancellation', removed);
}

/** After a PATCH of one occurrence of a meeting. */
export function inviteOnOccurrenceUpdate(
  mailbox: Mailbox,
  master: StoredItem,
  date: string,
  changed: readonly string[],
): void {
  if (changed.some((name) => SCHEDULE_FIELDS.includes(name))) {
    record(mailbox, master, 'update', attendeeAddresses(master.data, mailbox.user.userPrincipalName), date);
  }
}

/** After a DELETE or cancel of a meeting (or, with `date`, of one of its occurrences). */
export function inviteOnCancel(mailbox: Mailbox, event: StoredItem, date?: string): void {
  record(mailbox, event, 'cancellation', attendeeAddresses(event.data, mailbox.user.userPrincipalName), date);
}
