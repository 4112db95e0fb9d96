const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An API timestamp (ISO 8601) in the reader's locale and time zone; `fallback` when there is none. */
export function formatDate(iso: string | null, fallback = '—'): string {
  return iso === null ? fallback : FORMAT.format(new Date(iso));
}
