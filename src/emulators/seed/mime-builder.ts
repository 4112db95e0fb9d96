/**
 * A minimal MIME tree and its serialisation. Leaves hold already-encoded bodies as an iterable of
 * buffers, so a 35 MB attachment can be produced and written in chunks.
 */
import { base64Lines, encodeParam, encodeText, quotedPrintable } from './mime-encoding.ts';

export interface MimeLeaf {
  readonly headers: readonly string[];
  readonly body: Iterable<Buffer>;
}

export interface MimeMultipart {
  readonly headers: readonly string[];
  readonly boundary: string;
  readonly parts: readonly MimeNode[];
}

export type MimeNode = MimeLeaf | MimeMultipart;

export type TextEncoding = 'quoted-printable' | 'base64' | '8bit';

/** A text/plain, text/html or text/calendar part in `charset`. */
export function textPart(
  subtype: string,
  text: string,
  charset: string,
  encoding: TextEncoding,
  extraType = '',
): MimeLeaf {
  const bytes = encodeText(text.replace(/\r?\n/g, '\r\n'), charset);
  const body =
    encoding === 'base64'
      ? base64Lines(bytes)
      : encoding === 'quoted-printable'
        ? quotedPrintable(bytes)
        : bytes;
  return {
    headers: [
      `Content-Type: text/${subtype}; charset=${charset}${extraType}`,
      `Content-Transfer-Encoding: ${encoding}`,
    ],
    body: [body],
  };
}

export interface BinaryOptions {
  readonly filename?: string;
  readonly disposition: 'attachment' | 'inline';
  readonly contentId?: string;
}

/** A base64 part; `body` is already base64 in 76-character lines (see `base64Lines`). */
export function binaryPart(contentType: string, body: Iterable<Buffer>, options: BinaryOptions): MimeLeaf {
  const name = options.filename === undefined ? '' : encodeParam('name', options.filename);
  const filename = options.filename === undefined ? '' : encodeParam('filename', options.filename);
  const headers = [
    `Content-Type: ${contentType}${name}`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: ${options.disposition}${filename}`,
  ];
  if (options.contentId !== undefined) headers.push(`Content-ID: <${options.contentId}>`);
  return { headers, body };
}

/** An attached message (message/rfc822), its bytes unchanged. */
export function messagePart(raw: Buffer, filename: string): MimeLeaf {
  return {
    headers: [
      `Content-Type: message/rfc822${encodeParam('name', filename)}`,
      'Content-Transfer-Encoding: 8bit',
      `Content-Disposition: attachment${encodeParam('filename', filename)}`,
    ],
    body: [raw],
  };
}

export function multipart(
  subtype: string,
  boundary: string,
  parts: readonly MimeNode[],
  extraType = '',
): MimeMultipart {
  return {
    headers: [`Content-Type: multipart/${subtype};${extraType}\r\n boundary="${boundary}"`],
    boundary,
    parts,
  };
}

function* renderNode(node: MimeNode): Generator<Buffer> {
  if ('parts' in node) {
    yield Buffer.from('This is a multi-part message in MIME format.\r\n', 'latin1');
    for (const part of node.parts) {
      yield Buffer.from(`\r\n--${node.boundary}\r\n${part.headers.join('\r\n')}\r\n\r\n`, 'utf8');
      yield* renderNode(part);
    }
    yield Buffer.from(`\r\n--${node.boundary}--\r\n`, 'latin1');
  } else {
    yield* node.body;
  }
}

/** The whole message: `headers` (already encoded, in order), MIME-Version, the root's headers, body. */
export function* renderMessage(headers: readonly string[], root: MimeNode): Generator<Buffer> {
  yield Buffer.from(`${[...headers, 'MIME-Version: 1.0', ...root.headers].join('\r\n')}\r\n\r\n`, 'utf8');
  yield* renderNode(root);
}

/** Renders a small message fully into one buffer (used for attached messages). */
export function renderToBuffer(headers: readonly string[], root: MimeNode): Buffer {
  return Buffer.concat([...renderMessage(headers, root)]);
}
