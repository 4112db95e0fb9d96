/**
 * What the converter may do to message text and how it notices a loss. Exchange cannot store
 * control characters (message-headers.ts strips them), and U+FFFD marks bytes a decoder could not
 * read; either means the imported text is not the whole message, so the original must be kept.
 */

/** Control characters other than tab, CR and LF, or the replacement character. */
const LOSSY = /[^\P{Cc}\t\n\r]|\uFFFD/u;

/** Whether text would lose something on its way to Exchange (or already did, in a decoder). */
export function hasLossyCharacters(text: string): boolean {
  return LOSSY.test(text);
}

/**
 * Charset labels under which U+0080–U+009F in decoded text are Windows-1252 bytes read the wrong
 * way, never intended controls: no charset at all, ASCII, or Latin-1 (which senders and decoders
 * mix up with Windows-1252 all the time).
 */
const LATIN1_LABELS = new Set([
  '',
  'us-ascii',
  'ascii',
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'latin-1',
  'l1',
  'cp819',
  'ibm819',
]);

export function isLatin1Label(charset: string): boolean {
  return LATIN1_LABELS.has(charset.trim().toLowerCase());
}

const windows1252 = new TextDecoder('windows-1252');

/**
 * U+0080–U+009F → the Windows-1252 character of that byte (0x80 €, 0x93/0x94 quotes, 0x96 en
 * dash…). The five bytes Windows-1252 leaves undefined stay as they are.
 */
export function c1AsWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009F]/g, (c1) => windows1252.decode(new Uint8Array([c1.charCodeAt(0)])));
}
