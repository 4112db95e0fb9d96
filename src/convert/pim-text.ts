/**
 * Text clean-up and size limits shared by the contact and task converters. Exchange carries text
 * through XML 1.0, which cannot hold C0 control characters or lone surrogates, and refuses any
 * request over 4 MB (microsoft-graph.md §0.6), so every string is cleaned and long ones are capped.
 */

/** Control characters other than tab, CR and LF (C0, DEL, C1). */
const CONTROL_CHARACTERS = /[^\P{Cc}\t\n\r]/gu;

/**
 * Longest value put in a one-line Graph field (names, company, phone, …). Outlook's own forms stop
 * at 255 characters; a longer value is cut there and kept whole in the notes.
 */
export const MAX_FIELD_CHARS = 255;

/**
 * Longest notes or body text. At up to 3 bytes of UTF-8 per character this keeps the create JSON
 * well under the 3 MB request budget the mail converter also uses (limits.ts).
 */
export const MAX_NOTES_CHARS = 500_000;

/** Well-formed Unicode without control characters, trimmed. */
export function cleanText(value: string): string {
  return value.toWellFormed().replace(CONTROL_CHARACTERS, '').trim();
}

/** `cleanText` on one line: line breaks (and the blanks around them) become one space. */
export function cleanLine(value: string): string {
  return cleanText(value).replace(/\s*[\r\n]+\s*/g, ' ');
}

/** The first `max` characters, never splitting a surrogate pair. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value.charAt(max - 1)) ? max - 1 : max;
  return value.slice(0, end);
}
