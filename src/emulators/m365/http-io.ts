import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads a whole request body, giving up (and discarding the rest) once it exceeds `limit` bytes. */
export async function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ bytes: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return { bytes: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge };
}

/** Lower-cased header map with single string values. */
export function headerMap(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export function encodeBody(body: unknown): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(JSON.stringify(body));
}

/**
 * Writes a response; with `resetAfter` set, sends the headers and that many body bytes (at least one,
 * at most all but one) and then destroys the socket, the way a connection dropped mid-body looks.
 */
export function writeResponse(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  resetAfter?: number,
): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (resetAfter === undefined) {
    res.setHeader('Content-Length', body.length);
    res.end(body);
    return;
  }
  const padded = body.length < 2 ? Buffer.concat([body, Buffer.alloc(2 - body.length, 0x20)]) : body;
  const cut = Math.min(Math.max(1, resetAfter), padded.length - 1);
  res.setHeader('Content-Length', padded.length);
  res.flushHeaders();
  res.write(padded.subarray(0, cut), () => res.socket?.destroy());
}
