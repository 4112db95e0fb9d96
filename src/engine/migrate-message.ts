import { ferryNamedPropertyId } from '../convert/extended-properties.ts';
import { convertMimeToGraphMessage } from '../convert/mime-to-graph-message.ts';
import type { DestinationMailbox } from '../domain/destination.ts';
import { FerryError } from '../domain/errors.ts';
import type { PassOptions } from '../domain/migration.ts';
import type { ItemOutcome, ItemResult, MappedItem } from '../domain/migration-store.ts';
import type { Source, SourceMessageRef } from '../domain/source.ts';
import { withItemRetries } from './item-retry.ts';

/** The named property that carries Ferry's idempotency stamp on every item it creates. */
export const STAMP_PROPERTY_ID = ferryNamedPropertyId('FerrySourceId');

export interface MessageContext {
  readonly source: string;
  readonly destinationFolderId: string;
  readonly options: PassOptions;
  readonly sourceReader: Source;
  readonly mailbox: DestinationMailbox;
  /** Aborted when this worker lost the mailbox's lease: no create starts after that. */
  readonly signal: AbortSignal;
}

/** importMime takes the MIME base64-encoded in one request of at most 4 MB: about 3 MB of raw MIME. */
export const IMPORT_MIME_MAX_RAW_BYTES = 3 * 1024 * 1024 - 64 * 1024;

/** The stamp of a source item: the same item always gets the same stamp, in every pass. */
export function stampOf(sourceMailbox: string, itemId: string): string {
  return `zimbra:${sourceMailbox.toLowerCase()}:${itemId}`;
}

/** Whether the message is written in this pass: not migrated before, and within the size limit. */
export function messageToWrite(
  context: Pick<MessageContext, 'options'>,
  message: SourceMessageRef,
  mapped: MappedItem | undefined,
): boolean {
  return mapped?.status !== 'migrated' && message.sizeBytes <= context.options.maxMessageBytes;
}

/**
 * Migrates one message exactly once. The item map says whether an earlier attempt finished
 * (skip), or sent its create request without recording the answer (look the stamp up in the
 * destination before creating again). The caller recorded the message as in flight before (see
 * `messageToWrite`) and records the result with the page. Transient failures are tried again
 * (`withItemRetries`); item failures are results, never thrown; a MailboxError stops the mailbox.
 */
export async function migrateMessage(
  context: MessageContext,
  message: SourceMessageRef,
  mapped: MappedItem | undefined,
): Promise<ItemResult> {
  if (mapped?.status === 'migrated') return {};
  const base = { sourceItemId: message.id, type: 'mail' as const, sourceFolderId: message.folderId };
  const subject = context.options.logSubjects ? { subject: message.subject ?? '' } : {};
  const outcome = (result: Omit<ItemOutcome, 'sourceItemId' | 'type' | 'sourceFolderId'>): ItemOutcome => ({
    ...base,
    ...result,
  });

  if (message.sizeBytes > context.options.maxMessageBytes) {
    return {
      outcome: outcome({
        outcome: 'skipped',
        bytes: message.sizeBytes,
        code: 'MESSAGE_TOO_LARGE',
        message: `The message is ${formatMegabytes(message.sizeBytes)}, above the destination's limit of ${formatMegabytes(context.options.maxMessageBytes)}; raise the mailbox's maximum receive size (up to 150 MB) and run Retry Errors or a Full pass.`,
        ...subject,
      }),
    };
  }
  const stamp = stampOf(context.source, message.id);
  const migrated = (destinationFolderId: string, destinationItemId: string, contentHash: string) => ({
    sourceItemId: message.id,
    type: 'mail' as const,
    stamp,
    destinationFolderId,
    destinationItemId,
    contentHash,
  });
  const failed = (error: Error): ItemResult => ({
    outcome: outcome({
      outcome: 'failed',
      bytes: message.sizeBytes,
      code: error instanceof FerryError ? error.code : 'UNEXPECTED',
      message: error.message,
      ...subject,
    }),
  });
  return withItemRetries(
    context.signal,
    async ({ outcomeUnknown }) => {
      const raw = await context.sourceReader.fetchRawMessage(context.source, message);
      const converted = await convertMimeToGraphMessage(
        raw,
        {
          id: message.id,
          folderId: message.folderId,
          flags: message.flags,
          tags: message.tags,
          receivedMs: message.receivedMs,
          size: message.sizeBytes,
        },
        {
          recipientMapping: context.options.recipientMappings,
          stamp: { propertyId: STAMP_PROPERTY_ID, value: stamp },
        },
      );
      // An earlier pass, or an earlier try of this one, may have created it without learning so.
      const lookIn = outcomeUnknown
        ? context.destinationFolderId
        : mapped?.status === 'in_flight'
          ? mapped.destinationFolderId
          : undefined;
      if (lookIn !== undefined) {
        const existing = await context.mailbox.findMessageByStamp(lookIn, stamp);
        if (existing !== undefined && converted.largeAttachments.length === 0) {
          return {
            migrated: migrated(lookIn, existing, converted.contentHash),
            outcome: outcome({ outcome: 'migrated', bytes: raw.length }),
          };
        }
        // Its attachments are added after the create: the copy found may be half-built, so rebuild it.
        context.signal.throwIfAborted();
        if (existing !== undefined) await context.mailbox.deleteMessage(existing);
      }
      context.signal.throwIfAborted();
      const id =
        context.options.useImportMime === true && raw.length <= IMPORT_MIME_MAX_RAW_BYTES
          ? await context.mailbox.importMessage(context.destinationFolderId, raw, {
              isRead: converted.message.isRead,
              importance: converted.message.importance,
              flag: converted.message.flag,
              categories: converted.message.categories,
              singleValueExtendedProperties: [{ id: STAMP_PROPERTY_ID, value: stamp }],
            })
          : await context.mailbox.createMessage(
              context.destinationFolderId,
              converted.message,
              converted.largeAttachments,
            );
      return {
        migrated: migrated(context.destinationFolderId, id, converted.contentHash),
        outcome: outcome({ outcome: 'migrated', bytes: raw.length }),
      };
    },
    failed,
  );
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
