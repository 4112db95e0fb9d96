/**
 * When two mailbox addresses name the same mailbox. Stored addresses keep what the agent typed in
 * NFC (the form Zimbra and Microsoft 365 are sent); comparisons use `mailboxKey`, computed here and
 * stored next to the address, never PostgreSQL's lower(), whose result depends on the database's
 * locale (glibc folds "İ" to "i", JavaScript to "i̇") and so disagreed with the checks done here.
 *
 * The key: compatibility normalisation (NFKC: fullwidth "ａｌｉｃｅ" is "alice", as IDNA maps it in
 * domains), locale-independent lower case ("İ" → "i̇", "ẞ" → "ß"), Greek final sigma folded to σ
 * (Unicode case folding does; toLowerCase picks ς or σ by position). "ß" stays distinct from "ss":
 * Zimbra and Entra ID treat "straße" and "strasse" as two accounts.
 */
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

export function mailboxKey(address: string): string {
  // Printable ASCII is its own normal form; a list of 100,000 addresses is mostly that.
  if (PRINTABLE_ASCII.test(address)) return address.trim().toLowerCase();
  return address.trim().normalize('NFKC').toLowerCase().replaceAll('ς', 'σ').normalize('NFKC');
}

/** An address as it is stored and sent: trimmed, canonically composed (NFC). */
export function normalizeAddress(address: string): string {
  return address.trim().normalize('NFC');
}
