/**
 * Small valid PNG images (inline mail images, contact photos), built byte by byte with stored
 * (uncompressed) deflate blocks so the output never depends on the zlib version.
 */
import { crc32 } from 'node:zlib';
import type { Random } from './random.ts';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  // 5552 bytes is the most that can be summed before the 32-bit sums must be reduced (zlib's NMAX).
  for (let start = 0; start < data.length; start += 5552) {
    const end = Math.min(start + 5552, data.length);
    for (let i = start; i < end; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream of stored blocks (each at most 65535 bytes). */
function zlibStored(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x78, 0x01])];
  for (let offset = 0; offset < data.length || offset === 0; offset += 65535) {
    const block = data.subarray(offset, offset + 65535);
    const last = offset + 65535 >= data.length ? 1 : 0;
    const header = Buffer.alloc(5);
    header.writeUInt8(last, 0);
    header.writeUInt16LE(block.length, 1);
    header.writeUInt16LE(~block.length & 0xffff, 3);
    parts.push(header, block);
  }
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(adler32(data), 0);
  parts.push(tail);
  return Buffer.concat(parts);
}

/**
 * An RGB PNG of `width`×`height` showing a diagonal gradient between two random colours with a
 * random stripe pattern, so images differ from each other.
 */
export function makePng(random: Random, width: number, height: number): Buffer {
  const from = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  const to = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  const stripe = random.int(3, 9);
  const rowBytes = 1 + width * 3;
  const raw = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    raw[y * rowBytes] = 0;
    for (let x = 0; x < width; x++) {
      const t = (x + y) / Math.max(1, width + height - 2);
      const band = Math.floor((x + 2 * y) / stripe) % 2 === 0 ? 1 : 0.85;
      for (let c = 0; c < 3; c++) {
        const value = ((from[c] ?? 0) * (1 - t) + (to[c] ?? 0) * t) * band;
        raw[y * rowBytes + 1 + x * 3 + c] = Math.round(value);
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: truecolour
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibStored(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
