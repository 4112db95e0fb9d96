import { inflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { pieChartPng } from './png.ts';

/** The RGB pixels of a PNG written by encodePng (filter 0 on every row). */
function decode(png: Buffer): { width: number; pixel: (x: number, y: number) => number[] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const idat = png.indexOf('IDAT');
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  return {
    width,
    pixel: (x, y) => [...raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 1 + x * 3 + 3)],
  };
}

describe('pie chart PNG', () => {
  it('draws slices clockwise from twelve o’clock in proportion, on white', () => {
    const { width, pixel } = decode(
      pieChartPng(
        [
          { value: 1, color: [255, 0, 0] },
          { value: 0, color: [0, 0, 0] },
          { value: 3, color: [0, 0, 255] },
        ],
        100,
      ),
    );
    expect(width).toBe(100);
    expect(pixel(0, 0)).toEqual([255, 255, 255]);
    // The first quarter (12 to 3 o'clock) is red; the rest blue.
    expect(pixel(70, 30)).toEqual([255, 0, 0]);
    expect(pixel(70, 70)).toEqual([0, 0, 255]);
    expect(pixel(30, 70)).toEqual([0, 0, 255]);
    expect(pixel(30, 30)).toEqual([0, 0, 255]);
  });

  it('draws a grey disc when there is nothing to show', () => {
    const { pixel } = decode(pieChartPng([{ value: 0, color: [255, 0, 0] }], 50));
    expect(pixel(25, 25)).toEqual([200, 200, 200]);
  });
});
