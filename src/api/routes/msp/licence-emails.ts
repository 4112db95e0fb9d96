import type { LicenceOrder } from '../../../db/licences.ts';
import { formatMoney, LICENCE_PRODUCT } from '../../../domain/licences.ts';
import type { OutgoingEmail } from '../../../domain/ports.ts';

/** "Payment accepted, licences available": sent when a card is charged or a wire transfer is recorded. */
export function licencesAvailableEmail(
  order: LicenceOrder,
  to: string,
  workgroupName: string,
  publicUrl: string,
): OutgoingEmail {
  const expires = order.expiresAt?.toISOString().slice(0, 10) ?? '';
  const method = order.paymentMethod === 'card' ? `card ending in ${order.cardLast4}` : 'wire transfer';
  const lines = [
    `Payment accepted: ${order.quantity} ${LICENCE_PRODUCT} licence${order.quantity === 1 ? ' is' : 's are'} now available in the workgroup "${workgroupName}".`,
    '',
    `Order: ${order.id}`,
    `Paid: ${formatMoney(order.amountCents, order.currency)} by ${method}`,
    `Licences expire on: ${expires} (one year after payment)`,
    '',
    `Apply them to customer users under Customers → Users → Apply User Migration Bundle License: ${publicUrl}/customers`,
  ];
  return {
    to: [to],
    subject: `${order.quantity} ${LICENCE_PRODUCT} licence${order.quantity === 1 ? '' : 's'} available`,
    text: lines.join('\n'),
  };
}
