import { describe, expect, it } from 'vitest';

import { Secret } from '../../domain/secret.ts';
import { createTestPaymentProvider } from './test-payment-provider.ts';

const provider = createTestPaymentProvider(() => new Date('2026-06-15T00:00:00Z'));
const charge = (number: string, expiryYear = 2030, expiryMonth = 1) =>
  provider.charge({
    workgroupId: 'w',
    orderId: 'o',
    quantity: 1,
    amountCents: 1500,
    currency: 'USD',
    card: { number: new Secret(number), expiryMonth, expiryYear, cvc: new Secret('123') },
  });

describe('the built-in test payment provider', () => {
  it('approves the usual approving test cards and keeps only their last four digits', async () => {
    const approved = await charge('4242 4242 4242 4242');
    expect(approved).toMatchObject({ approved: true, cardLast4: '4242' });
    expect(approved.approved && approved.reference).toMatch(/^test_/);
    expect(await charge('5555-5555-5555-4444')).toMatchObject({ approved: true, cardLast4: '4444' });
  });

  it('declines the declining test cards with their reasons', async () => {
    expect(await charge('4000000000000002')).toEqual({
      approved: false,
      reason: 'The card was declined by its bank.',
    });
    expect(await charge('4000000000009995')).toEqual({
      approved: false,
      reason: 'The card was declined: insufficient funds.',
    });
  });

  it('declines real cards, bad check digits and expired cards', async () => {
    expect(await charge('4111111111111111')).toMatchObject({
      approved: false,
      reason: expect.stringContaining('accepts only test cards'),
    });
    expect(await charge('4242424242424241')).toEqual({
      approved: false,
      reason: 'The card number is not valid; check it.',
    });
    expect(await charge('4242424242424242', 2026, 5)).toEqual({
      approved: false,
      reason: 'The card has expired; use another card.',
    });
    expect(await charge('4242424242424242', 2026, 6)).toMatchObject({ approved: true });
  });
});
