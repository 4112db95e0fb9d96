import type { DestinationMailbox } from '../domain/destination.ts';
import type { ConvertedCalendarItem } from '../domain/pim.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Writes a converted calendar item: the series master, then its changed occurrences (PATCH) and
 * cancelled ones (DELETE), matched on their original start; or its single events. Returns the
 * created ids and, when some occurrence could not be matched, what was left out.
 */
export async function writeCalendarItem(
  mailbox: DestinationMailbox,
  calendarId: string,
  item: ConvertedCalendarItem,
): Promise<{ ids: string[]; problem: string | undefined }> {
  const ids: string[] = [];
  const unmatched: string[] = [];
  if (item.series !== undefined) {
    const { master, exceptions, cancelledOriginalStartsUtc } = item.series;
    const seriesId = await mailbox.createEvent(calendarId, master.event);
    ids.push(seriesId);
    const starts = [...exceptions.map((e) => e.originalStartUtc), ...cancelledOriginalStartsUtc].map(instant);
    if (starts.length > 0) {
      const from = new Date(Math.min(...starts) - DAY_MS).toISOString();
      const to = new Date(Math.max(...starts) + DAY_MS).toISOString();
      const occurrences = await mailbox.listOccurrences(seriesId, from, to);
      const byStart = new Map(occurrences.map((o) => [instant(o.originalStartUtc), o.id]));
      for (const exception of exceptions) {
        const id = byStart.get(instant(exception.originalStartUtc));
        if (id === undefined) unmatched.push(`changed occurrence of ${exception.originalStartUtc}`);
        else await mailbox.updateEvent(id, exception.patch);
      }
      for (const start of cancelledOriginalStartsUtc) {
        const id = byStart.get(instant(start));
        // A cancelled date that is no occurrence of the series in Graph is already absent.
        if (id !== undefined) await mailbox.deleteEvent(id);
      }
    }
  }
  for (const single of item.singles) ids.push(await mailbox.createEvent(calendarId, single.event));
  const problem =
    unmatched.length === 0
      ? undefined
      : `The series was created, but Microsoft 365 has no occurrence for: ${unmatched.join(', ')}; those changes are missing.`;
  return { ids, problem };
}

function instant(iso: string): number {
  return Date.parse(iso);
}
