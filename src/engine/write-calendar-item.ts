import { createHash } from 'node:crypto';

import type { DestinationMailbox } from '../domain/destination.ts';
import { FerryError } from '../domain/errors.ts';
import { FERRY_PROPERTY_SET_GUID } from '../domain/mail.ts';
import type { ConvertedCalendarItem, GraphEventDraft } from '../domain/pim.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Writes a converted calendar item: the series master, then its changed occurrences (PATCH) and
 * cancelled ones (DELETE), matched on their original start; or its single events. Returns the
 * created ids, how many occurrences were changed (each an item of its own in Exchange) and, when
 * some occurrence could not be matched, what was left out.
 *
 * Every created event carries a `transactionId`, so a create repeated after a lost answer returns
 * the event Exchange already made (microsoft-graph.md §6): a UUID derived from the event's own
 * stamp and `transaction`, which must change whenever an earlier copy was deleted.
 */
export async function writeCalendarItem(
  mailbox: DestinationMailbox,
  calendarId: string,
  item: ConvertedCalendarItem,
  transaction: string,
): Promise<{ ids: string[]; changedOccurrences: number; problem: string | undefined }> {
  const create = (draft: GraphEventDraft) =>
    mailbox.createEvent(calendarId, {
      ...draft.event,
      transactionId: transactionId(`${draft.stamp}\n${transaction}`),
    });
  const ids: string[] = [];
  const unmatched: string[] = [];
  const leftOut = [...(item.attachmentsLeftOut ?? [])];
  const attach = async (eventId: string) => {
    for (const attachment of item.attachments ?? []) {
      try {
        await mailbox.addEventAttachment(eventId, attachment);
      } catch (error) {
        // Only a refusal of this file (too large, a name Exchange will not take) is the item's to
        // report; anything else (throttling that would not end, the mailbox gone) stops the item.
        if (!(error instanceof FerryError) || error.kind !== 'user') throw error;
        leftOut.push(`"${attachment.name}" could not be attached: ${error.message}`);
      }
    }
  };
  let changedOccurrences = 0;
  if (item.series !== undefined) {
    const { master, exceptions, cancelledOriginalStartsUtc } = item.series;
    const seriesId = await create(master);
    ids.push(seriesId);
    await attach(seriesId);
    const starts = [...exceptions.map((e) => e.originalStartUtc), ...cancelledOriginalStartsUtc].map(instant);
    if (starts.length > 0) {
      const from = new Date(Math.min(...starts) - DAY_MS).toISOString();
      const to = new Date(Math.max(...starts) + DAY_MS).toISOString();
      const occurrences = await mailbox.listOccurrences(seriesId, from, to);
      const byStart = new Map(occurrences.map((o) => [instant(o.originalStartUtc), o.id]));
      for (const exception of exceptions) {
        const id = byStart.get(instant(exception.originalStartUtc));
        if (id === undefined) unmatched.push(`changed occurrence of ${exception.originalStartUtc}`);
        else {
          await mailbox.updateEvent(id, exception.patch);
          changedOccurrences += 1;
        }
      }
      for (const start of cancelledOriginalStartsUtc) {
        const id = byStart.get(instant(start));
        // A cancelled date that is no occurrence of the series in Graph is already absent.
        if (id !== undefined) await mailbox.deleteEvent(id);
      }
    }
  }
  // Attachments go on each single of a non-recurring event, or the first of a series copied as
  // singles: a file is not copied a thousand times.
  for (const [n, single] of item.singles.entries()) {
    const id = await create(single);
    ids.push(id);
    if (item.series === undefined && n === 0) await attach(id);
  }
  const problems = [
    ...(unmatched.length === 0
      ? []
      : [
          `The series was created, but Microsoft 365 has no occurrence for: ${unmatched.join(', ')}; those changes are missing.`,
        ]),
    ...(leftOut.length === 0 ? [] : [`Attachments: ${leftOut.join('; ')}.`]),
  ];
  return { ids, changedOccurrences, problem: problems.length === 0 ? undefined : problems.join(' ') };
}

/** A name-based UUID (RFC 9562 version 5) in Ferry's property set namespace. */
export function transactionId(name: string): string {
  const namespace = Buffer.from(FERRY_PROPERTY_SET_GUID.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function instant(iso: string): number {
  return Date.parse(iso);
}
