import { describe, expect, it } from 'vitest';

import { nearestName } from './nearest-name.ts';

const KEYS = ['name', 'source', 'destination', 'users', 'usersCsv', 'destinationDomain', 'options'];

describe('nearestName', () => {
  it('finds the key a typo was meant to be: a letter missing, added, wrong, swapped, or the case', () => {
    expect(nearestName('destinaton', KEYS)).toBe('destination');
    expect(nearestName('sourcee', KEYS)).toBe('source');
    expect(nearestName('optoins', KEYS)).toBe('options');
    expect(nearestName('usersCSV', KEYS)).toBe('usersCsv');
    expect(nearestName('userCsv', KEYS)).toBe('usersCsv');
    expect(nearestName('destinationDomian', KEYS)).toBe('destinationDomain');
  });

  it('suggests nothing for a word that is not a typo of any key', () => {
    expect(nearestName('mailboxes', KEYS)).toBeUndefined();
    expect(nearestName('id', KEYS)).toBeUndefined();
  });
});
