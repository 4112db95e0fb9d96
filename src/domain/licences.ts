import { UserError } from './errors.ts';

/**
 * User Migration Bundle (UMB) licences: bought per workgroup, applied to one customer user each,
 * valid for a year. A Pre-Stage or Full pass of a mailbox needs its user to hold one; Verify
 * Credentials, Trial and Retry Errors are free, and a pass that fails consumes nothing.
 */
export const LICENCE_PRODUCT = 'User Migration Bundle';

/** Price of one UMB, in cents of CURRENCY; shown with every order. */
export const UMB_UNIT_PRICE_CENTS = 1500;
export const CURRENCY = 'USD';

/** Wire transfers are accepted from this many licences up. */
export const WIRE_MINIMUM_QUANTITY = 100;
export const MAX_ORDER_QUANTITY = 100_000;

/** Licences expiring within this many days are listed as expiring soon. */
export const EXPIRING_SOON_DAYS = 30;

export const PAYMENT_METHODS = ['card', 'wire', 'purchaseOrder'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const ORDER_STATUSES = ['pending', 'paid'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The passes a licence is needed for; the others are free. */
export const LICENSED_PASSES = ['prestage', 'full'] as const;

export const LICENCE_EVENTS = ['granted', 'applied', 'used'] as const;
export type LicenceEvent = (typeof LICENCE_EVENTS)[number];

export interface Price {
  readonly unitPriceCents: number;
  readonly amountCents: number;
  readonly currency: string;
}

export function priceOf(quantity: number): Price {
  return {
    unitPriceCents: UMB_UNIT_PRICE_CENTS,
    amountCents: quantity * UMB_UNIT_PRICE_CENTS,
    currency: CURRENCY,
  };
}

/** Licences become available when paid for and expire one year later, to the same instant. */
export function licenceExpiry(paidAt: Date): Date {
  const expiry = new Date(paidAt);
  expiry.setUTCFullYear(expiry.getUTCFullYear() + 1);
  return expiry;
}

/** Refuses purchases Ferry does not accept, with the reason and what to do instead. */
export function checkPurchase(
  quantity: number,
  method: PaymentMethod,
): asserts method is Exclude<PaymentMethod, 'purchaseOrder'> {
  if (method === 'purchaseOrder') {
    throw new UserError(
      'PURCHASE_ORDER_NOT_ACCEPTED',
      'Purchase orders are not accepted because of their processing overhead; pay by card (licences are available at once) or by wire transfer (100 licences or more).',
      { details: { field: 'paymentMethod' } },
    );
  }
  if (method === 'wire' && quantity < WIRE_MINIMUM_QUANTITY) {
    throw new UserError(
      'WIRE_MINIMUM',
      `Wire transfer is accepted for ${WIRE_MINIMUM_QUANTITY} licences or more; this order is for ${quantity}. Pay by card, or order at least ${WIRE_MINIMUM_QUANTITY}.`,
      { details: { field: 'quantity', minimum: WIRE_MINIMUM_QUANTITY } },
    );
  }
}

export function formatMoney(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

/** The message when a Confirm asks for more licences than are free. */
export function notEnoughLicencesMessage(missing: number): string {
  return `You need ${missing} more ${LICENCE_PRODUCT} licence${missing === 1 ? '' : 's'}; purchase them under Purchase (card: available at once; wire transfer: 100 or more, available when the payment is recorded).`;
}
