import { describe, expect, it } from 'vitest';

import { checkAdvancedOptions, DEFAULT_ADVANCED_OPTIONS, passOptionsFor } from './project-options.ts';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;

describe('passOptionsFor', () => {
  it('turns a Pre-Stage schedule of N days ago into mail received before then, mail only', () => {
    const options = passOptionsFor(DEFAULT_ADVANCED_OPTIONS, 'prestage', { daysAgo: 30 }, NOW);
    expect(options.receivedBeforeMs).toBe(NOW - 30 * DAY);
    expect(options.itemTypes).toEqual(['mail']);
    expect(passOptionsFor(DEFAULT_ADVANCED_OPTIONS, 'prestage', undefined, NOW).receivedBeforeMs).toBe(
      NOW - 90 * DAY,
    );
    expect(
      passOptionsFor(DEFAULT_ADVANCED_OPTIONS, 'prestage', { before: '2025-01-31' }, NOW).receivedBeforeMs,
    ).toBe(Date.UTC(2025, 0, 31));
  });

  it('maps the project options of a Full pass: filters, Support options, size limit', () => {
    const options = passOptionsFor(
      {
        ...DEFAULT_ADVANCED_OPTIONS,
        support: [
          'FolderMapping="^Inbox/Old->Archive"',
          'RecipientMapping="@old.example->@new.example"',
          'ZimbraCalendarExpandInstances=1',
          'MigrateOutOfOffice=1',
        ],
        itemTypes: ['mail', 'calendar'],
        folderFilter: '^Junk',
        receivedAfter: '2020-01-01',
        receivedBefore: '2026-01-01',
        maxMessageSizeMB: 150,
        logSubjects: true,
      },
      'full',
      undefined,
      NOW,
    );
    expect(options).toEqual({
      pass: 'full',
      itemTypes: ['mail', 'calendar'],
      receivedBeforeMs: Date.UTC(2026, 0, 1),
      receivedAfterMs: Date.UTC(2020, 0, 1),
      folderFilter: '^Junk',
      folderMappings: [{ pattern: '^Inbox/Old', replacement: 'Archive' }],
      recipientMappings: [{ from: '@old.example', to: '@new.example' }],
      maxMessageBytes: 150 * 1024 * 1024,
      logSubjects: true,
      expandCalendarInstances: true,
      useImportMime: false,
      migrateOutOfOffice: true,
    });
  });

  it('keeps the earlier of the Pre-Stage date and the project’s own end date', () => {
    const options = passOptionsFor(
      { ...DEFAULT_ADVANCED_OPTIONS, receivedBefore: '2020-06-01' },
      'prestage',
      { daysAgo: 90 },
      NOW,
    );
    expect(options.receivedBeforeMs).toBe(Date.UTC(2020, 5, 1));
  });
});

describe('checkAdvancedOptions', () => {
  it('accepts the defaults and reports every bad option with its field', () => {
    expect(checkAdvancedOptions(DEFAULT_ADVANCED_OPTIONS)).toEqual([]);
    const problems = checkAdvancedOptions({
      ...DEFAULT_ADVANCED_OPTIONS,
      support: ['ZimbraCalendarExpandInstances=1', 'ModernAuthTenantIdExport=x', 'FolderMapping=nope'],
      folderFilter: '(',
      receivedAfter: '2025-01-01',
      receivedBefore: '2025-01-01',
      itemTypes: [],
    });
    expect(problems.map((p) => p.field)).toEqual([
      'support.1',
      'support.2',
      'folderFilter',
      'receivedBefore',
      'itemTypes',
    ]);
    expect(problems[0]!.message).toBe(
      "ModernAuthTenantIdExport is view-only: it comes from the project's endpoints; edit the endpoint to change it",
    );
    expect(problems[1]!.message).toBe(
      'The Support option FolderMapping=nope is invalid: expected "from->to".',
    );
  });
});
