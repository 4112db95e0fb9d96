/** What Ferry reads from the source mailbox, independent of how Zimbra encodes it. */
export const FOLDER_VIEWS = ['message', 'contact', 'appointment', 'task', 'other'] as const;
export type FolderView = (typeof FOLDER_VIEWS)[number];

/** Zimbra's system folders by id (zimbra.md §4.2); names are localised in the UI, ids are not. */
export const SYSTEM_FOLDER_IDS = {
  inbox: '2',
  trash: '3',
  junk: '4',
  sent: '5',
  drafts: '6',
  contacts: '7',
  calendar: '10',
  emailedContacts: '13',
  tasks: '15',
} as const;
export type SystemFolderRole = keyof typeof SYSTEM_FOLDER_IDS;

export interface SourceFolder {
  readonly id: string;
  readonly parentId: string | undefined;
  readonly name: string;
  /** Names from the top joined with "/", without a leading slash: "Inbox/Projects". */
  readonly path: string;
  readonly view: FolderView;
  readonly role: SystemFolderRole | undefined;
  /** Items Zimbra counts in this folder alone (from its database, not its search index). */
  readonly itemCount: number;
  readonly sizeBytes: number;
  /** Zimbra colour index (0–9) or "#rrggbb". */
  readonly color: string | undefined;
}

export interface SourceMessageRef {
  readonly id: string;
  readonly folderId: string;
  readonly sizeBytes: number;
  readonly receivedMs: number;
  readonly flags: string;
  readonly tags: readonly string[];
  readonly subject: string | undefined;
}

export interface SourcePage<T> {
  readonly items: readonly T[];
  /** Opaque position after the last item; undefined when the folder is exhausted. */
  readonly next: string | undefined;
}

/** A Zimbra tag: it becomes an Outlook category of the nearest colour. */
export interface SourceTag {
  readonly id: string;
  readonly name: string;
  /** Zimbra colour index 0–9. */
  readonly color: number | undefined;
  /** "#rrggbb", when the tag has a custom colour. */
  readonly rgb: string | undefined;
}

import type { SourceMailboxSettings } from './mailbox-settings.ts';
import type {
  PimKind,
  SourceCalendarInstance,
  SourceCalendarItem,
  SourceContact,
  SourcePimRef,
} from './pim.ts';

/** What the engine reads from the source system (Zimbra); `zimbra/` implements it. */
export interface Source {
  listTags(mailbox: string): Promise<SourceTag[]>;
  /**
   * The mailbox owner's time zone as the source names it (Zimbra: an Olson id such as
   * "Europe/Berlin"); undefined when unset or unreadable, which is never a reason to fail.
   */
  mailboxTimeZone(mailbox: string): Promise<string | undefined>;
  listFolders(mailbox: string): Promise<SourceFolder[]>;
  /** One page of a folder's messages, oldest first, continuing after `cursor`. */
  listMessages(
    mailbox: string,
    folderId: string,
    cursor: string | undefined,
    pageSize?: number,
  ): Promise<SourcePage<SourceMessageRef>>;
  /** The stored RFC 822 bytes, verified against the size the source reported. */
  fetchRawMessage(mailbox: string, message: SourceMessageRef): Promise<Uint8Array>;
  /** One page of a contact, calendar or task folder, continuing after `cursor`. */
  listPimItems(
    mailbox: string,
    folderId: string,
    kind: PimKind,
    cursor: string | undefined,
    pageSize?: number,
  ): Promise<SourcePage<SourcePimRef>>;
  /** The contact's attributes, photo and (for a group) resolved members. */
  fetchContact(mailbox: string, ref: SourcePimRef): Promise<SourceContact>;
  /** The iCalendar of one appointment or task, exceptions and time zones included. */
  fetchCalendarItem(mailbox: string, ref: SourcePimRef): Promise<SourceCalendarItem>;
  /** Occurrences Zimbra computes for the folder's appointments in [fromMs, toMs) (any window length). */
  listCalendarInstances(
    mailbox: string,
    folderId: string,
    fromMs: number,
    toMs: number,
  ): Promise<SourceCalendarInstance[]>;
  /** Filters (incoming and outgoing), out-of-office, forwarding and signatures. */
  readMailboxSettings(mailbox: string): Promise<SourceMailboxSettings>;
}
