/**
 * The bytes of an attachment, held as whatever the message gave: decoded bytes, or base64 text
 * that can go into the create JSON as it is. Graph wants base64 in the JSON and raw bytes in an
 * upload; each form is produced only when asked for, so a base64 part placed in the JSON is never
 * decoded and encoded again.
 */
export interface AttachmentContent {
  /** Decoded size in bytes. */
  readonly size: number;
  bytes(): Uint8Array;
  base64(): string;
}

export function bytesContent(bytes: Uint8Array): AttachmentContent {
  return {
    size: bytes.byteLength,
    bytes: () => bytes,
    base64: () => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Base64 without line breaks, whole quartets, padding only at the end (the caller checked). Text
 * whose last character carries bits the padding drops ("QR==" for "QQ==") is not how an encoder
 * writes it, so it is decoded and encoded again rather than passed on.
 */
export function base64Content(base64: string): AttachmentContent {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const last = ALPHABET.indexOf(base64.charAt(base64.length - 1 - padding));
  if (padding > 0 && last % (padding === 2 ? 16 : 4) !== 0)
    return bytesContent(Buffer.from(base64, 'base64'));
  return {
    size: (base64.length / 4) * 3 - padding,
    bytes: () => Buffer.from(base64, 'base64'),
    base64: () => base64,
  };
}
