import { setTimeout as sleep } from 'node:timers/promises';

import { zimbraTagColorToCategoryColor } from '../convert/tag-colors.ts';
import type { Destination } from '../domain/destination.ts';
import { coerceError, FerryError, TransientError } from '../domain/errors.ts';
import { TRIAL_ITEMS_PER_FOLDER, TRIAL_MAX_ITEM_BYTES, type PassOptions } from '../domain/migration.ts';
import {
  type InFlightItem,
  type ItemResult,
  LeaseLostError,
  type MailboxLease,
  type MigrationStore,
  type RunFolder,
  type RunMailbox,
} from '../domain/migration-store.ts';
import type { PimKind, SourceCalendarInstance } from '../domain/pim.ts';
import type { Source, SourceMessageRef } from '../domain/source.ts';
import type { ByteBudget } from './byte-budget.ts';
import { planMailFolders } from './folder-plan.ts';
import { Limiter } from './limiter.ts';
import { messageToWrite, migrateMessage, stampOf } from './migrate-message.ts';
import { migratePimItem, pimItemToWrite } from './migrate-pim-item.ts';
import { migrateMailboxSettings, verifySettingsAccess } from './migrate-settings.ts';
import { planPimFolders } from './pim-folder-plan.ts';
import type { ThrottleLedger } from './throttle-ledger.ts';

export interface EngineDeps {
  readonly source: Source;
  readonly destination: Destination;
  readonly store: MigrationStore;
  /** Shared by every mailbox of the process: bounds the message bytes held in memory at once. */
  readonly memory: ByteBudget;
  readonly throttleLedger: ThrottleLedger;
}

/** Items per page: the unit of a checkpoint (one transaction records them all). */
export const PAGE_SIZE = 100;
/** A message in flight holds its raw bytes, their parse and the base64 request body: about 4× its size. */
const BYTES_HELD_PER_BYTE = 4;
/**
 * Items in flight per mailbox: four times the 4 concurrent requests the destination budget allows
 * it, so that items are fetched and converted ahead while creates wait for the budget, and a
 * window that frees finds them ready (the byte budget still bounds the memory they hold).
 */
const ITEMS_IN_FLIGHT_PER_MAILBOX = 16;
/** Folders of a mailbox paged side by side: one's listing and checkpoint overlap the other's items. */
const FOLDERS_AT_ONCE = 2;
/** Tries of a step (planning, a page) that failed transiently (network, busy server) before the mailbox fails. */
const STEP_ATTEMPTS = 6;
/** The wait after the first transient failure of a step; it doubles with each further one. */
const RETRY_DELAY_MS = 5_000;

/** What the worker holding a mailbox's lease hands the engine. */
export interface MailboxControl {
  readonly lease: MailboxLease;
  /** Aborted when this worker lost the lease: no item starts after it, and nothing more is recorded. */
  readonly signal: AbortSignal;
  /** True once the process is stopping: the mailbox pauses after its current pages (another worker continues). */
  readonly draining: () => boolean;
}

/**
 * Migrates one leased mailbox of a pass: checks both sides (all Verify Credentials does), plans
 * and creates the destination folders, then pages through its folders, each page checkpointed in
 * one transaction. A worker that takes the mailbox over continues from the last checkpoint.
 */
export async function migrateMailbox(deps: EngineDeps, control: MailboxControl): Promise<void> {
  const mailbox = await deps.store.getRunMailbox(control.lease.runMailboxId);
  if (!(await deps.store.beginMailbox(control.lease))) return;
  const planned = await step(deps, control, async () => {
    if (!(await deps.store.foldersPlanned(mailbox.id))) await planMailbox(deps, control.lease, mailbox);
    return true;
  });
  if (planned === undefined) return;
  const retryOnly = await failedInLastPass(deps, mailbox);
  const lanes = new Limiter(ITEMS_IN_FLIGHT_PER_MAILBOX);
  let running = true;
  let failure: Error | undefined;
  await runConcurrently(await deps.store.openFolders(mailbox.id), FOLDERS_AT_ONCE, async (folder) => {
    let cursor = folder.cursor;
    try {
      while (running && !control.draining()) {
        const page = await step(deps, control, () =>
          migratePage(deps, control, { mailbox, folder, cursor, retryOnly, lanes }),
        );
        if (page === undefined) running = false;
        else {
          running &&= page.running;
          cursor = page.next;
          if (cursor === undefined) return;
        }
      }
    } catch (error) {
      // The other folder ends its page first: nothing of this mailbox runs on after this returns.
      running = false;
      failure ??= coerceError(error);
    }
  });
  if (failure !== undefined) throw failure;
}

/** Plans and creates the destination folders; the checkpoints of every folder are written in one transaction. */
async function planMailbox(deps: EngineDeps, lease: MailboxLease, mailbox: RunMailbox): Promise<void> {
  const folders = await deps.source.listFolders(mailbox.source);
  const destination = deps.destination.mailbox(mailbox.destination);
  await destination.verify();
  const options = mailbox.options;
  if (options.pass === 'verify') {
    await verifySettingsAccess(deps, mailbox);
    await deps.store.planFolders(lease, []);
    return;
  }
  const tags = await deps.source.listTags(mailbox.source);
  if (tags.length > 0) {
    await destination.ensureCategories(
      tags.map((tag) => ({ name: tag.name, color: zimbraTagColorToCategoryColor(tag) })),
    );
  }
  const withIds = [];
  if (options.itemTypes.includes('mail')) {
    for (const folder of planMailFolders(folders, options)) {
      const destinationFolderId = await destination.ensureMailFolder({
        path: folder.destinationPath,
        role: folder.role,
      });
      withIds.push({
        sourceFolderId: folder.sourceFolderId,
        itemType: 'mail' as const,
        path: folder.sourcePath,
        destinationFolderId,
        sourceCount: folder.sourceCount,
      });
    }
  }
  // Settings (rules, out-of-office, forwarding, signatures) move in Full and Retry Errors passes.
  if (options.pass === 'full' || options.pass === 'retry') {
    await migrateMailboxSettings(deps, lease, mailbox, folders);
  }
  // Contacts, calendars and tasks move in Full passes (and their failures in Retry Errors) only.
  if (options.pass === 'full' || options.pass === 'retry') {
    for (const folder of planPimFolders(folders, options)) {
      withIds.push({
        sourceFolderId: folder.sourceFolderId,
        itemType: folder.kind,
        path: folder.sourcePath,
        destinationFolderId: await destination.ensurePimContainer(folder.container),
        sourceCount: folder.sourceCount,
      });
    }
  }
  await deps.store.planFolders(lease, withIds);
}

interface PageWork {
  readonly mailbox: RunMailbox;
  readonly folder: RunFolder;
  readonly cursor: string | undefined;
  readonly retryOnly: ReadonlySet<string> | undefined;
  /** The mailbox's items in flight, shared by its folders. */
  readonly lanes: Limiter;
}

/** One item of a page: recorded in flight first when it will be written, then migrated. */
interface PageItem {
  readonly inFlight: InFlightItem | undefined;
  readonly migrate: () => Promise<ItemResult>;
}

/**
 * Migrates one page of one folder: its items in flight recorded in one statement, then migrated
 * (the mailbox's lanes bound how many at once), then all their results and the folder's cursor
 * checkpointed in one transaction, fenced by the lease.
 */
async function migratePage(
  deps: EngineDeps,
  control: MailboxControl,
  work: PageWork,
): Promise<{ next: string | undefined; running: boolean }> {
  const { mailbox, folder } = work;
  const destination = deps.destination.mailbox(mailbox.destination);
  const page =
    folder.itemType === 'mail'
      ? await mailPage(deps, control, work)
      : await pimPage(deps, control, work, folder.itemType as PimKind);
  const pair = { source: mailbox.source, destination: mailbox.destination };
  await deps.store.markInFlight(
    control.lease,
    pair,
    page.items.flatMap((item) => (item.inFlight === undefined ? [] : [item.inFlight])),
  );
  const results = await Promise.all(
    page.items.map((item) =>
      work.lanes.run(() => (control.signal.aborted ? Promise.resolve({}) : item.migrate())),
    ),
  );
  if (control.signal.aborted) throw new LeaseLostError(control.lease.runMailboxId);
  const running = await deps.store.completePage(control.lease, pair, {
    sourceFolderId: folder.sourceFolderId,
    next: page.next,
    throttledMs: deps.throttleLedger.take(mailbox.destination, destination.usage().throttledWaitMs),
    items: results,
  });
  return { next: page.next, running };
}

async function mailPage(
  deps: EngineDeps,
  control: MailboxControl,
  { mailbox, folder, cursor, retryOnly }: PageWork,
): Promise<{ next: string | undefined; items: PageItem[] }> {
  const options = mailbox.options;
  const trial = options.pass === 'trial';
  const destinationFolderId = folder.destinationFolderId ?? '';
  const page = await deps.source.listMessages(
    mailbox.source,
    folder.sourceFolderId,
    cursor,
    trial ? TRIAL_ITEMS_PER_FOLDER : PAGE_SIZE,
  );
  const wanted = page.items.filter((m) => selected(m, options, retryOnly));
  const mapped = await deps.store.findMappedItems(
    mailbox.source,
    mailbox.destination,
    wanted.map((m) => m.id),
  );
  const context = {
    source: mailbox.source,
    destinationFolderId,
    options,
    sourceReader: deps.source,
    mailbox: deps.destination.mailbox(mailbox.destination),
    signal: control.signal,
  };
  return {
    // A trial looks at the first page of each folder only.
    next: trial ? undefined : page.next,
    items: wanted.map((message) => {
      const known = mapped.get(message.id);
      return {
        inFlight: messageToWrite(context, message, known)
          ? {
              sourceItemId: message.id,
              type: 'mail',
              stamp: stampOf(mailbox.source, message.id),
              destinationFolderId,
            }
          : undefined,
        migrate: () =>
          deps.memory.run(message.sizeBytes * BYTES_HELD_PER_BYTE, () =>
            migrateMessage(context, message, known),
          ),
      };
    }),
  };
}

/** One page of a contact, calendar or task folder, checkpointed like a mail page. */
async function pimPage(
  deps: EngineDeps,
  control: MailboxControl,
  { mailbox, folder, cursor, retryOnly }: PageWork,
  kind: PimKind,
): Promise<{ next: string | undefined; items: PageItem[] }> {
  const options = mailbox.options;
  const containerId = folder.destinationFolderId ?? '';
  const page = await deps.source.listPimItems(mailbox.source, folder.sourceFolderId, kind, cursor, PAGE_SIZE);
  const wanted = page.items.filter((item) => retryOnly === undefined || retryOnly.has(item.id));
  const mapped = await deps.store.findMappedItems(
    mailbox.source,
    mailbox.destination,
    wanted.map((item) => item.id),
  );
  const context = {
    source: mailbox.source,
    containerId,
    options,
    sourceReader: deps.source,
    mailbox: deps.destination.mailbox(mailbox.destination),
    signal: control.signal,
    instances:
      kind === 'calendar' && options.expandCalendarInstances === true && wanted.length > 0
        ? await expandedInstances(deps.source, mailbox.source, folder.sourceFolderId)
        : undefined,
  };
  return {
    next: page.next,
    items: wanted.map((ref) => {
      const known = mapped.get(ref.id);
      return {
        inFlight: pimItemToWrite(ref, known)
          ? {
              sourceItemId: ref.id,
              type: kind,
              stamp: stampOf(mailbox.source, ref.id),
              destinationFolderId: containerId,
            }
          : undefined,
        migrate: () => migratePimItem(context, ref, known),
      };
    }),
  };
}

/** Retry Errors: the items that failed in the mailbox's last pass; undefined for every other pass. */
async function failedInLastPass(deps: EngineDeps, mailbox: RunMailbox): Promise<Set<string> | undefined> {
  if (mailbox.options.pass !== 'retry') return undefined;
  return deps.store.previouslyFailedItems(mailbox.source, mailbox.destination, mailbox.runId);
}

/** How far ZimbraCalendarExpandInstances=1 looks back and ahead for occurrences. */
const EXPAND_WINDOW_MS = 3 * 365 * 24 * 60 * 60 * 1000;

async function expandedInstances(
  source: Source,
  mailbox: string,
  folderId: string,
): Promise<Map<string, SourceCalendarInstance[]>> {
  const now = Date.now();
  const instances = await source.listCalendarInstances(
    mailbox,
    folderId,
    now - EXPAND_WINDOW_MS,
    now + EXPAND_WINDOW_MS,
  );
  const byItem = new Map<string, SourceCalendarInstance[]>();
  for (const instance of instances) {
    const list = byItem.get(instance.itemId) ?? [];
    list.push(instance);
    byItem.set(instance.itemId, list);
  }
  return byItem;
}

function selected(
  message: SourceMessageRef,
  options: PassOptions,
  retryOnly: ReadonlySet<string> | undefined,
): boolean {
  if (retryOnly !== undefined && !retryOnly.has(message.id)) return false;
  if (options.pass === 'trial' && message.sizeBytes > TRIAL_MAX_ITEM_BYTES) return false;
  if (options.receivedBeforeMs !== undefined && message.receivedMs >= options.receivedBeforeMs) return false;
  if (options.receivedAfterMs !== undefined && message.receivedMs < options.receivedAfterMs) return false;
  return true;
}

/**
 * Runs one step of a mailbox (planning, a page). A transient failure (network, a busy server) is
 * tried again after a growing wait; any other, or one that persists, concerns the whole mailbox
 * (credentials, a missing destination mailbox) and fails it with the admin-readable message.
 * Returns undefined when the mailbox failed. A lost lease ends the mailbox's work here, as does a
 * transient failure while the process stops: the next worker tries again.
 */
async function step<T>(
  deps: EngineDeps,
  control: MailboxControl,
  work: () => Promise<T>,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (caught) {
      if (control.signal.aborted) throw new LeaseLostError(control.lease.runMailboxId);
      const error = coerceError(caught);
      if (error instanceof LeaseLostError) throw error;
      if (error instanceof TransientError && attempt < STEP_ATTEMPTS) {
        if (control.draining()) throw error;
        const wait = Math.max(RETRY_DELAY_MS * 2 ** (attempt - 1), error.retryAfterMs ?? 0);
        await sleep(wait, undefined, { signal: control.signal }).catch(() => undefined);
        if (control.signal.aborted) throw new LeaseLostError(control.lease.runMailboxId);
        continue;
      }
      const prefix = error instanceof FerryError ? `${error.code}: ` : '';
      await deps.store.failMailbox(control.lease, `${prefix}${error.message}`);
      return undefined;
    }
  }
}

async function runConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
