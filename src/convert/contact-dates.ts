/**
 * Zimbra contact dates (`birthday`, `anniversary`: `yyyy-MM-dd`, or `--MM-dd` without a year,
 * zimbra.md §6) → the midnight-UTC instant Graph and Outlook store (microsoft-graph.md §7).
 *
 * A date without a year is written in year 1604, the placeholder Apple and Exchange ActiveSync use
 * for "no year" (vCard X-APPLE-OMIT-YEAR=1604): a leap year, so 29 February survives, and within
 * the FILETIME range (1601 on) that Exchange stores dates in. Clients show day and month; the year
 * reads as unknown instead of a wrong age.
 */

export const NO_YEAR_PLACEHOLDER = 1604;

/** `yyyy-MM-dd`, `yyyyMMdd`, or either followed by a time, which is ignored (a date is a day). */
const FULL_DATE = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ][\d:.]+Z?)?$/i;
const NO_YEAR = /^--(\d{2})-?(\d{2})$/;

/** `yyyy-MM-ddT00:00:00Z`, or undefined when the value is not a real calendar date. */
export function contactDate(value: string): string | undefined {
  const full = FULL_DATE.exec(value.trim());
  const noYear = full ? undefined : NO_YEAR.exec(value.trim());
  const year = full ? Number(full[1]) : noYear ? NO_YEAR_PLACEHOLDER : undefined;
  const month = Number((full ?? noYear)?.[full ? 2 : 1]);
  const day = Number((full ?? noYear)?.[full ? 3 : 2]);
  if (year === undefined || year < 1601) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T00:00:00Z`;
}
