/**
 * Contacts, calendars and tasks ("PIM" items) as the engine, `convert/`, `zimbra/` and `graph/`
 * exchange them. The source hands over what Zimbra stores (native contact attributes, the
 * iCalendar of a calendar item or task); `convert/` turns that into Graph create payloads; the
 * destination writes them. Every payload carries Ferry's idempotency stamp.
 */
import type { GraphExtendedProperty, LargeAttachment } from './mail.ts';

export const PIM_KINDS = ['contacts', 'calendar', 'tasks'] as const;
export type PimKind = (typeof PIM_KINDS)[number];

/** One item of a contact, calendar or task folder, as the folder listing reports it. */
export interface SourcePimRef {
  readonly id: string;
  readonly folderId: string;
  readonly kind: PimKind;
  /** Zimbra's modification sequence or date: a change here means the item changed since the last pass. */
  readonly revision: string;
  readonly sizeBytes: number;
  readonly tags: readonly string[];
  /** Subject, title or display name, for reports when the project logs subjects. */
  readonly subject: string | undefined;
}

/** A contact as Zimbra stores it (`GetContactsRequest`, zimbra.md §6): native attributes, unknown keys kept. */
export interface SourceContact {
  readonly ref: SourcePimRef;
  /** `_attrs`: single values as strings, multi-valued fields as arrays. */
  readonly attrs: Readonly<Record<string, string | readonly string[]>>;
  /** The contact photo, when it has one. */
  readonly photo: { readonly contentType: string; readonly bytes: Uint8Array } | undefined;
  /** For a contact group: its members resolved to addresses (local contacts dereferenced). */
  readonly groupMembers: readonly { readonly name: string | undefined; readonly address: string }[];
}

/** A calendar item or task: the iCalendar Zimbra exports for it (series, exceptions and time zones). */
export interface SourceCalendarItem {
  readonly ref: SourcePimRef;
  /** One VCALENDAR: VTIMEZONEs, the series VEVENT/VTODO and one VEVENT per exception (same UID + RECURRENCE-ID). */
  readonly ics: string;
}

/** One occurrence as Zimbra expands it (`calExpandInstStart/End`), for ZimbraCalendarExpandInstances=1. */
export interface SourceCalendarInstance {
  readonly itemId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly allDay: boolean;
  /** RECURRENCE-ID in UTC (`ridZ`), e.g. "20240207T080000Z"; undefined for a single event. */
  readonly recurrenceIdUtc: string | undefined;
}

export type GraphPayload = Readonly<Record<string, unknown>>;

/** Graph `contact` create/update body (v1.0 fields only) plus what needs separate requests. */
export interface ConvertedContact {
  readonly contact: GraphPayload & {
    readonly singleValueExtendedProperties: readonly GraphExtendedProperty[];
  };
  readonly photo: { readonly contentType: string; readonly bytes: Uint8Array } | undefined;
  /** Set for a contact group: the destination makes a personal distribution list where it can. */
  readonly distributionList:
    | {
        readonly displayName: string;
        readonly members: readonly { readonly name: string | undefined; readonly address: string }[];
      }
    | undefined;
  /** Things the admin should know (a 4th e-mail address kept in the notes, …); never a reason to skip. */
  readonly notes: readonly string[];
  readonly contentHash: string;
}

/** One Graph event create body with the stamp that identifies it. */
export interface GraphEventDraft {
  readonly stamp: string;
  readonly event: GraphPayload;
}

/**
 * How one Zimbra calendar item lands in Graph: a series (master + changed + cancelled occurrences),
 * or single events (a single appointment, or a series Graph's recurrence model cannot express).
 */
export interface ConvertedCalendarItem {
  readonly series:
    | {
        readonly master: GraphEventDraft;
        /** Occurrence changes, matched on the occurrence's original start in UTC ("2024-02-07T08:00:00Z"). */
        readonly exceptions: readonly { readonly originalStartUtc: string; readonly patch: GraphPayload }[];
        readonly cancelledOriginalStartsUtc: readonly string[];
      }
    | undefined;
  readonly singles: readonly GraphEventDraft[];
  readonly notes: readonly string[];
  readonly contentHash: string;
  /** Files attached to the appointment in Zimbra: added to the series master or each single. */
  readonly attachments?: readonly LargeAttachment[];
  /** Attachments that could not be carried over, each with why (reported on the item). */
  readonly attachmentsLeftOut?: readonly string[];
}

export interface ConvertedTask {
  /** Graph `todoTask` create body, with a linkedResource carrying the stamp. */
  readonly task: GraphPayload;
  readonly notes: readonly string[];
  readonly contentHash: string;
}

/** An occurrence of a created series as Graph lists it (`/events/{id}/instances`). */
export interface DestinationOccurrence {
  readonly id: string;
  /** ISO instant in UTC: "2024-02-07T08:00:00Z". */
  readonly originalStartUtc: string;
}

export interface PimContainerRequest {
  readonly kind: PimKind;
  /** Names from the top down, already resolved for clashes; the role's default container when `role` is set. */
  readonly path: readonly string[];
  /** Zimbra's Contacts (7), Calendar (10) or Tasks (15): the destination's default container is used. */
  readonly isDefault: boolean;
  /** Graph calendar colour name (`lightBlue`, …) for calendars. */
  readonly color: string | undefined;
}
