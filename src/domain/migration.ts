/**
 * Passes, their options and the state the engine keeps between jobs. MigrationWiz semantics:
 * Verify Credentials moves nothing; Trial moves a little of every folder; Pre-Stage moves old mail;
 * Full moves everything not yet moved; Retry Errors moves only what failed in the last pass.
 */
export const PASS_KINDS = ['verify', 'trial', 'prestage', 'full', 'retry'] as const;
export type PassKind = (typeof PASS_KINDS)[number];

import { SETTINGS_ITEM_TYPES } from './mailbox-settings.ts';

/** Items that page through folders, then the mailbox settings kinds (Full and Retry Errors passes). */
export const ITEM_TYPES = ['mail', 'contacts', 'calendar', 'tasks', ...SETTINGS_ITEM_TYPES] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const MAILBOX_STATUSES = [
  /** Created, waiting for a free slot under the pass's maximum concurrent migrations. */
  'waiting',
  'queued',
  'running',
  'completed',
  'completed_with_errors',
  'failed',
  'stopped',
] as const;
/** Statuses of a mailbox that has not finished its pass yet. */
export const UNFINISHED_STATUSES: readonly MailboxStatus[] = ['waiting', 'queued', 'running'];
export type MailboxStatus = (typeof MAILBOX_STATUSES)[number];

/** Trial limits (MigrationWiz): a taste of every folder, enough to check fidelity before paying. */
export const TRIAL_ITEMS_PER_FOLDER = 10;
export const TRIAL_MAX_ITEM_BYTES = 5 * 1024 * 1024;
export const DEFAULT_PRESTAGE_DAYS = 90;
/** Exchange Online's default maximum message size; projects may raise it up to 150 MB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 35 * 1024 * 1024;

export interface PassOptions {
  readonly pass: PassKind;
  readonly itemTypes: readonly ItemType[];
  /** Pre-Stage: only items received before this instant (epoch ms). */
  readonly receivedBeforeMs: number | undefined;
  /** Date range filter of the project (epoch ms), both ends optional. */
  readonly receivedAfterMs: number | undefined;
  /** Folders whose path matches are left out (regular expression source). */
  readonly folderFilter: string | undefined;
  /** `^Src->Dst` rules rewriting folder paths (regular expression → replacement). */
  readonly folderMappings: readonly { readonly pattern: string; readonly replacement: string }[];
  readonly recipientMappings: readonly { readonly from: string; readonly to: string }[];
  readonly maxMessageBytes: number;
  /** Subjects of failed items may be stored and shown (off by default: they can be confidential). */
  readonly logSubjects: boolean;
  /**
   * Mail through Graph beta importMime (needs Mail-Advanced.ReadWrite.All) instead of the JSON
   * create: the original MIME is kept whole. Messages too large for one request use the JSON path.
   */
  readonly useImportMime?: boolean;
  /** ZimbraCalendarExpandInstances=1: recurring series arrive as the single occurrences Zimbra computes. */
  readonly expandCalendarInstances?: boolean;
  /**
   * MigrateOutOfOffice=1: an out-of-office active in Zimbra is switched on in Microsoft 365 too.
   * Off by default: before cutover it would answer mail Zimbra still receives.
   */
  readonly migrateOutOfOffice?: boolean;
}

export interface ItemCounts {
  readonly migrated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly bytes: number;
}

export interface FolderReport {
  readonly path: string;
  /** Items the source reported in the folder. */
  readonly source: number;
  readonly migrated: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface ItemFailure {
  readonly type: ItemType;
  readonly folder: string;
  readonly sourceId: string;
  readonly sizeBytes: number;
  readonly code: string;
  readonly message: string;
  readonly subject: string | undefined;
}

export interface MailboxReport {
  readonly source: string;
  readonly destination: string;
  readonly status: MailboxStatus;
  readonly error: string | undefined;
  readonly items: Record<ItemType, ItemCounts>;
  readonly folders: readonly FolderReport[];
  readonly errors: readonly ItemFailure[];
  readonly durationMs: number;
  readonly throttledMs: number;
}
