import { describe, expect, it } from 'vitest';

import { extractIcsAttachments } from './ics-attachments.ts';

const PDF = Buffer.from('%PDF-1.4 a small file\n');

/** How Zimbra writes an inline attachment (Attach.toZProperty), folded at 75 octets. */
function attachLine(name: string, bytes: Buffer): string {
  const line = `ATTACH;VALUE=BINARY;ENCODING=BASE64;FMTTYPE=application/pdf;X-APPLE-FILENAME=${name}:${bytes.toString('base64')}`;
  return line.match(/.{1,74}/g)!.join('\r\n ');
}

const ics = (...events: string[][]) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    ...events.flatMap((e) => ['BEGIN:VEVENT', ...e, 'END:VEVENT']),
    'END:VCALENDAR',
  ].join('\r\n');

describe('extractIcsAttachments', () => {
  it('takes inline attachments of the series out of the text, bytes and names intact', () => {
    const big = Buffer.alloc(200_000, 7);
    const result = extractIcsAttachments(
      ics(['UID:1', 'SUMMARY:Board', attachLine('agenda.pdf', PDF), attachLine('deck.bin', big)]),
    );
    expect(result.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([
      ['agenda.pdf', 'application/pdf', PDF.length],
      ['deck.bin', 'application/pdf', big.length],
    ]);
    expect(Buffer.from(result.attachments[1]!.bytes).equals(big)).toBe(true);
    expect(result.ics).not.toMatch(/ATTACH/);
    expect(result.ics).toMatch(/SUMMARY:Board/);
    expect(result.leftOut).toEqual([]);
  });

  it('reports linked attachments and those of changed occurrences', () => {
    const result = extractIcsAttachments(
      ics(
        ['UID:1', 'ATTACH;FMTTYPE=text/html:https://intranet.example/plan.html'],
        ['UID:1', 'RECURRENCE-ID:20240305T090000Z', attachLine('minutes.pdf', PDF)],
      ),
    );
    expect(result.attachments).toEqual([]);
    expect(result.leftOut).toEqual([
      'a linked attachment (https://intranet.example/plan.html) could not be copied: open it from the link',
      '"minutes.pdf" of a changed occurrence was not copied (Outlook keeps attachments per series)',
    ]);
  });

  it('leaves a calendar without attachments untouched', () => {
    const text = ics(['UID:1', 'DESCRIPTION:a long line\r\n  folded']);
    expect(extractIcsAttachments(text).ics).toBe(text);
  });
});
