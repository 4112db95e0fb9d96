import { TransientError } from './errors.ts';
import type { MailboxSettingsScript } from './mailbox-settings.ts';
import type { ItemFailure, ItemType, MailboxStatus, PassOptions } from './migration.ts';

export interface RunMailbox {
  readonly id: string;
  readonly runId: string;
  readonly source: string;
  readonly destination: string;
  readonly status: MailboxStatus;
  readonly options: PassOptions;
}

/**
 * The right of one worker process to work one mailbox of a run. `epoch` grows with every
 * takeover; each write of the engine checks worker and epoch in its own transaction (the fence).
 */
export interface MailboxLease {
  readonly runMailboxId: string;
  readonly workerId: string;
  readonly epoch: number;
}

/** The lease was taken over (its holder looked dead) or the mailbox stopped: its holder writes nothing more. */
export class LeaseLostError extends TransientError {
  constructor(runMailboxId: string) {
    super(
      'LEASE_LOST',
      `This worker no longer holds mailbox ${runMailboxId}: another worker took it over, or it was stopped.`,
    );
  }
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
  /** Items it became in Microsoft 365 (default 1): a calendar item's series, changed occurrences and singles. */
  readonly destinationItems?: number;
  readonly code?: string;
  readonly message?: string;
  readonly subject?: string;
}

/** An item about to be written to the destination: recorded before the create, found by its stamp after a crash. */
export interface InFlightItem {
  readonly sourceItemId: string;
  readonly type: ItemType;
  readonly stamp: string;
  readonly destinationFolderId: string;
}

/** An item now in the destination: the item map records it as migrated. */
export interface MigratedItem extends InFlightItem {
  readonly destinationItemId: string;
  readonly contentHash: string;
  /** Contacts, calendars, tasks: the source revision written. */
  readonly revision?: string;
}

/** What one item of a page came to: its outcome for the pass, and the item map's new record. */
export interface ItemResult {
  readonly outcome?: ItemOutcome;
  readonly migrated?: MigratedItem;
}

export interface PageResult {
  readonly sourceFolderId: string;
  /** The cursor of the next page; undefined when the folder is done. */
  readonly next: string | undefined;
  readonly throttledMs: number;
  readonly items: readonly ItemResult[];
}

/**
 * The engine's checkpoints and idempotency records. Every method is one transaction; those that
 * write for a mailbox take its lease and write nothing (LeaseLostError) when the caller no longer
 * holds it.
 */
export interface MigrationStore {
  getRunMailbox(id: string): Promise<RunMailbox>;
  /** Marks the mailbox running; false when it already finished. */
  beginMailbox(lease: MailboxLease): Promise<boolean>;
  /** Whether the mailbox's folders were planned already (a worker that takes over continues them). */
  foldersPlanned(runMailboxId: string): Promise<boolean>;
  /** Records the planned folders; finishes the mailbox when there is none. */
  planFolders(lease: MailboxLease, folders: readonly Omit<RunFolder, 'cursor' | 'done'>[]): Promise<void>;
  /** The folders of the mailbox that have pages left. */
  openFolders(runMailboxId: string): Promise<RunFolder[]>;
  /** The item map entries of these source items for this mailbox pair. */
  findMappedItems(
    source: string,
    destination: string,
    sourceItemIds: readonly string[],
  ): Promise<Map<string, MappedItem>>;
  /**
   * Records the page's items as in flight, in one statement, before any of them is created: if
   * the process dies, the next attempt looks them up by their stamps. Earlier records keep their
   * destination ids (an update writes over them).
   */
  markInFlight(
    lease: MailboxLease,
    pair: { readonly source: string; readonly destination: string },
    items: readonly InFlightItem[],
  ): Promise<void>;
  /**
   * Checkpoints a page in one transaction: the item map records and outcomes of all its items (one
   * statement each), the folder's cursor (or done, and the mailbox when it was the last folder).
   * Returns whether the mailbox is still running.
   */
  completePage(
    lease: MailboxLease,
    pair: { readonly source: string; readonly destination: string },
    page: PageResult,
  ): Promise<boolean>;
  /** Records results outside a page (mailbox settings), in one transaction under the lease. */
  recordResults(
    lease: MailboxLease,
    pair: { readonly source: string; readonly destination: string },
    items: readonly ItemResult[],
  ): Promise<void>;
  failMailbox(lease: MailboxLease, error: string): Promise<void>;
  /** Source item ids that failed in the latest earlier pass of this mailbox pair that had failures. */
  previouslyFailedItems(source: string, destination: string, beforeRunId: string): Promise<Set<string>>;
  /** What the mailbox pair needs from the PowerShell script, replacing what an earlier pass found. */
  saveSettingsScript(script: MailboxSettingsScript): Promise<void>;
  /** Failures of the run's mailbox, for the report. */
  listFailures(runMailboxId: string): Promise<ItemFailure[]>;
}
