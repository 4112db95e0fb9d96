import { describe, expect, it } from 'vitest';

import { mailboxKey, normalizeAddress } from './mailbox-address.ts';

describe('mailboxKey', () => {
  it('folds case the same way wherever an address is compared', () => {
    expect(mailboxKey(' Alice@Contoso.COM ')).toBe('alice@contoso.com');
    expect(mailboxKey('İpek@x.tr')).toBe('i\u0307pek@x.tr');
    expect(mailboxKey('İpek@x.tr')).toBe(mailboxKey('i\u0307pek@x.tr'));
    expect(mailboxKey('ΟΔΟΣ@x.gr')).toBe(mailboxKey('οδοσ@x.gr'));
    expect(mailboxKey('οδος@x.gr')).toBe(mailboxKey('ΟΔΟΣ@x.gr'));
    expect(mailboxKey('ａｌｉｃｅ@ｃｏｎｔｏｓｏ.com')).toBe('alice@contoso.com');
    expect(mailboxKey('STRAẞE@x.de')).toBe(mailboxKey('straße@x.de'));
    expect(mailboxKey('straße@x.de')).not.toBe(mailboxKey('strasse@x.de'));
  });

  it('treats canonically equivalent spellings as one address', () => {
    const composed = 'jos\u00e9@x.es';
    const decomposed = 'jose\u0301@x.es';
    expect(mailboxKey(decomposed)).toBe(mailboxKey(composed));
    expect(normalizeAddress(` ${decomposed} `)).toBe(composed);
  });
});
