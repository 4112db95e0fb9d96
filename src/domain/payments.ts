import type { Secret } from './secret.ts';

/** Card details as entered; number and CVC are secrets and never stored — only the last four digits are. */
export interface Card {
  readonly number: Secret;
  readonly expiryMonth: number;
  readonly expiryYear: number;
  readonly cvc: Secret;
  readonly holderName?: string | undefined;
}

export interface ChargeRequest {
  readonly workgroupId: string;
  /** Ferry's order id; a provider uses it as the idempotency key, so a retried charge is not taken twice. */
  readonly orderId: string;
  readonly quantity: number;
  readonly amountCents: number;
  readonly currency: string;
  readonly card: Card;
}

export type ChargeResult =
  | { readonly approved: true; readonly reference: string; readonly cardLast4: string }
  | { readonly approved: false; readonly reason: string };

/** Takes card payments for licence orders: the built-in test provider, or an adapter to a real one. */
export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest): Promise<ChargeResult>;
}
