/**
 * Text helpers shared by the iCalendar and vCard writers: escaping, line folding (75 octets, on
 * character boundaries) and date/time values.
 */

/** Escapes a TEXT value (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds one content line at 75 octets without splitting a UTF-8 character. */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= 75) return line;
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    const limit = out.length === 0 ? 75 : 74;
    if (bytes + size > limit) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** Joins content lines into CRLF-terminated, folded text. */
export function contentLines(lines: readonly string[]): string {
  return lines.map((line) => `${foldLine(line)}\r\n`).join('');
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYYMMDDTHHMMSSZ` for an instant. */
export function utcStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/** Floating local `YYYYMMDDTHHMMSS` of a wall-clock time given as a UTC-based ms value. */
export function localStamp(wallMs: number): string {
  return utcStamp(wallMs).slice(0, -1);
}

/** `YYYYMMDD` of the day containing `wallMs` (read as UTC). */
export function dateStamp(wallMs: number): string {
  return utcStamp(wallMs).slice(0, 8);
}

/** `YYYY-MM-DD` of the day containing `wallMs` (read as UTC). */
export function isoDate(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}
