import type { GraphMessageDraft, LargeAttachment } from './mail.ts';
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
  /** Deletes a message Ferry created (a half-built one found after a crash, before it is rebuilt). */
  deleteMessage(id: string): Promise<void>;
  /** Makes sure these categories exist in the mailbox's master list, with these colours (`preset0`…`preset24`). */
  ensureCategories(categories: readonly { readonly name: string; readonly color: string }[]): Promise<void>;
  usage(): DestinationUsage;
}

export interface Destination {
  mailbox(userPrincipalName: string): DestinationMailbox;
}
