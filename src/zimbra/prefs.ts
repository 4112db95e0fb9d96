import { children, type JsonElement, text } from './json-element.ts';

/** The preference that holds the mailbox owner's time zone (zimbra.md §10). */
export const TIME_ZONE_PREF = 'zimbraPrefTimeZoneId';

/** GetPrefsRequest (urn:zimbraAccount) for the named preferences only. */
export function prefsRequest(...names: string[]): JsonElement {
  return { pref: names.map((name) => ({ name })) };
}

/**
 * One preference from a GetPrefsResponse: JSON carries them as `_attrs: {name: value}`; the XML
 * form `pref: [{name, _content}]` is read too. Blank means unset.
 */
export function readPref(response: JsonElement, name: string): string | undefined {
  const attrs = response._attrs;
  const fromAttrs =
    typeof attrs === 'object' && attrs !== null && !Array.isArray(attrs)
      ? text(attrs as JsonElement, name)
      : undefined;
  const value =
    fromAttrs ??
    text(
      children(response, 'pref').find((pref) => text(pref, 'name') === name),
      '_content',
    );
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}
