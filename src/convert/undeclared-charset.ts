/**
 * Repairs the commonest wrong decoding in old mail: a single-part text message whose 8-bit body is
 * labelled us-ascii (or carries no charset) but is in a legacy charset — mostly Latin-1/Windows-1252,
 * sometimes Big5, Shift_JIS, KOI8-R… The parser reads it as UTF-8 and turns every such byte into
 * U+FFFD; re-reading the body bytes in the guessed charset (mime-charset-guess.ts) keeps them.
 * Multipart messages are left to the parser (its part bytes are not available here).
 */
import libmime from 'libmime';
import { guessCharset, type CharsetGuess } from './mime-charset-guess.ts';
import { headerValue, type HeaderBlock } from './raw-headers.ts';

const UNLABELLED = new Set(['', 'us-ascii', 'ascii', 'utf-8', 'utf8']);

function decodeQuotedPrintable(text: string): Uint8Array {
  const bytes: number[] = [];
  const input = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < input.length; i++) {
    const hex = input[i] === '=' ? /^[0-9a-f]{2}$/i.exec(input.slice(i + 1, i + 3))?.[0] : undefined;
    if (hex !== undefined) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(input.charCodeAt(i) & 0xff);
    }
  }
  return new Uint8Array(bytes);
}

/** The re-decoded body text and the charset guessed, or undefined when the repair does not apply. */
export function redecodeUnlabelledText(
  raw: Uint8Array,
  header: HeaderBlock,
  parsedText: string,
): CharsetGuess | undefined {
  if (!parsedText.includes('\uFFFD')) return undefined;
  let type: string;
  let charset: string;
  try {
    const parsed = libmime.parseHeaderValue(headerValue(header.fields, 'Content-Type') ?? 'text/plain');
    type = parsed.value.toLowerCase();
    charset = (parsed.params.charset ?? '').toLowerCase();
  } catch {
    return undefined;
  }
  if (!type.startsWith('text/') || !UNLABELLED.has(charset)) return undefined;
  const body = raw.subarray(header.bodyOffset);
  const encoding = (headerValue(header.fields, 'Content-Transfer-Encoding') ?? '').trim().toLowerCase();
  const latin1 = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const bytes =
    encoding === 'base64'
      ? new Uint8Array(Buffer.from(latin1, 'base64'))
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(latin1)
        : body;
  const guess = guessCharset(bytes);
  return guess.charset === 'utf-8' ? undefined : guess;
}
