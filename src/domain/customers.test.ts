import { describe, expect, it } from 'vitest';

import { isValidDomain, normaliseDomain, parseCustomerUsersCsv } from './customers.ts';

describe('Primary Email Domain', () => {
  it('normalises case, a leading @ and a trailing dot, and refuses what is not a domain', () => {
    expect(normaliseDomain(' @Contoso.COM. ')).toBe('contoso.com');
    expect(
      ['contoso.com', 'mail.contoso.co.uk', 'xn--bcher-kva.example', 'a-b.io'].map(isValidDomain),
    ).toEqual([true, true, true, true]);
    expect(
      ['contoso', 'contoso .com', '-contoso.com', 'contoso.c', 'user@contoso.com', ''].map(isValidDomain),
    ).toEqual([false, false, false, false, false, false]);
  });
});

describe('customer users CSV', () => {
  it('reads email,firstName,lastName with or without a header, lower-casing emails', () => {
    const withHeader = parseCustomerUsersCsv(
      '\uFEFFEmail,First Name,Last Name\r\nAnn@X.com,Ann,"Arbor, Jr."\r\nbob@x.com\r\n',
    );
    expect(withHeader).toEqual({
      users: [
        { line: 2, email: 'ann@x.com', firstName: 'Ann', lastName: 'Arbor, Jr.' },
        { line: 3, email: 'bob@x.com', firstName: undefined, lastName: undefined },
      ],
      problems: [],
    });
    expect(parseCustomerUsersCsv('cy@x.com,Cy,Cole').users).toEqual([
      { line: 1, email: 'cy@x.com', firstName: 'Cy', lastName: 'Cole' },
    ]);
  });

  it('names every bad line: bad emails, duplicates, extra columns, empty emails', () => {
    const { problems } = parseCustomerUsersCsv('a@x.com\nbad\nA@X.COM,Again\n,No,Email\nb@x.com,B,B,extra\n');
    expect(problems).toEqual([
      { line: 2, message: '"bad" is not an email address' },
      { line: 3, message: 'a@x.com is already on line 1' },
      { line: 4, message: 'the email is empty' },
      { line: 5, message: 'expected email,firstName,lastName but found 4 columns' },
    ]);
  });
});
