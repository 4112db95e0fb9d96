import { describe, expect, it } from 'vitest';

import { domainsOf, exchangeOnlineMxHost, judgeCheck, recordsReady } from './cutover-dns.ts';

describe('exchangeOnlineMxHost', () => {
  it('replaces every dot of the domain with a hyphen, as Microsoft documents', () => {
    expect(exchangeOnlineMxHost('contoso.com')).toBe('contoso-com.mail.protection.outlook.com');
    expect(exchangeOnlineMxHost('Sub.My-Company.co.uk.')).toBe(
      'sub-my-company-co-uk.mail.protection.outlook.com',
    );
  });
});

describe('recordsReady', () => {
  it('MX: only Microsoft hosts, so a Zimbra MX left at a lower priority keeps the check open', () => {
    expect(recordsReady('mx', 'contoso.com', ['0 contoso-com.mail.protection.outlook.com'])).toBe(true);
    expect(recordsReady('mx', 'contoso.com', ['0 contoso-com.a1b2c3.mx.microsoft.'])).toBe(true);
    expect(
      recordsReady('mx', 'contoso.com', ['0 contoso-com.mail.protection.outlook.com', '20 mail.contoso.com']),
    ).toBe(false);
    expect(recordsReady('mx', 'contoso.com', ['0 fabrikam-com.mail.protection.outlook.com'])).toBe(false);
    expect(recordsReady('mx', 'contoso.com', [])).toBe(false);
  });

  it('SPF: exactly one v=spf1 record, including Exchange Online', () => {
    expect(
      recordsReady('spf', 'contoso.com', ['v=spf1 mx include:spf.protection.outlook.com -all', 'MS=1']),
    ).toBe(true);
    expect(
      recordsReady('spf', 'contoso.com', [
        'v=spf1 include:spf.protection.outlook.com -all',
        'v=spf1 mx -all',
      ]),
    ).toBe(false);
    expect(recordsReady('spf', 'contoso.com', ['v=spf1 mx -all'])).toBe(false);
  });

  it('Autodiscover SRV: none at all, or Microsoft’s host on 443', () => {
    expect(recordsReady('autodiscover-srv', 'contoso.com', [])).toBe(true);
    expect(recordsReady('autodiscover-srv', 'contoso.com', ['0 0 443 autodiscover.outlook.com'])).toBe(true);
    expect(recordsReady('autodiscover-srv', 'contoso.com', ['0 0 443 mail.contoso.com'])).toBe(false);
  });
});

describe('judgeCheck', () => {
  const ready = { resolver: 'a', records: ['autodiscover.outlook.com'] };
  const old = { resolver: 'b', records: [] };
  const silent = { resolver: 'c', records: [], error: 'the resolver did not answer in time' };

  it('is done only when every resolver answers the new record', () => {
    expect(judgeCheck('autodiscover-cname', 'contoso.com', [ready, { ...ready, resolver: 'b' }]).state).toBe(
      'done',
    );
    expect(judgeCheck('autodiscover-cname', 'contoso.com', [ready, old]).state).toBe('propagating');
    expect(judgeCheck('autodiscover-cname', 'contoso.com', [ready, silent]).state).toBe('propagating');
    expect(judgeCheck('autodiscover-cname', 'contoso.com', [old]).state).toBe('not_yet');
    expect(judgeCheck('autodiscover-cname', 'contoso.com', [silent]).state).toBe('unknown');
  });
});

describe('domainsOf', () => {
  it('takes each domain once, lower-cased', () => {
    expect(domainsOf(['a@Contoso.com', 'b@contoso.com', 'c@zimbra.example.com', 'broken'])).toEqual([
      'contoso.com',
      'zimbra.example.com',
    ]);
  });
});
