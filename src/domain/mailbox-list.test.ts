import { describe, expect, it } from 'vitest';

import { parseCsvRecords } from './csv.ts';
import { parseMailboxList } from './mailbox-list.ts';

describe('mailbox lists', () => {
  it('reads a source,destination CSV with or without a header', () => {
    const list = parseMailboxList(
      'source,destination\r\nann@old.example,ann@new.example\r\nbob@old.example,bob@new.example\r\n',
    );
    expect(list.format).toBe('pairs');
    expect(list.rows).toEqual([
      { line: 2, source: 'ann@old.example', destination: 'ann@new.example' },
      { line: 3, source: 'bob@old.example', destination: 'bob@new.example' },
    ]);
    expect(parseMailboxList('ann@old.example,ann@new.example').rows).toHaveLength(1);
  });

  it('reads every version of the Zimbra admin-console export, keeping accounts only', () => {
    const v6 =
      '"ann@old.example","9f1c","account","Ann Lee","active","e004"\n"rooms@old.example","77","calresource","Room","active","e004"\n';
    const v8 = '"bob@old.example","1a2b","account","Bob, Jr.","active","e004","2013.09.10, 02:32:04 UTC"\n';
    const v10 = 'cyd@old.example,3c4d,account,Cyd,locked,e004,"desc, with comma",2024.01.02\r\n';
    const list = parseMailboxList(v6 + v8 + v10, { destinationDomain: 'new.example' });
    expect(list.format).toBe('zimbra-export');
    expect(list.problems).toEqual([]);
    expect(list.rows.map((r) => [r.source, r.destination])).toEqual([
      ['ann@old.example', 'ann@new.example'],
      ['bob@old.example', 'bob@new.example'],
      ['cyd@old.example', 'cyd@new.example'],
    ]);
  });

  it('skips the admin and system accounts of an export with the reason, keeping the users', () => {
    const exported = [
      'admin@old.example,a1,account,Administrator,active,e004',
      'ann@old.example,a2,account,Ann,active,e004',
      'galsync.x1y2@old.example,a3,account,,active,e004',
      'migrator@old.example,a4,account,Migration,active,e004',
      'spam.k9@old.example,a5,account,,active,e004',
    ].join('\r\n');
    const list = parseMailboxList(exported, {
      destinationDomain: 'new.example',
      adminAccounts: ['Migrator@old.example'],
    });
    expect(list.problems).toEqual([]);
    expect(list.rows.map((r) => r.source)).toEqual(['ann@old.example']);
    expect(list.skipped.map((s) => [s.line, s.source])).toEqual([
      [1, 'admin@old.example'],
      [3, 'galsync.x1y2@old.example'],
      [4, 'migrator@old.example'],
      [5, 'spam.k9@old.example'],
    ]);
    expect(list.skipped[0]?.reason).toMatch(/Zimbra admin account/);
    expect(list.skipped[1]?.reason).toMatch(/system account/);
  });

  it('skips only the endpoint admin from a source,destination list', () => {
    const list = parseMailboxList('admin@old.example,admin@new.example\nroot@old.example,root@new.example', {
      adminAccounts: ['root@old.example'],
    });
    expect(list.rows.map((r) => r.source)).toEqual(['admin@old.example']);
    expect(list.skipped.map((s) => s.source)).toEqual(['root@old.example']);
  });

  it('reports bad rows and duplicates with their line numbers', () => {
    const list = parseMailboxList(
      'ann@old.example,ann@new.example\nnot-an-address,x@new.example\nANN@old.example,a2@new.example\none,two,three\n',
    );
    expect(list.rows).toHaveLength(1);
    expect(list.problems).toEqual([
      { line: 2, message: '"not-an-address" is not an email address' },
      { line: 3, message: 'ANN@old.example is already on line 1' },
      { line: 4, message: 'expected "source,destination", found 3 column(s)' },
    ]);
  });

  it('asks for a destination domain when the Zimbra export has none', () => {
    const list = parseMailboxList('"ann@old.example","9f1c","account","Ann","active","e004"\n');
    expect(list.problems[0]?.message).toMatch(/destination domain/);
  });

  it('parses quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsvRecords('a,"b, ""c""\nd",e\nf')).toEqual([
      { line: 1, fields: ['a', 'b, "c"\nd', 'e'] },
      { line: 3, fields: ['f'] },
    ]);
  });
});
