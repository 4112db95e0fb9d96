import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A truecolour PNG (8-bit RGB) of `pixels`, row by row, three bytes a pixel. */
export function encodePng(width: number, height: number, pixels: Uint8Array): Buffer {
  if (pixels.length !== width * height * 3) throw new Error('pixel buffer does not match the image size');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // colour type: RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    // Each scanline starts with its filter type; 0 = none.
    raw[y * (width * 3 + 1)] = 0;
    Buffer.from(pixels.buffer, pixels.byteOffset + y * width * 3, width * 3).copy(
      raw,
      y * (width * 3 + 1) + 1,
    );
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export type Rgb = readonly [number, number, number];

/**
 * A pie chart: one slice per value, clockwise from twelve o'clock, on a white square. Zero
 * values have no slice; all zero gives a grey disc.
 */
export function pieChartPng(values: readonly { value: number; color: Rgb }[], size = 240): Buffer {
  const pixels = new Uint8Array(size * size * 3).fill(255);
  const total = values.reduce((sum, v) => sum + Math.max(0, v.value), 0);
  const centre = (size - 1) / 2;
  const radius = size / 2 - 4;
  const bounds: { end: number; color: Rgb }[] = [];
  let acc = 0;
  for (const v of values) {
    if (v.value <= 0) continue;
    acc += v.value / total;
    bounds.push({ end: acc, color: v.color });
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - centre;
      const dy = y - centre;
      if (dx * dx + dy * dy > radius * radius) continue;
      // Fraction of the full turn, clockwise from the top.
      const turn = (Math.atan2(dx, -dy) / (2 * Math.PI) + 1) % 1;
      const color =
        total === 0 ? ([200, 200, 200] as const) : (bounds.find((b) => turn < b.end) ?? bounds.at(-1)!).color;
      pixels.set(color, (y * size + x) * 3);
    }
  }
  return encodePng(size, size, pixels);
}
