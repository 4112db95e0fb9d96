/** In-memory model of the emulated Zimbra directory and mailboxes, built from the data dir (again on reload). */
import type ICAL from 'ical.js';

import type { MessageSummary } from './message-summary.ts';

export type AccountStatus = 'active' | 'locked' | 'closed' | 'maintenance';

export interface Folder {
  readonly id: number;
  readonly name: string;
  readonly parentId: number;
  /** Absolute path as Zimbra writes it: "/" for the root, "/Inbox/Sub" below. */
  readonly path: string;
  readonly view: string | undefined;
  readonly flags: string;
  readonly system: boolean;
  readonly uuid: string;
  readonly children: Folder[];
  /** What GetFolderResponse calls it: a mountpoint is a `link`, a saved search a `search` (zimbra.md §4.3). */
  readonly kind?: 'link' | 'search';
  /** A saved search's query. */
  readonly query?: string;
  /** A mountpoint's owner (email) and the owner's folder id. */
  readonly owner?: string;
  readonly remoteId?: number;
  /** A feed or remote calendar synced from this URL (`url` attribute). */
  readonly url?: string;
}

export interface Tag {
  readonly id: number;
  readonly name: string;
  readonly color?: number;
  readonly rgb?: string;
}

interface ItemBase {
  readonly id: number;
  readonly folderId: number;
  readonly uuid: string;
  /** Item date in epoch ms (received date for messages). */
  readonly date: number;
  readonly size: number;
  readonly flags: string;
  readonly tags: readonly string[];
  /** Modified and saved sequence (`ms`, `rev`) once the item was edited (see reload.ts); its id before. */
  readonly modSeq?: number;
}

export interface MessageItem extends ItemBase {
  readonly kind: 'message';
  /** Absolute path of the raw RFC 822 file, served byte for byte. */
  readonly file: string;
  readonly summary: MessageSummary;
}

export type ContactAttrs = Record<string, string | string[]>;

export interface ContactMember {
  readonly type: 'C' | 'G' | 'I';
  readonly value: string;
}

/** A contact photo: Zimbra keeps it as a part of the contact's blob, described by `_attrs.image`. */
export interface ContactPhoto {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly filename: string;
}

export interface ContactItem extends ItemBase {
  readonly kind: 'contact';
  readonly attrs: ContactAttrs;
  readonly members: readonly ContactMember[];
  readonly fileAsStr: string;
  readonly photo: ContactPhoto | undefined;
}

export interface Invite {
  readonly id: number;
  readonly component: ICAL.Component;
  /** RECURRENCE-ID of an exception, undefined for the series (or a single event). */
  readonly recurrenceId: ICAL.Time | undefined;
}

export interface CalendarItem extends ItemBase {
  readonly kind: 'appointment' | 'task';
  readonly uid: string;
  readonly invites: readonly Invite[];
  /** VTIMEZONE components referenced by the invites. */
  readonly timezones: readonly ICAL.Component[];
}

export type Item = MessageItem | ContactItem | CalendarItem;
export type ItemKind = Item['kind'];

export interface FolderStats {
  /** Items directly in the folder. */
  n: number;
  /** Unread messages. */
  u: number;
  /** Total bytes. */
  s: number;
  /** Highest item id in the folder (IMAP uidnext − 1). */
  maxId: number;
}

export interface Mailbox {
  readonly folders: Map<number, Folder>;
  readonly stats: Map<number, FolderStats>;
  readonly items: Map<number, Item>;
  readonly tags: Tag[];
  /** Filter rules in GetFilterRulesResponse JSON form. */
  readonly filterRules: readonly unknown[];
  /** Outgoing filter rules (GetOutgoingFilterRulesResponse), same form. */
  readonly outgoingFilterRules: readonly unknown[];
  /** Signatures in GetSignaturesResponse JSON form: {id, name, content: [{type, _content}]}. */
  readonly signatures: readonly unknown[];
  readonly prefs: Record<string, string | string[]>;
  /** Mailbox change sequence reported in the SOAP header. */
  readonly changeId: number;
}

export interface Account {
  readonly email: string;
  readonly id: string;
  readonly displayName: string | undefined;
  readonly password: string;
  readonly status: AccountStatus;
  readonly twoFactor: boolean;
  readonly isAdmin: boolean;
  readonly mailbox: Mailbox;
}

export interface Directory {
  readonly version: string;
  readonly defaultDomain: string;
  readonly admin: Account;
  /** All accounts by lower-cased email, the admin included. */
  readonly accounts: Map<string, Account>;
}
