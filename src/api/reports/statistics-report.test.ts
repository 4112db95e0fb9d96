import { describe, expect, it } from 'vitest';

import type { MailboxStatistics } from '../../db/project-statistics.ts';
import { parseCsvRecords } from '../../domain/csv.ts';
import { ITEM_TYPES } from '../../domain/migration.ts';
import { statisticsCsv } from './statistics-report.ts';

const counts = () =>
  Object.fromEntries(
    ITEM_TYPES.map((t) => [t, { migrated: 3, skipped: 0, failed: 1, bytes: 100 }]),
  ) as MailboxStatistics['migrated'];

function mailbox(source: string, lastError: string | null): MailboxStatistics {
  return {
    mailboxId: '00000000-0000-4000-8000-000000000001',
    source,
    destination: 'ann@contoso.com',
    status: 'completed_with_errors',
    lastPass: 'full',
    lastError,
    migrated: counts(),
    lastPassItems: counts(),
    durationMs: 61_400,
    throttledMs: 0,
    bytesPerSecond: 0,
    folders: [],
    errors: [],
    passes: 1,
  };
}

describe('statistics CSV', () => {
  it('defuses every cell a spreadsheet would run as a formula, and keeps numbers as numbers', () => {
    const csv = statisticsCsv([
      mailbox('ann@zimbra.test', '=HYPERLINK("http://evil.example","Subject")'),
      mailbox('+ben@zimbra.test', '\t=1+1'),
      mailbox('@cal@zimbra.test', '\r=cmd|"/c calc"!A0'),
      mailbox('-dan@zimbra.test', null),
    ]);
    const rows = parseCsvRecords(csv).map((r) => r.fields);
    expect(rows[1]![0]).toBe('ann@zimbra.test');
    expect(rows[1]!.at(-1)).toBe('\'=HYPERLINK("http://evil.example","Subject")');
    expect(rows[2]![0]).toBe("'+ben@zimbra.test");
    expect(rows[2]!.at(-1)).toBe("'\t=1+1");
    expect(rows[3]![0]).toBe("'@cal@zimbra.test");
    expect(rows[3]!.at(-1)).toBe('\'\r=cmd|"/c calc"!A0');
    expect(rows[4]![0]).toBe("'-dan@zimbra.test");
    // Migrated and failed for each of the eight item types, then bytes and seconds.
    expect(rows[1]!.slice(4, -1)).toEqual([
      ...Array.from({ length: 8 }, () => ['3', '1']).flat(),
      '800',
      '61',
    ]);
  });
});
