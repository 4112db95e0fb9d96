import { randomUUID } from 'node:crypto';

import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';

import { findAgentById } from '../../../db/agents.ts';
import { appendAudit } from '../../../db/audit-log.ts';
import { findCustomerUsers } from '../../../db/customers.ts';
import type { Db } from '../../../db/database.ts';
import {
  applyLicences,
  createOrder,
  findOrder,
  licenceSummary,
  type LicenceOrder,
  listLicenceLog,
  listOrders,
  recordOrderPayment,
} from '../../../db/licences.ts';
import { getWorkgroup } from '../../../db/workgroups.ts';
import {
  checkPurchase,
  CURRENCY,
  LICENCE_EVENTS,
  LICENCE_PRODUCT,
  MAX_ORDER_QUANTITY,
  notEnoughLicencesMessage,
  PAYMENT_METHODS,
  priceOf,
  UMB_UNIT_PRICE_CENTS,
  WIRE_MINIMUM_QUANTITY,
} from '../../../domain/licences.ts';
import type { PaymentProvider } from '../../../domain/payments.ts';
import type { Mailer } from '../../../domain/ports.ts';
import { Secret } from '../../../domain/secret.ts';
import type { App } from '../../app-type.ts';
import { requireAgent, requireRole } from '../../auth.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { HttpError, notFound } from '../../errors.ts';
import { licencesAvailableEmail } from './licence-emails.ts';
import { idParams, mspErrorResponses, pageOf, pageQuery } from './schemas.ts';

const summarySchema = z.object({
  available: z.number().int().describe('Paid, unassigned and unexpired: what Apply can hand out'),
  assigned: z.number().int().describe('Applied to a user and unexpired'),
  used: z.number().int().describe('Applied and used by a Pre-Stage or Full pass, unexpired'),
  expired: z.number().int(),
  pending: z.number().int().describe('Ordered by wire transfer, waiting for the payment'),
  expiringSoon: z.number().int().describe('Unexpired licences expiring within 30 days'),
  nextExpiry: z.date().nullable().describe('When the next available licence expires'),
});

const orderSchema = z.object({
  id: z.uuid(),
  quantity: z.number().int(),
  paymentMethod: z.enum(['card', 'wire']),
  unitPriceCents: z.number().int(),
  amountCents: z.number().int(),
  currency: z.string(),
  status: z.enum(['pending', 'paid']),
  billingAddress: z.string().nullable(),
  cardLast4: z.string().nullable(),
  paymentReference: z.string().nullable(),
  orderedBy: z.uuid(),
  createdAt: z.date(),
  paidAt: z.date().nullable(),
  expiresAt: z.date().nullable().describe('When the licences of this order expire (one year after payment)'),
});

const pricingSchema = z.object({
  product: z.string(),
  unitPriceCents: z.number().int(),
  currency: z.string(),
  wireMinimumQuantity: z.number().int(),
  paymentMethods: z.array(z.string()),
  paymentProvider: z.string().describe('"test": the built-in provider, which accepts only test cards'),
});

const logEntrySchema = z.object({
  id: z.string(),
  event: z.enum(LICENCE_EVENTS),
  quantity: z.number().int(),
  orderId: z.uuid().nullable(),
  licenceId: z.uuid().nullable(),
  customerUserId: z.uuid().nullable(),
  userEmail: z.string().nullable(),
  runMailboxId: z.uuid().nullable(),
  pass: z.string().nullable(),
  agentId: z.uuid().nullable(),
  at: z.date(),
});

const cardInput = z.object({
  number: z
    .string()
    .transform((n) => n.replace(/[\s-]/g, ''))
    .refine((n) => /^\d{12,19}$/.test(n), 'must be 12 to 19 digits'),
  expiryMonth: z.number().int().min(1).max(12),
  expiryYear: z.number().int().min(2000).max(2100),
  cvc: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
  holderName: z.string().trim().max(200).optional(),
});

export function licenceRoutes(app: App, deps: ControlPlaneDeps, payments: PaymentProvider): void {
  const { db } = deps;
  const pricing = () => ({
    product: LICENCE_PRODUCT,
    unitPriceCents: UMB_UNIT_PRICE_CENTS,
    currency: CURRENCY,
    wireMinimumQuantity: WIRE_MINIMUM_QUANTITY,
    paymentMethods: ['card', 'wire'],
    paymentProvider: payments.name,
  });

  app.get(
    '/api/licenses',
    {
      schema: {
        tags: ['licenses'],
        summary:
          'User Migration Bundle licences of the workgroup: available, assigned, used, expired, pending',
        response: { 200: summarySchema, ...mspErrorResponses },
      },
    },
    async (request) => licenceSummary(db, requireAgent(request).workgroupId),
  );

  app.get(
    '/api/licenses/pricing',
    {
      schema: {
        tags: ['licenses'],
        summary: 'Price and payment methods for Purchase (Manager or higher)',
        response: { 200: pricingSchema, ...mspErrorResponses },
      },
    },
    (request) => {
      requireRole(request, 'manager');
      return pricing();
    },
  );

  app.get(
    '/api/licenses/orders',
    {
      schema: {
        tags: ['licenses'],
        summary: 'Licence orders, newest first (Manager or higher)',
        querystring: pageQuery,
        response: { 200: pageOf(orderSchema), ...mspErrorResponses },
      },
    },
    async (request) => listOrders(db, requireRole(request, 'manager').workgroupId, request.query),
  );

  app.get(
    '/api/licenses/orders/:id',
    {
      schema: {
        tags: ['licenses'],
        summary: 'One licence order (Manager or higher)',
        params: idParams,
        response: { 200: orderSchema, ...mspErrorResponses },
      },
    },
    async (request) => {
      const order = await findOrder(db, requireRole(request, 'manager').workgroupId, request.params.id);
      if (order === undefined) throw notFound('That order');
      return order;
    },
  );

  app.post(
    '/api/licenses/orders',
    {
      schema: {
        tags: ['licenses'],
        summary:
          'Purchase User Migration Bundle licences: card (available at once) or wire transfer (100 or more, available when the payment is recorded); purchase orders are not accepted (Manager or higher)',
        body: z.object({
          quantity: z.number().int().min(1).max(MAX_ORDER_QUANTITY),
          paymentMethod: z.enum(PAYMENT_METHODS),
          card: cardInput
            .optional()
            .describe('Required for paymentMethod card; never stored but its last 4 digits'),
          billingAddress: z.string().trim().max(1000).optional(),
        }),
        response: { 201: orderSchema, ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireRole(request, 'manager');
      const { quantity, paymentMethod, card, billingAddress } = request.body;
      checkPurchase(quantity, paymentMethod);
      const price = priceOf(quantity);
      const newOrder = {
        id: randomUUID(),
        workgroupId: agent.workgroupId,
        quantity,
        paymentMethod,
        price,
        billingAddress: billingAddress ?? null,
        orderedBy: agent.id,
      };
      if (paymentMethod === 'wire') {
        const order = await db.transaction().execute(async (trx) => {
          const created = await createOrder(trx, newOrder, undefined);
          await auditOrder(trx, agent, 'licence.ordered', created);
          return created;
        });
        return reply.status(201).send(order);
      }
      if (card === undefined) {
        throw new HttpError(
          400,
          'VALIDATION_FAILED',
          'The request is invalid: card is required to pay by card.',
          {
            details: { problems: [{ field: 'card', message: 'is required to pay by card' }] },
          },
        );
      }
      const charge = await payments.charge({
        workgroupId: agent.workgroupId,
        orderId: newOrder.id,
        quantity,
        amountCents: price.amountCents,
        currency: price.currency,
        card: {
          number: new Secret(card.number),
          expiryMonth: card.expiryMonth,
          expiryYear: card.expiryYear,
          cvc: new Secret(card.cvc),
          holderName: card.holderName,
        },
      });
      if (!charge.approved) {
        await appendAudit(db, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'licence.payment_declined',
          target: `${quantity} ${LICENCE_PRODUCT}`,
          details: { quantity, reason: charge.reason },
        });
        throw new HttpError(402, 'PAYMENT_DECLINED', `No licences were purchased: ${charge.reason}`, {
          details: { reason: charge.reason },
        });
      }
      const order = await db.transaction().execute(async (trx) => {
        const created = await createOrder(trx, newOrder, {
          paidAt: new Date(),
          cardLast4: charge.cardLast4,
          reference: charge.reference,
        });
        await auditOrder(trx, agent, 'licence.purchased', created);
        return created;
      });
      await notifyAvailable(deps, request.log, order);
      return reply.status(201).send(order);
    },
  );

  app.post(
    '/api/licenses/orders/:id/payment',
    {
      schema: {
        tags: ['licenses'],
        summary:
          'Record the wire transfer of a pending order: its licences become available (Manager or higher)',
        params: idParams,
        body: z.object({
          reference: z.string().trim().max(200).optional().describe('Bank reference of the transfer'),
        }),
        response: { 200: orderSchema, ...mspErrorResponses },
      },
    },
    async (request) => {
      const agent = requireRole(request, 'manager');
      const order = await db.transaction().execute(async (trx) => {
        const existing = await findOrder(trx, agent.workgroupId, request.params.id);
        if (existing === undefined) throw notFound('That order');
        const paid = await recordOrderPayment(trx, agent.workgroupId, existing.id, {
          agentId: agent.id,
          reference: request.body.reference ?? null,
          paidAt: new Date(),
        });
        if (paid === undefined) {
          throw new HttpError(
            409,
            'ORDER_ALREADY_PAID',
            `Order ${existing.id} is already paid; its licences are available.`,
          );
        }
        await auditOrder(trx, agent, 'licence.payment_recorded', paid);
        return paid;
      });
      await notifyAvailable(deps, request.log, order);
      return order;
    },
  );

  app.post(
    '/api/licenses/apply',
    {
      schema: {
        tags: ['licenses'],
        summary:
          'Apply User Migration Bundle License to selected customer users; Confirm succeeds only when enough unassigned licences exist (Manager or higher)',
        body: z.object({ customerUserIds: z.array(z.uuid()).min(1).max(10_000) }),
        response: {
          200: z.object({
            applied: z.array(
              z.object({ userId: z.uuid(), email: z.string(), licenceId: z.uuid(), expiresAt: z.date() }),
            ),
            alreadyLicensed: z
              .array(z.object({ userId: z.uuid(), email: z.string(), expiresAt: z.date() }))
              .describe('Users that already hold an unexpired licence: nothing was applied to them'),
            summary: summarySchema,
          }),
          ...mspErrorResponses,
        },
      },
    },
    async (request) => {
      const agent = requireRole(request, 'manager');
      const ids = [...new Set(request.body.customerUserIds)];
      const result = await db.transaction().execute(async (trx) => {
        const users = await findCustomerUsers(trx, agent.workgroupId, ids);
        if (users.length < ids.length) {
          const found = new Set(users.map((u) => u.id));
          const unknown = ids.filter((id) => !found.has(id));
          throw new HttpError(
            404,
            'NOT_FOUND',
            `${unknown.length} of the selected customer users were not found.`,
            {
              details: { customerUserIds: unknown },
            },
          );
        }
        const outcome = await applyLicences(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          users,
        });
        if (!outcome.ok) {
          throw new HttpError(409, 'NOT_ENOUGH_LICENCES', notEnoughLicencesMessage(outcome.missing), {
            details: {
              needed: outcome.needed,
              available: outcome.available,
              missing: outcome.missing,
              purchase: { ...pricing(), path: '/api/licenses/orders' },
            },
          });
        }
        if (outcome.applied.length > 0) {
          await appendAudit(trx, {
            workgroupId: agent.workgroupId,
            agentId: agent.id,
            action: 'licence.applied',
            target: `${outcome.applied.length} ${LICENCE_PRODUCT}`,
            details: { users: outcome.applied.map((a) => a.email) },
          });
        }
        return outcome;
      });
      return {
        applied: result.applied,
        alreadyLicensed: result.alreadyLicensed,
        summary: await licenceSummary(db, agent.workgroupId),
      };
    },
  );

  app.get(
    '/api/licenses/log',
    {
      schema: {
        tags: ['licenses'],
        summary:
          'The append-only licence log: grants, applications and uses, newest first (Manager or higher)',
        querystring: pageQuery,
        response: { 200: pageOf(logEntrySchema), ...mspErrorResponses },
      },
    },
    async (request) => listLicenceLog(db, requireRole(request, 'manager').workgroupId, request.query),
  );
}

async function auditOrder(
  trx: Db,
  agent: { id: string; workgroupId: string },
  action: string,
  order: LicenceOrder,
): Promise<void> {
  await appendAudit(trx, {
    workgroupId: agent.workgroupId,
    agentId: agent.id,
    action,
    target: `${order.quantity} ${LICENCE_PRODUCT}`,
    details: {
      orderId: order.id,
      quantity: order.quantity,
      paymentMethod: order.paymentMethod,
      amountCents: order.amountCents,
      currency: order.currency,
    },
  });
}

/** The licences are granted already; a mail that cannot be sent is logged, not an error of the purchase. */
async function notifyAvailable(
  deps: { db: Db; mailer: Mailer; publicUrl: string },
  log: FastifyBaseLogger,
  order: LicenceOrder,
): Promise<void> {
  try {
    const purchaser = await findAgentById(deps.db, order.orderedBy);
    if (purchaser === undefined) return;
    const workgroup = await getWorkgroup(deps.db, purchaser.workgroupId);
    await deps.mailer.send(licencesAvailableEmail(order, purchaser.email, workgroup.name, deps.publicUrl));
  } catch (error) {
    log.error({ err: error, orderId: order.id }, 'could not send the licences-available email');
  }
}
