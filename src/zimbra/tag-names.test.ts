import { describe, expect, it } from 'vitest';

import { decodeTagNames } from './tag-names.ts';

describe('decodeTagNames', () => {
  it('keeps a comma inside a tag name as one name', () => {
    expect(decodeTagNames('Clients\\, VIP,Important')).toEqual(['Clients, VIP', 'Important']);
  });

  it('reads an escaped backslash, including one right before a separator', () => {
    expect(decodeTagNames('a\\\\b,c\\\\,d')).toEqual(['a\\b', 'c\\', 'd']);
  });

  it('trims names and drops empty ones, as Zimbra does', () => {
    expect(decodeTagNames(' A , ,B,')).toEqual(['A', 'B']);
    expect(decodeTagNames('')).toEqual([]);
  });
});
