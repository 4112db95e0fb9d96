import { describe, expect, it } from 'vitest';

import { parseCsvRecords, toCsv } from './csv.ts';

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    const csv = toCsv(
      ['a', 'b'],
      [
        ['x, "y"', 'line\nbreak'],
        ['=SUM(A1)', '-1'],
        ['plain', '@home'],
      ],
    );
    expect(csv).toBe('a,b\r\n"x, ""y""","line\nbreak"\r\n\'=SUM(A1),\'-1\r\nplain,\'@home\r\n');
    expect(parseCsvRecords(csv).map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x, "y"', 'line\nbreak'],
      ["'=SUM(A1)", "'-1"],
      ['plain', "'@home"],
    ]);
  });
});
