import { describe, expect, it } from 'vitest';

import { UserError } from './errors.ts';
import { parseSupportOptions } from './support-options.ts';

describe('Support options', () => {
  it('parses folder and recipient mappings, quoted or not', () => {
    const options = parseSupportOptions([
      'FolderMapping="^Inbox/Old->Archive/Old"',
      'RecipientMapping=@old.example->@new.example',
      'ZimbraCalendarExpandInstances=1',
      'UseImportMime=1',
      'MigrateOutOfOffice=1',
    ]);
    expect(options.folderMappings).toEqual([{ pattern: '^Inbox/Old', replacement: 'Archive/Old' }]);
    expect(options.recipientMappings).toEqual([{ from: '@old.example', to: '@new.example' }]);
    expect(options.calendarExpandInstances).toBe(true);
    expect(options.useImportMime).toBe(true);
    expect(parseSupportOptions([]).useImportMime).toBe(false);
    expect(options.migrateOutOfOffice).toBe(true);
    expect(parseSupportOptions([]).migrateOutOfOffice).toBe(false);
  });

  it('refuses unknown keys, bad regexes and missing arrows with the option named', () => {
    expect(() => parseSupportOptions(['FolderMaping=^a->b'])).toThrow(/not a known Support option/);
    expect(() => parseSupportOptions(['FolderMapping=^(->b'])).toThrow(UserError);
    expect(() => parseSupportOptions(['RecipientMapping=@a'])).toThrow(/from->to/);
    expect(() => parseSupportOptions(['ZimbraCalendarExpandInstances=yes'])).toThrow(/0 or 1/);
    expect(() => parseSupportOptions(['UseImportMime=true'])).toThrow(/0 or 1/);
    expect(() => parseSupportOptions(['MigrateOutOfOffice=on'])).toThrow(/0 or 1/);
  });
});
