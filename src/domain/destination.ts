import type { GraphExtendedProperty, GraphMessageDraft, LargeAttachment } from './mail.ts';
import type {
  ConvertedContact,
  DestinationOccurrence,
  GraphPayload,
  PimContainerRequest,
  PimKind,
} from './pim.ts';
import type { SystemFolderRole } from './source.ts';

/**
 * What the engine needs from the destination mailbox (Microsoft 365 through Graph). The engine
 * works only through this port; `graph/` implements it, the emulator proves it.
 */
export interface DestinationMailboxInfo {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
}

export interface DestinationFolderRequest {
  /** Display names from the top of the mailbox down, already resolved for clashes: ["Inbox", "Projects"]. */
  readonly path: readonly string[];
  /** The Zimbra system folder this is, so it maps to the well-known folder instead of a new one. */
  readonly role: SystemFolderRole | undefined;
}

export interface DestinationUsage {
  readonly requests: number;
  readonly throttled: number;
  readonly throttledWaitMs: number;
  readonly uploadBytes: number;
}

/** The PATCH that follows an importMime: fields a message can change after delivery, and the stamp. */
export interface MessageImportFollowUp {
  readonly isRead: boolean;
  readonly importance: GraphMessageDraft['importance'];
  readonly flag: GraphMessageDraft['flag'];
  readonly categories: readonly string[];
  readonly singleValueExtendedProperties: readonly GraphExtendedProperty[];
}

export interface DestinationMailbox {
  /** The mailbox exists and has a mailbox enabled for Graph; otherwise a UserError saying which. */
  verify(): Promise<DestinationMailboxInfo>;
  /** The folder's id, creating it and its parents when missing (an existing folder is reused, never duplicated). */
  ensureMailFolder(request: DestinationFolderRequest): Promise<string>;
  /** The id of the message Ferry created earlier with this idempotency stamp in this folder, if any. */
  findMessageByStamp(folderId: string, stamp: string): Promise<string | undefined>;
  /** Creates the message (non-draft, with its extended properties) and adds the large attachments; returns its id. */
  createMessage(
    folderId: string,
    message: GraphMessageDraft,
    largeAttachments: readonly LargeAttachment[],
  ): Promise<string>;
  /**
   * Imports the original MIME (Graph beta importMime: a non-draft with every header and part), then
   * sets what MIME cannot say (read state, flag, categories, importance) and the stamp.
   */
  importMessage(folderId: string, raw: Uint8Array, followUp: MessageImportFollowUp): Promise<string>;
  /** Deletes a message Ferry created (a half-built one found after a crash, before it is rebuilt). */
  deleteMessage(id: string): Promise<void>;
  /** Makes sure these categories exist in the mailbox's master list, with these colours (`preset0`…`preset24`). */
  ensureCategories(categories: readonly { readonly name: string; readonly color: string }[]): Promise<void>;
  /** The contact folder, calendar or To Do list's id, created when missing (reused, never duplicated). */
  ensurePimContainer(request: PimContainerRequest): Promise<string>;
  /** The id of the contact, event (series or single) or task Ferry created with this stamp in the container. */
  findPimItemByStamp(kind: PimKind, containerId: string, stamp: string): Promise<string | undefined>;
  /** Creates the contact and sets its photo; returns its id. */
  createContact(folderId: string, contact: ConvertedContact): Promise<string>;
  /**
   * Replaces the fields and photo of a contact Ferry created (its source changed since) and returns
   * its id. Graph cannot remove a contact's photo, so when the source's photo is gone the contact is
   * created again without it (a new id); one that no longer exists is created again in the folder.
   */
  updateContact(folderId: string, id: string, contact: ConvertedContact): Promise<string>;
  /** Deletes a contact Ferry created (a copy an interrupted attempt left behind); one already gone is fine. */
  deleteContact(id: string): Promise<void>;
  /**
   * Creates a personal distribution list (Graph beta) holding these members, or reuses the one of
   * that name; undefined when the destination does not offer the API (the caller falls back).
   */
  createDistributionList(
    folderId: string,
    list: NonNullable<ConvertedContact['distributionList']>,
  ): Promise<string | undefined>;
  /** Creates an event (single or series master) without sending anything; returns its id. */
  createEvent(calendarId: string, event: GraphPayload): Promise<string>;
  /** Occurrences of a series whose original start lies in [fromUtc, toUtc) (ISO instants). */
  listOccurrences(seriesId: string, fromUtc: string, toUtc: string): Promise<DestinationOccurrence[]>;
  updateEvent(id: string, patch: GraphPayload): Promise<void>;
  /** Deletes an event, a series or one occurrence (cancelled occurrences; rebuilding a changed series). */
  deleteEvent(id: string): Promise<void>;
  /** Attaches a file to an event (large ones through an upload session). */
  addEventAttachment(eventId: string, attachment: LargeAttachment): Promise<void>;
  createTask(listId: string, task: GraphPayload): Promise<string>;
  updateTask(listId: string, id: string, task: GraphPayload): Promise<void>;
  /** Ferry's and the user's inbox rules, by id and name. */
  listMessageRules(): Promise<{ id: string; displayName: string }[]>;
  /** Creates an inbox rule; a repeated create returns the rule the first one made. */
  createMessageRule(rule: GraphPayload): Promise<string>;
  /** Replaces an inbox rule Ferry created; false when it no longer exists. */
  updateMessageRule(id: string, rule: GraphPayload): Promise<boolean>;
  /** Writes `mailboxSettings.automaticRepliesSetting`. */
  setAutomaticReplies(setting: GraphPayload): Promise<void>;
  /** Checks that inbox rules and automatic replies may be written (Verify Credentials). */
  verifySettingsAccess(): Promise<void>;
  usage(): DestinationUsage;
}

export interface Destination {
  mailbox(userPrincipalName: string): DestinationMailbox;
}
