import { convertCalendarItem } from '../convert/ical-event-to-graph.ts';
import { convertWithZimbraInstances } from '../convert/expand-instances.ts';
import { convertZimbraTask } from '../convert/ical-task-to-graph.ts';
import { convertZimbraContact } from '../convert/zimbra-contact-to-graph.ts';
import type { DestinationMailbox } from '../domain/destination.ts';
import { FerryError } from '../domain/errors.ts';
import type { PassOptions } from '../domain/migration.ts';
import type { ItemOutcome, ItemResult, MappedItem, MigratedItem } from '../domain/migration-store.ts';
import type { ConvertedCalendarItem, SourceCalendarInstance, SourcePimRef } from '../domain/pim.ts';
import type { Source } from '../domain/source.ts';
import { STAMP_PROPERTY_ID, stampOf } from './migrate-message.ts';
import { withItemRetries } from './item-retry.ts';
import { writeCalendarItem } from './write-calendar-item.ts';

export interface PimContext {
  readonly source: string;
  /** The destination contact folder, calendar or To Do list. */
  readonly containerId: string;
  readonly options: PassOptions;
  readonly sourceReader: Source;
  readonly mailbox: DestinationMailbox;
  /** Aborted when this worker lost the mailbox's lease: nothing is written after that. */
  readonly signal: AbortSignal;
  /** With ZimbraCalendarExpandInstances=1: the occurrences Zimbra computed, by calendar item id. */
  readonly instances: ReadonlyMap<string, readonly SourceCalendarInstance[]> | undefined;
}

/** What one converted item needs from the destination, whatever its kind. */
interface Converted {
  readonly contentHash: string;
  /** What the item weighs in Zimbra, for statistics when the folder listing gave no size. */
  readonly bytes: number;
  /**
   * Creates the item (or rebuilds it over `previous`, the ids an earlier pass or attempt left);
   * returns its id(s) and, when it became more than one item in Microsoft 365, how many.
   */
  write(previous: readonly string[]): Promise<{ id: string; items?: number; problem?: string }>;
  /** Ids of copies an interrupted attempt may have created, found by their stamps. */
  findInterrupted(): Promise<string[]>;
}

/** Whether the item may be written in this pass: new, interrupted, or a newer revision in the source. */
export function pimItemToWrite(ref: SourcePimRef, mapped: MappedItem | undefined): boolean {
  return !(mapped?.status === 'migrated' && mapped.revision === ref.revision);
}

/**
 * Migrates one contact, calendar item or task exactly once, and again when its source changed
 * since (a newer revision with different content): contacts and tasks are updated in place, a
 * calendar item is rebuilt (its occurrences and exceptions depend on the whole series). Items a
 * user created in Microsoft 365 are never touched: only ids Ferry recorded or stamped are written.
 * The caller recorded the item as in flight before (see `pimItemToWrite`) and records the result
 * with the page.
 */
export async function migratePimItem(
  context: PimContext,
  ref: SourcePimRef,
  mapped: MappedItem | undefined,
): Promise<ItemResult> {
  if (!pimItemToWrite(ref, mapped)) return {};
  const base = { sourceItemId: ref.id, type: ref.kind, sourceFolderId: ref.folderId };
  const subject = context.options.logSubjects ? { subject: ref.subject ?? '' } : {};
  const outcome = (result: Omit<ItemOutcome, 'sourceItemId' | 'type' | 'sourceFolderId'>): ItemOutcome => ({
    ...base,
    ...result,
  });
  const stamp = stampOf(context.source, ref.id);
  // Zimbra's search gives no size for contacts: once the item is read, its own size stands in.
  let bytes = ref.sizeBytes;
  const failed = (error: Error): ItemResult => ({
    outcome: outcome({
      outcome: 'failed',
      bytes,
      code: error instanceof FerryError ? error.code : 'UNEXPECTED',
      message: error.message,
      ...subject,
    }),
  });
  return withItemRetries(
    context.signal,
    async ({ outcomeUnknown }) => {
      const converted = await convert(context, ref, stamp);
      if (bytes === 0) bytes = converted.bytes;
      // Tags become categories, so a tag change is a content change even where the payload hash omits them.
      const contentHash = `${converted.contentHash}:${[...ref.tags].sort().join(',')}`;
      const migrated = (destinationFolderId: string, destinationItemId: string): MigratedItem => ({
        sourceItemId: ref.id,
        type: ref.kind,
        stamp,
        destinationFolderId,
        destinationItemId,
        contentHash,
        revision: ref.revision,
      });
      if (mapped?.status === 'migrated' && mapped.contentHash === contentHash) {
        // A new revision with the same content (Zimbra bumps revisions on moves and tag changes of others).
        return { migrated: migrated(mapped.destinationFolderId, mapped.destinationItemId ?? '') };
      }
      const previous = mapped?.destinationItemId?.split(',').filter((id) => id !== '') ?? [];
      // An earlier pass, or an earlier try of this one, may have created it without learning so.
      if (mapped?.status === 'in_flight' || outcomeUnknown)
        previous.push(...(await converted.findInterrupted()));
      context.signal.throwIfAborted();
      const written = await converted.write([...new Set(previous)]);
      const destinationItems = written.items ?? 1;
      return {
        migrated: migrated(context.containerId, written.id),
        outcome:
          written.problem === undefined
            ? outcome({ outcome: 'migrated', bytes, destinationItems })
            : outcome({
                outcome: 'failed',
                bytes,
                destinationItems,
                code: 'PARTLY_MIGRATED',
                message: written.problem,
                ...subject,
              }),
      };
    },
    failed,
  );
}

async function convert(context: PimContext, ref: SourcePimRef, stamp: string): Promise<Converted> {
  const { mailbox, containerId } = context;
  switch (ref.kind) {
    case 'contacts': {
      const source = await context.sourceReader.fetchContact(context.source, ref);
      const contact = convertZimbraContact(source, {
        stamp: { propertyId: STAMP_PROPERTY_ID, value: stamp },
      });
      return {
        contentHash: contact.contentHash,
        bytes: Buffer.byteLength(JSON.stringify(source.attrs)) + (source.photo?.bytes.length ?? 0),
        findInterrupted: async () =>
          present(await mailbox.findPimItemByStamp('contacts', containerId, stamp)),
        async write(previous) {
          if (contact.distributionList !== undefined) {
            const list = await mailbox.createDistributionList(containerId, contact.distributionList);
            if (list !== undefined) return { id: list };
          }
          // The copy found by its stamp comes last: the live one when an interrupted rebuild left an id behind.
          const existing = previous.at(-1);
          if (existing === undefined) return { id: await mailbox.createContact(containerId, contact) };
          const id = await mailbox.updateContact(containerId, existing, contact);
          for (const stale of previous) if (stale !== existing) await mailbox.deleteContact(stale);
          return { id };
        },
      };
    }
    case 'tasks': {
      const item = await context.sourceReader.fetchCalendarItem(context.source, ref);
      const task = convertZimbraTask(item, { stamp, ...(await mailboxZone(context)) });
      return {
        contentHash: task.contentHash,
        bytes: Buffer.byteLength(item.ics),
        findInterrupted: async () => present(await mailbox.findPimItemByStamp('tasks', containerId, stamp)),
        async write(previous) {
          const [existing] = previous;
          if (existing !== undefined) {
            await mailbox.updateTask(containerId, existing, task.task);
            return { id: existing };
          }
          return { id: await mailbox.createTask(containerId, task.task) };
        },
      };
    }
    case 'calendar': {
      const item = await context.sourceReader.fetchCalendarItem(context.source, ref);
      const options = { stamp, ...(await mailboxZone(context)) };
      const event: ConvertedCalendarItem =
        context.instances === undefined
          ? convertCalendarItem(item, options)
          : convertWithZimbraInstances(item, context.instances.get(ref.id) ?? [], options);
      const stamps = [
        ...(event.series === undefined ? [] : [event.series.master.stamp]),
        ...event.singles.map((s) => s.stamp),
      ];
      return {
        contentHash: event.contentHash,
        bytes: Buffer.byteLength(item.ics),
        async findInterrupted() {
          const found = await Promise.all(
            stamps.map((s) => mailbox.findPimItemByStamp('calendar', containerId, s)),
          );
          return found.filter((id) => id !== undefined);
        },
        async write(previous) {
          // Rebuilt, not patched: deleting an event Ferry created sends nothing (it has no attendees).
          for (const id of previous) await mailbox.deleteEvent(id);
          // A new transaction per content and per set of replaced events: Exchange must never hand back one just deleted.
          const transaction = [event.contentHash, ...previous].join(',');
          const written = await writeCalendarItem(mailbox, containerId, event, transaction);
          return {
            id: written.ids.join(','),
            items: written.ids.length + written.changedOccurrences,
            ...(written.problem === undefined ? {} : { problem: written.problem }),
          };
        },
      };
    }
  }
}

/** The mailbox owner's zone for all-day and floating times; the converters fall back without it. */
async function mailboxZone(context: PimContext): Promise<{ timeZone?: string }> {
  const timeZone = await context.sourceReader.mailboxTimeZone(context.source);
  return timeZone === undefined ? {} : { timeZone };
}

function present(id: string | undefined): string[] {
  return id === undefined ? [] : [id];
}
