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

describe('CSV records', () => {
  it('reads quoted parts, doubled quotes, line breaks in quotes, CRLF, blank lines and a missing last newline', () => {
    expect(parseCsvRecords('a,"b, ""c""\r\nd",e\r\n\r\n\nf,g"h,i"j\n"k"\n,\nlast')).toEqual([
      { line: 1, fields: ['a', 'b, "c"\r\nd', 'e'] },
      { line: 5, fields: ['f', 'gh,ij'] },
      { line: 6, fields: ['k'] },
      { line: 7, fields: ['', ''] },
      { line: 8, fields: ['last'] },
    ]);
  });
});
