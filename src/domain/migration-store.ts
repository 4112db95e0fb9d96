import type { MailboxSettingsScript } from './mailbox-settings.ts';
import type { ItemFailure, ItemType, MailboxStatus, PassOptions } from './migration.ts';

/** Job names of the migration engine, and their payloads (one constant table, as pg-boss needs). */
export const MIGRATION_QUEUES = {
  startMailbox: 'mailbox.start',
  folderPage: 'mailbox.folder-page',
} as const;

export interface StartMailboxJob {
  readonly runMailboxId: string;
}

export interface FolderPageJob {
  readonly runMailboxId: string;
  readonly sourceFolderId: string;
}

export interface RunMailbox {
  readonly id: string;
  readonly runId: string;
  readonly source: string;
  readonly destination: string;
  readonly status: MailboxStatus;
  readonly options: PassOptions;
}

export interface RunFolder {
  readonly sourceFolderId: string;
  /** What the folder holds: mail folders and contact, calendar and task folders page the same way. */
  readonly itemType: ItemType;
  readonly path: string;
  readonly destinationFolderId: string | undefined;
  readonly sourceCount: number;
  readonly cursor: string | undefined;
  readonly done: boolean;
}

export interface MappedItem {
  readonly status: 'in_flight' | 'migrated';
  readonly stamp: string;
  readonly contentHash: string;
  readonly destinationFolderId: string;
  /** The created item's id; for a calendar item that became several single events, their ids joined by ",". */
  readonly destinationItemId: string | undefined;
  /** The source revision (contacts, calendars, tasks) when it was migrated: a different one means it changed. */
  readonly revision: string | undefined;
}

export interface ItemOutcome {
  readonly sourceItemId: string;
  readonly type: ItemType;
  readonly sourceFolderId: string;
  readonly outcome: 'migrated' | 'skipped' | 'failed';
  readonly bytes: number;
  readonly code?: string;
  readonly message?: string;
  readonly subject?: string;
}

/**
 * The engine's checkpoints and idempotency records. Every method is one transaction; those that
 * take follow-up jobs enqueue them in that same transaction, so a crash never loses or doubles one.
 */
export interface MigrationStore {
  getRunMailbox(id: string): Promise<RunMailbox>;
  /** Marks the mailbox running; false when it already finished (a duplicate job). */
  beginMailbox(id: string): Promise<boolean>;
  /** Records the planned folders and enqueues the first page job of each; finishes the mailbox when there is none. */
  planFolders(id: string, folders: readonly Omit<RunFolder, 'cursor' | 'done'>[]): Promise<void>;
  getFolder(runMailboxId: string, sourceFolderId: string): Promise<RunFolder>;
  /** The item map entries of these source items for this mailbox pair. */
  findMappedItems(
    source: string,
    destination: string,
    sourceItemIds: readonly string[],
  ): Promise<Map<string, MappedItem>>;
  /** Written before the create request: if the process dies, the next attempt looks the item up by its stamp. */
  markInFlight(
    source: string,
    destination: string,
    item: {
      sourceItemId: string;
      type: ItemType;
      contentHash: string;
      stamp: string;
      destinationFolderId: string;
    },
  ): Promise<void>;
  markMigrated(
    source: string,
    destination: string,
    sourceItemId: string,
    destinationItemId: string,
    /** For an item (re)written from a newer source version: its revision and content hash now. */
    version?: { readonly revision: string; readonly contentHash: string },
  ): Promise<void>;
  recordOutcome(runMailboxId: string, outcome: ItemOutcome): Promise<void>;
  /** Saves the folder's cursor and enqueues its next page, or marks it done (and the mailbox, when it was the last). */
  completePage(
    runMailboxId: string,
    sourceFolderId: string,
    next: string | undefined,
    throttledMs: number,
  ): Promise<void>;
  failMailbox(id: string, error: string): Promise<void>;
  /** Source item ids that failed in the latest earlier pass of this mailbox pair that had failures. */
  previouslyFailedItems(source: string, destination: string, beforeRunId: string): Promise<Set<string>>;
  /** What the mailbox pair needs from the PowerShell script, replacing what an earlier pass found. */
  saveSettingsScript(script: MailboxSettingsScript): Promise<void>;
  /** Failures of the run's mailbox, for the report. */
  listFailures(runMailboxId: string): Promise<ItemFailure[]>;
}
