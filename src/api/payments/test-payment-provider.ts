import { randomUUID } from 'node:crypto';

import type { ChargeResult, PaymentProvider } from '../../domain/payments.ts';

/**
 * The usual test card numbers (the conventions payment providers publish for test mode): null
 * approves, a string is the reason of the decline.
 */
export const TEST_CARDS: Readonly<Record<string, string | null>> = {
  '4242424242424242': null,
  '5555555555554444': null,
  '4000000000000002': 'The card was declined by its bank.',
  '4000000000009995': 'The card was declined: insufficient funds.',
  '4000000000000069': 'The card was declined: it has expired.',
  '4000000000000127': 'The card was declined: the CVC is incorrect.',
};

/**
 * The built-in payment provider: it moves no money. Test card numbers approve or decline as listed
 * in TEST_CARDS; any other number is declined, so a real card is never mistaken for a payment.
 */
export function createTestPaymentProvider(now: () => Date = () => new Date()): PaymentProvider {
  return {
    name: 'test',
    charge({ card }) {
      const number = card.number.reveal().replace(/[\s-]/g, '');
      const today = now();
      const expired =
        card.expiryYear < today.getUTCFullYear() ||
        (card.expiryYear === today.getUTCFullYear() && card.expiryMonth < today.getUTCMonth() + 1);
      let result: ChargeResult;
      if (!luhnValid(number)) result = { approved: false, reason: 'The card number is not valid; check it.' };
      else if (expired) result = { approved: false, reason: 'The card has expired; use another card.' };
      else {
        const outcome = TEST_CARDS[number];
        if (outcome === undefined) {
          result = {
            approved: false,
            reason:
              'Ferry uses its built-in test payment provider, which accepts only test cards such as 4242 4242 4242 4242; no money was taken.',
          };
        } else if (outcome === null) {
          result = { approved: true, reference: `test_${randomUUID()}`, cardLast4: number.slice(-4) };
        } else result = { approved: false, reason: outcome };
      }
      return Promise.resolve(result);
    },
  };
}

function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
