import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { parseCsvRecords } from '../../domain/csv.ts';
import { type Download, encodeDownload } from './mailbox-downloads.ts';

function download(count: number): Download {
  return {
    columns: ['itemId', 'sizeBytes', 'subject'],
    records: Readable.from(
      Array.from({ length: count }, (_, i) => ({
        itemId: String(i),
        sizeBytes: i,
        subject: i % 2 === 0 ? '=HYPERLINK("x","y")' : null,
      })),
    ),
  };
}

async function text(chunks: AsyncIterable<string>): Promise<{ body: string; chunks: number }> {
  let body = '';
  let n = 0;
  for await (const chunk of chunks) {
    body += chunk;
    n++;
  }
  return { body, chunks: n };
}

describe('per-mailbox downloads', () => {
  it('writes CSV with a byte order mark, a header, formulas defused and empty cells for nothing', async () => {
    const { body } = await text(encodeDownload(download(2), 'csv'));
    expect(body.startsWith('\uFEFFitemId,sizeBytes,subject\r\n')).toBe(true);
    expect(parseCsvRecords(body.slice(1)).map((r) => r.fields)).toEqual([
      ['itemId', 'sizeBytes', 'subject'],
      ['0', '0', `'=HYPERLINK("x","y")`],
      ['1', '1', ''],
    ]);
  });

  it('writes one JSON object per line, values typed, and hands large downloads on in chunks', async () => {
    const { body, chunks } = await text(encodeDownload(download(5000), 'jsonl'));
    const lines = body.trimEnd().split('\n');
    expect(lines).toHaveLength(5000);
    expect(JSON.parse(lines[1]!)).toEqual({ itemId: '1', sizeBytes: 1, subject: null });
    expect(chunks).toBeGreaterThan(1);
  });
});
