import { zimbraTagColorToCategoryColor } from '../convert/tag-colors.ts';
import type { Destination } from '../domain/destination.ts';
import { coerceError, FerryError, TransientError } from '../domain/errors.ts';
import { TRIAL_ITEMS_PER_FOLDER, TRIAL_MAX_ITEM_BYTES, type PassOptions } from '../domain/migration.ts';
import type {
  FolderPageJob,
  MigrationStore,
  RunFolder,
  RunMailbox,
  StartMailboxJob,
} from '../domain/migration-store.ts';
import type { PimKind, SourceCalendarInstance } from '../domain/pim.ts';
import type { Source, SourceMessageRef } from '../domain/source.ts';
import type { ByteBudget } from './byte-budget.ts';
import { planMailFolders } from './folder-plan.ts';
import { migrateMessage } from './migrate-message.ts';
import { migrateMailboxSettings, verifySettingsAccess } from './migrate-settings.ts';
import { migratePimItem } from './migrate-pim-item.ts';
import { planPimFolders } from './pim-folder-plan.ts';
import type { ThrottleLedger } from './throttle-ledger.ts';

export interface EngineDeps {
  readonly source: Source;
  readonly destination: Destination;
  readonly store: MigrationStore;
  /** Shared by every job of the process: bounds the message bytes held in memory at once. */
  readonly memory: ByteBudget;
  readonly throttleLedger: ThrottleLedger;
}

/** Items per page job: small enough that a job ends well within its expiry even at the throttling ceiling. */
export const PAGE_SIZE = 100;
/** A message in flight holds its raw bytes, their parse and the base64 request body: about 4× its size. */
const BYTES_HELD_PER_BYTE = 4;
/**
 * Items in flight per page: four times the 4 concurrent requests the destination budget allows a
 * mailbox, so that items are fetched and converted ahead while creates wait for the budget, and a
 * window that frees finds them ready (the byte budget still bounds the memory they hold).
 */
const ITEM_CONCURRENCY = 16;

export interface JobAttempt {
  /** True on the last attempt pg-boss will make: a transient failure then fails the mailbox instead of retrying. */
  readonly lastAttempt: boolean;
}

/**
 * Starts one mailbox of a pass: checks both sides (that is all Verify Credentials does), plans and
 * creates the destination folders, and hands each folder to a page job.
 */
export async function startMailbox(
  deps: EngineDeps,
  job: StartMailboxJob,
  attempt: JobAttempt,
): Promise<void> {
  const mailbox = await deps.store.getRunMailbox(job.runMailboxId);
  if (!(await deps.store.beginMailbox(mailbox.id))) return;
  await failMailboxOnError(deps, mailbox.id, attempt, async () => {
    const folders = await deps.source.listFolders(mailbox.source);
    const destination = deps.destination.mailbox(mailbox.destination);
    await destination.verify();
    const options = mailbox.options;
    if (options.pass === 'verify') {
      await verifySettingsAccess(deps, mailbox);
      await deps.store.planFolders(mailbox.id, []);
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
      await migrateMailboxSettings(deps, mailbox, folders);
    }
    await deps.store.planFolders(mailbox.id, withIds);
  });
}

/** Migrates one page of one folder, then checkpoints and enqueues the next page in one transaction. */
export async function migrateFolderPage(
  deps: EngineDeps,
  job: FolderPageJob,
  attempt: JobAttempt,
): Promise<void> {
  const mailbox = await deps.store.getRunMailbox(job.runMailboxId);
  if (mailbox.status !== 'running') return;
  const folder = await deps.store.getFolder(mailbox.id, job.sourceFolderId);
  if (folder.done || folder.destinationFolderId === undefined) return;
  const destinationFolderId = folder.destinationFolderId;
  if (folder.itemType !== 'mail') {
    await failMailboxOnError(deps, mailbox.id, attempt, () =>
      migratePimPage(deps, mailbox, folder, destinationFolderId),
    );
    return;
  }
  await failMailboxOnError(deps, mailbox.id, attempt, async () => {
    const options = mailbox.options;
    const trial = options.pass === 'trial';
    const page = await deps.source.listMessages(
      mailbox.source,
      folder.sourceFolderId,
      folder.cursor,
      trial ? TRIAL_ITEMS_PER_FOLDER : PAGE_SIZE,
    );
    const retryOnly = await failedInLastPass(deps, mailbox);
    const wanted = page.items.filter((m) => selected(m, options, retryOnly));
    const mapped = await deps.store.findMappedItems(
      mailbox.source,
      mailbox.destination,
      wanted.map((m) => m.id),
    );
    const destination = deps.destination.mailbox(mailbox.destination);
    const context = {
      runMailboxId: mailbox.id,
      source: mailbox.source,
      destination: mailbox.destination,
      destinationFolderId,
      options,
      sourceReader: deps.source,
      mailbox: destination,
      store: deps.store,
    };
    await runConcurrently(wanted, ITEM_CONCURRENCY, (message) =>
      deps.memory.run(message.sizeBytes * BYTES_HELD_PER_BYTE, () =>
        migrateMessage(context, message, mapped.get(message.id)),
      ),
    );
    // A trial looks at the first page of each folder only.
    const next = trial ? undefined : page.next;
    await deps.store.completePage(
      mailbox.id,
      folder.sourceFolderId,
      next,
      deps.throttleLedger.take(mailbox.destination, destination.usage().throttledWaitMs),
    );
  });
}

/** Retry Errors: the items that failed in the mailbox's last pass; undefined for every other pass. */
async function failedInLastPass(deps: EngineDeps, mailbox: RunMailbox): Promise<Set<string> | undefined> {
  if (mailbox.options.pass !== 'retry') return undefined;
  return deps.store.previouslyFailedItems(mailbox.source, mailbox.destination, mailbox.runId);
}

/** One page of a contact, calendar or task folder, checkpointed like a mail page. */
async function migratePimPage(
  deps: EngineDeps,
  mailbox: RunMailbox,
  folder: RunFolder,
  containerId: string,
): Promise<void> {
  const options = mailbox.options;
  const kind = folder.itemType as PimKind;
  const page = await deps.source.listPimItems(
    mailbox.source,
    folder.sourceFolderId,
    kind,
    folder.cursor,
    PAGE_SIZE,
  );
  const retryOnly = await failedInLastPass(deps, mailbox);
  const wanted = page.items.filter((item) => retryOnly === undefined || retryOnly.has(item.id));
  const mapped = await deps.store.findMappedItems(
    mailbox.source,
    mailbox.destination,
    wanted.map((item) => item.id),
  );
  const destination = deps.destination.mailbox(mailbox.destination);
  const context = {
    runMailboxId: mailbox.id,
    source: mailbox.source,
    destination: mailbox.destination,
    containerId,
    options,
    sourceReader: deps.source,
    mailbox: destination,
    store: deps.store,
    instances:
      kind === 'calendar' && options.expandCalendarInstances === true && wanted.length > 0
        ? await expandedInstances(deps.source, mailbox.source, folder.sourceFolderId)
        : undefined,
  };
  await runConcurrently(wanted, ITEM_CONCURRENCY, (item) =>
    migratePimItem(context, item, mapped.get(item.id)),
  );
  await deps.store.completePage(
    mailbox.id,
    folder.sourceFolderId,
    page.next,
    deps.throttleLedger.take(mailbox.destination, destination.usage().throttledWaitMs),
  );
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
 * Errors that concern the whole mailbox (credentials, a missing destination mailbox) fail it with
 * the admin-readable message. Transient ones are rethrown so pg-boss retries the job, until its
 * last attempt.
 */
async function failMailboxOnError(
  deps: EngineDeps,
  runMailboxId: string,
  attempt: JobAttempt,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (caught) {
    const error = coerceError(caught);
    if (error instanceof TransientError && !attempt.lastAttempt) throw error;
    const prefix = error instanceof FerryError ? `${error.code}: ` : '';
    await deps.store.failMailbox(runMailboxId, `${prefix}${error.message}`);
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
