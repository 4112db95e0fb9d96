import { describe, expect, it } from 'vitest';

import { UserError } from './errors.ts';
import { checkPurchase, licenceExpiry, notEnoughLicencesMessage, priceOf } from './licences.ts';

describe('licences', () => {
  it('expire one year after payment, to the instant, also from 29 February', () => {
    expect(licenceExpiry(new Date('2025-03-10T08:30:00.000Z')).toISOString()).toBe(
      '2026-03-10T08:30:00.000Z',
    );
    expect(licenceExpiry(new Date('2028-02-29T12:00:00.000Z')).toISOString()).toBe(
      '2029-03-01T12:00:00.000Z',
    );
  });

  it('are priced per User Migration Bundle', () => {
    expect(priceOf(7)).toEqual({ unitPriceCents: 1500, amountCents: 10_500, currency: 'USD' });
  });

  it('accept card for any quantity, wire from 100, and never purchase orders', () => {
    expect(() => checkPurchase(1, 'card')).not.toThrow();
    expect(() => checkPurchase(100, 'wire')).not.toThrow();
    expect(() => checkPurchase(99, 'wire')).toThrow(
      /Wire transfer is accepted for 100 licences or more; this order is for 99/,
    );
    expect(() => checkPurchase(1000, 'purchaseOrder')).toThrow(UserError);
  });

  it('say how many more licences a Confirm needs', () => {
    expect(notEnoughLicencesMessage(1)).toMatch(
      /^You need 1 more User Migration Bundle licence; purchase them under Purchase/,
    );
    expect(notEnoughLicencesMessage(3)).toMatch(/^You need 3 more User Migration Bundle licences;/);
  });
});
