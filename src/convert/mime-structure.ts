/**
 * A quick line scan of a message's MIME skeleton, run before the real parser. It bounds what the
 * parser is given (nesting depth, header sizes) and notices defects the parser silently repairs
 * (a multipart never closed, a truncated message), so the converter can keep the original. It also
 * records where each leaf part's header and body lie, so a plainly built message can be read
 * without a second pass (plain-mime.ts).
 */
import libmime from 'libmime';
import { MAX_HEADER_BYTES, MAX_NESTING_DEPTH } from './limits.ts';

export interface MimeStructure {
  /** Deepest nesting of multiparts and attached messages seen (0 for a single-part message). */
  readonly depth: number;
  /** True when the scan stopped because the depth passed MAX_NESTING_DEPTH. */
  readonly tooDeep: boolean;
  /** True when one part's header block passed MAX_HEADER_BYTES. */
  readonly headerTooLarge: boolean;
  /** Multipart boundaries still open at the end of the message (missing closing delimiter). */
  readonly unclosedBoundaries: number;
  /** Multiparts declared without a boundary parameter. */
  readonly missingBoundaries: number;
  /**
   * The charset label (lowercase, '' when none) of every text part not marked as an attachment —
   * the parts the body is made of. A part without Content-Type is text/plain.
   */
  readonly textCharsets: readonly string[];
  /** Every leaf part (not a multipart, not an unencoded attached message), in order. */
  readonly leaves: readonly MimeLeaf[];
  /**
   * True when the skeleton holds anything a strict reading could take differently: an attached
   * message, a multipart other than mixed/alternative/related, a delimiter line with more than
   * whitespace after it, a delimiter of an outer multipart inside an inner one.
   */
  readonly irregular: boolean;
}

export interface MimeLeaf {
  /** The part's header lines as written (latin1), folded lines kept. */
  readonly headerLines: readonly string[];
  /** Offsets in the raw message of the first body byte and the byte after the body. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** True for the message's own body (a single-part message). */
  readonly root: boolean;
  /** True inside a multipart/alternative. */
  readonly inAlternative: boolean;
}

interface Container {
  /** undefined for an attached message, which ends with the part that holds it */
  readonly boundary: string | undefined;
  readonly alternative: boolean;
}

interface OpenLeaf {
  readonly headerLines: readonly string[];
  readonly bodyStart: number;
  bodyEnd: number;
  readonly root: boolean;
  readonly inAlternative: boolean;
}

const STRICT_MULTIPARTS = new Set(['multipart/mixed', 'multipart/alternative', 'multipart/related']);
/** What may follow a delimiter: nothing but spaces and tabs. */
const DELIMITER_PADDING = /^[ \t]*$/;

interface PartType {
  readonly type: string;
  readonly multipartBoundary: string | undefined;
  readonly multipartWithoutBoundary: boolean;
  readonly message: boolean;
  /** The charset label of a text part not marked as an attachment; undefined for other parts. */
  readonly textCharset: string | undefined;
}

function partType(headerLines: readonly string[]): PartType {
  const unfolded = headerLines.join('\n').replace(/\n[ \t]+/g, ' ');
  const contentType = /^content-type[ \t]*:(.*)$/im.exec(unfolded)?.[1] ?? '';
  let type: string;
  let boundary = '';
  let charset = '';
  try {
    // libmime also reads RFC 2231 parameters (boundary*=…, boundary*0=…)
    const parsed = libmime.parseHeaderValue(contentType);
    type = parsed.value.toLowerCase();
    boundary = parsed.params.boundary ?? '';
    charset = (parsed.params.charset ?? '').trim().toLowerCase();
  } catch {
    type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  }
  if (type.startsWith('multipart/')) {
    return {
      type,
      multipartBoundary: boundary === '' ? undefined : boundary,
      multipartWithoutBoundary: boundary === '',
      message: false,
      textCharset: undefined,
    };
  }
  // only an unencoded attached message has headers of its own to scan (as in the parser)
  const encoding = /^content-transfer-encoding[ \t]*:[ \t]*(\S*)/im.exec(unfolded)?.[1]?.toLowerCase() ?? '';
  const message = type === 'message/rfc822' && ['', '7bit', '8bit', 'binary'].includes(encoding);
  const attachment = /^content-disposition[ \t]*:[ \t]*attachment/im.test(unfolded);
  const text = type === '' || type.startsWith('text/');
  return {
    type,
    multipartBoundary: undefined,
    multipartWithoutBoundary: false,
    message,
    textCharset: text && !attachment ? charset : undefined,
  };
}

/**
 * Applies a `--boundary` or `--boundary--` line to the open containers: a part delimiter closes
 * everything nested inside its multipart, a close delimiter also closes the multipart itself.
 */
function closeTo(
  stack: Container[],
  delimiter: string,
  onPadding: (padding: string) => void,
): 'part' | 'close' | 'none' {
  for (let i = stack.length - 1; i >= 0; i--) {
    const boundary = stack[i]?.boundary;
    if (boundary === undefined) continue;
    // lenient like most readers: anything after "--boundary--" is padding
    if (delimiter.startsWith(`--${boundary}--`)) {
      onPadding(delimiter.slice(boundary.length + 4));
      stack.length = i;
      return 'close';
    }
    if (delimiter === `--${boundary}`) {
      stack.length = i + 1;
      return 'part';
    }
  }
  return 'none';
}

/** Scans the raw message; never throws, linear in its size times the (bounded) nesting depth. */
export function scanMimeStructure(raw: Uint8Array): MimeStructure {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const stack: Container[] = [];
  let depth = 0;
  let missingBoundaries = 0;
  const textCharsets: string[] = [];
  let headerTooLarge = false;
  let inHeaders = true;
  let headerLines: string[] = [];
  let headerBytes = 0;
  let position = 0;
  const leaves: OpenLeaf[] = [];
  let openLeaf: OpenLeaf | undefined;
  let irregular = false;
  const onPadding = (padding: string) => {
    if (!DELIMITER_PADDING.test(padding)) irregular = true;
  };
  while (position <= text.length) {
    // a body line matters only when it may be a delimiter: jump to the next line starting "--"
    if (!inHeaders && !text.startsWith('--', position)) {
      if (stack.every((container) => container.boundary === undefined)) break;
      const next = text.indexOf('\n--', position);
      if (next < 0) break;
      position = next + 1;
    }
    const lineStart = position;
    let end = text.indexOf('\n', position);
    if (end < 0) end = text.length;
    const line = text.slice(position, end).replace(/\r$/, '');
    position = end + 1;

    if (line.startsWith('--') && stack.length > 0) {
      const trimmed = line.trimEnd();
      const open = stack.length;
      const delimiter = closeTo(stack, trimmed, onPadding);
      // a delimiter of an outer multipart while an inner one is open
      if (stack.length < open - (delimiter === 'close' ? 1 : 0)) irregular = true;
      if (delimiter !== 'none') {
        if (trimmed !== line && !DELIMITER_PADDING.test(line.slice(trimmed.length))) irregular = true;
        if (openLeaf !== undefined) {
          const lineBreak = text.startsWith('\r\n', lineStart - 2) ? 2 : text[lineStart - 1] === '\n' ? 1 : 0;
          openLeaf.bodyEnd = Math.max(openLeaf.bodyStart, lineStart - lineBreak);
          openLeaf = undefined;
        }
        headerLines = [];
        headerBytes = 0;
        inHeaders = delimiter === 'part';
        continue;
      }
    }

    if (!inHeaders) continue;
    headerBytes += line.length + 1;
    if (headerBytes > MAX_HEADER_BYTES) headerTooLarge = true;
    if (line !== '' && !headerTooLarge) {
      headerLines.push(line);
      continue;
    }
    // end of a header block: what does this part contain?
    const type = partType(headerLines);
    if (type.message || (type.type.startsWith('multipart/') && !STRICT_MULTIPARTS.has(type.type))) {
      irregular = true;
    }
    if (type.multipartBoundary === undefined && !type.message) {
      openLeaf = {
        headerLines,
        bodyStart: position,
        bodyEnd: text.length,
        root: stack.length === 0,
        inAlternative: stack.some((container) => container.alternative),
      };
      leaves.push(openLeaf);
    }
    headerLines = [];
    headerBytes = 0;
    inHeaders = false;
    if (type.multipartWithoutBoundary) missingBoundaries++;
    if (type.textCharset !== undefined) textCharsets.push(type.textCharset);
    if (type.multipartBoundary !== undefined || type.message) {
      stack.push({ boundary: type.multipartBoundary, alternative: type.type === 'multipart/alternative' });
      depth = Math.max(depth, stack.length);
      if (stack.length > MAX_NESTING_DEPTH) {
        return {
          depth,
          tooDeep: true,
          headerTooLarge,
          unclosedBoundaries: 0,
          missingBoundaries,
          textCharsets,
          leaves,
          irregular: true,
        };
      }
      // an attached message starts with its own header block
      if (type.message) inHeaders = true;
    }
  }
  const unclosedBoundaries = stack.filter((container) => container.boundary !== undefined).length;
  return {
    depth,
    tooDeep: false,
    headerTooLarge,
    unclosedBoundaries,
    missingBoundaries,
    textCharsets,
    leaves,
    irregular,
  };
}
