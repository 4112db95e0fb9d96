/**
 * Reads a `tn` attribute: tag names separated by commas, where a comma inside a name arrives as
 * `\,` and a backslash as `\\`; names are trimmed and empty ones dropped, as Zimbra itself reads
 * them (zimbra.md §5; zm-mailbox TagUtil.decodeTags).
 */
export function decodeTagNames(encoded: string): string[] {
  const names: string[] = [];
  let current = '';
  let escaped = false;
  const flush = () => {
    const name = current.trim();
    if (name !== '') names.push(name);
    current = '';
  };
  for (const c of encoded) {
    if (escaped) {
      current += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',') {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return names;
}
