import { sql } from 'kysely';

import {
  EXPIRING_SOON_DAYS,
  LICENSED_PASSES,
  licenceExpiry,
  type LicenceEvent,
  type OrderStatus,
  type PaymentMethod,
  type Price,
} from '../domain/licences.ts';
import type { Db } from './database.ts';
import { offsetOf, type Page, type PageRequest } from './search-page.ts';
import { mailboxKey } from '../domain/mailbox-address.ts';

export interface LicenceOrder {
  readonly id: string;
  readonly quantity: number;
  readonly paymentMethod: Exclude<PaymentMethod, 'purchaseOrder'>;
  readonly unitPriceCents: number;
  readonly amountCents: number;
  readonly currency: string;
  readonly status: OrderStatus;
  readonly billingAddress: string | null;
  readonly cardLast4: string | null;
  readonly paymentReference: string | null;
  readonly orderedBy: string;
  readonly createdAt: Date;
  readonly paidAt: Date | null;
  /** When the licences of this order expire; set once paid. */
  readonly expiresAt: Date | null;
}

export interface NewOrder {
  readonly id: string;
  readonly workgroupId: string;
  readonly quantity: number;
  readonly paymentMethod: 'card' | 'wire';
  readonly price: Price;
  readonly billingAddress: string | null;
  readonly orderedBy: string;
}

type OrderRow = Awaited<ReturnType<ReturnType<typeof orderQuery>['executeTakeFirstOrThrow']>>;

function orderQuery(db: Db, workgroupId: string) {
  return db.selectFrom('licence_orders').selectAll().where('workgroup_id', '=', workgroupId);
}

function toOrder(row: OrderRow): LicenceOrder {
  return {
    id: row.id,
    quantity: row.quantity,
    paymentMethod: row.payment_method as 'card' | 'wire',
    unitPriceCents: row.unit_price_cents,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    status: row.status as OrderStatus,
    billingAddress: row.billing_address,
    cardLast4: row.card_last4,
    paymentReference: row.payment_reference,
    orderedBy: row.ordered_by,
    createdAt: row.created_at,
    paidAt: row.paid_at,
    expiresAt: row.paid_at === null ? null : licenceExpiry(row.paid_at),
  };
}

/** Records an order; a paid one (card) grants its licences in the same transaction. */
export async function createOrder(
  trx: Db,
  order: NewOrder,
  payment: { paidAt: Date; cardLast4: string; reference: string } | undefined,
): Promise<LicenceOrder> {
  await trx
    .insertInto('licence_orders')
    .values({
      id: order.id,
      workgroup_id: order.workgroupId,
      quantity: order.quantity,
      payment_method: order.paymentMethod,
      unit_price_cents: order.price.unitPriceCents,
      amount_cents: order.price.amountCents,
      currency: order.price.currency,
      status: payment === undefined ? 'pending' : 'paid',
      billing_address: order.billingAddress,
      card_last4: payment?.cardLast4 ?? null,
      payment_reference: payment?.reference ?? null,
      ordered_by: order.orderedBy,
      paid_at: payment?.paidAt ?? null,
      payment_recorded_by: payment === undefined ? null : order.orderedBy,
    })
    .execute();
  if (payment !== undefined)
    await grantLicences(trx, order.workgroupId, order.id, order.orderedBy, payment.paidAt);
  return (await findOrder(trx, order.workgroupId, order.id))!;
}

/** Marks a pending wire-transfer order paid and grants its licences; undefined when there is no such pending order. */
export async function recordOrderPayment(
  trx: Db,
  workgroupId: string,
  orderId: string,
  payment: { agentId: string; reference: string | null; paidAt: Date },
): Promise<LicenceOrder | undefined> {
  const updated = await trx
    .updateTable('licence_orders')
    .set({
      status: 'paid',
      paid_at: payment.paidAt,
      payment_reference: payment.reference,
      payment_recorded_by: payment.agentId,
    })
    .where('workgroup_id', '=', workgroupId)
    .where('id', '=', orderId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return undefined;
  await grantLicences(trx, workgroupId, orderId, payment.agentId, payment.paidAt);
  return findOrder(trx, workgroupId, orderId);
}

async function grantLicences(trx: Db, workgroupId: string, orderId: string, agentId: string, paidAt: Date) {
  const { quantity } = await trx
    .selectFrom('licence_orders')
    .select('quantity')
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  await sql`
    insert into licences (workgroup_id, order_id, expires_at)
    select ${workgroupId}, ${orderId}, ${licenceExpiry(paidAt)} from generate_series(1, ${quantity})
  `.execute(trx);
  await appendLicenceLog(trx, { workgroupId, event: 'granted', quantity, orderId, agentId });
}

export async function findOrder(
  db: Db,
  workgroupId: string,
  orderId: string,
): Promise<LicenceOrder | undefined> {
  const row = await orderQuery(db, workgroupId).where('id', '=', orderId).executeTakeFirst();
  return row && toOrder(row);
}

export async function listOrders(
  db: Db,
  workgroupId: string,
  page: PageRequest,
): Promise<Page<LicenceOrder>> {
  const { total } = await db
    .selectFrom('licence_orders')
    .where('workgroup_id', '=', workgroupId)
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await orderQuery(db, workgroupId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(page.pageSize)
    .offset(offsetOf(page))
    .execute();
  return { items: rows.map(toOrder), total: Number(total), ...page };
}

export interface LicenceSummary {
  /** Paid, unassigned and unexpired: what Apply can hand out. */
  readonly available: number;
  /** Applied to a user and unexpired (used ones included). */
  readonly assigned: number;
  /** Applied and used by at least one Pre-Stage or Full pass, unexpired. */
  readonly used: number;
  readonly expired: number;
  /** Ordered by wire transfer, waiting for the payment. */
  readonly pending: number;
  /** Unexpired licences (available or assigned) expiring within EXPIRING_SOON_DAYS. */
  readonly expiringSoon: number;
  /** When the next available licence expires. */
  readonly nextExpiry: Date | null;
}

export async function licenceSummary(db: Db, workgroupId: string, now = new Date()): Promise<LicenceSummary> {
  const soon = new Date(now.getTime() + EXPIRING_SOON_DAYS * 86_400_000);
  const counts = await db
    .selectFrom('licences')
    .where('workgroup_id', '=', workgroupId)
    .select((eb) => [
      eb.fn
        .count<string>('id')
        .filterWhere('expires_at', '>', now)
        .filterWhere('customer_user_id', 'is', null)
        .as('available'),
      eb.fn
        .count<string>('id')
        .filterWhere('expires_at', '>', now)
        .filterWhere('customer_user_id', 'is not', null)
        .as('assigned'),
      eb.fn
        .count<string>('id')
        .filterWhere('expires_at', '>', now)
        .filterWhere('first_used_at', 'is not', null)
        .as('used'),
      eb.fn.count<string>('id').filterWhere('expires_at', '<=', now).as('expired'),
      eb.fn
        .count<string>('id')
        .filterWhere('expires_at', '>', now)
        .filterWhere('expires_at', '<=', soon)
        .as('expiring_soon'),
      eb.fn
        .min('expires_at')
        .filterWhere('expires_at', '>', now)
        .filterWhere('customer_user_id', 'is', null)
        .as('next_expiry'),
    ])
    .executeTakeFirstOrThrow();
  const { pending } = await db
    .selectFrom('licence_orders')
    .where('workgroup_id', '=', workgroupId)
    .where('status', '=', 'pending')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('quantity'), sql<string>`0`).as('pending'))
    .executeTakeFirstOrThrow();
  return {
    available: Number(counts.available),
    assigned: Number(counts.assigned),
    used: Number(counts.used),
    expired: Number(counts.expired),
    pending: Number(pending),
    expiringSoon: Number(counts.expiring_soon),
    nextExpiry: counts.next_expiry === null ? null : new Date(counts.next_expiry),
  };
}

export type ApplyOutcome =
  | {
      readonly ok: true;
      readonly applied: { userId: string; email: string; licenceId: string; expiresAt: Date }[];
      readonly alreadyLicensed: { userId: string; email: string; expiresAt: Date }[];
    }
  | { readonly ok: false; readonly missing: number; readonly available: number; readonly needed: number };

/**
 * Applies one free licence to each user that holds no unexpired one, soonest-expiring licences
 * first. The users are locked, so two Confirms at once cannot license a user twice; when fewer
 * licences are free than needed, nothing is written.
 */
export async function applyLicences(
  trx: Db,
  input: {
    workgroupId: string;
    agentId: string;
    users: readonly { id: string; email: string }[];
    now?: Date;
  },
): Promise<ApplyOutcome> {
  const now = input.now ?? new Date();
  const userIds = input.users.map((u) => u.id);
  await trx
    .selectFrom('customer_users')
    .select('id')
    .where('id', 'in', userIds)
    .orderBy('id')
    .forUpdate()
    .execute();
  const held = await trx
    .selectFrom('licences')
    .select(['customer_user_id', (eb) => eb.fn.max('expires_at').as('expires_at')])
    .where('customer_user_id', 'in', userIds)
    .where('expires_at', '>', now)
    .groupBy('customer_user_id')
    .execute();
  const heldBy = new Map(held.map((h) => [h.customer_user_id!, new Date(h.expires_at)]));
  const alreadyLicensed = input.users
    .filter((u) => heldBy.has(u.id))
    .map((u) => ({ userId: u.id, email: u.email, expiresAt: heldBy.get(u.id)! }));
  const toLicense = input.users.filter((u) => !heldBy.has(u.id));
  if (toLicense.length === 0) return { ok: true, applied: [], alreadyLicensed };

  const free = await trx
    .selectFrom('licences')
    .select(['id', 'expires_at'])
    .where('workgroup_id', '=', input.workgroupId)
    .where('customer_user_id', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('expires_at')
    .orderBy('id')
    .limit(toLicense.length)
    .forUpdate()
    .skipLocked()
    .execute();
  if (free.length < toLicense.length) {
    return {
      ok: false,
      missing: toLicense.length - free.length,
      available: free.length,
      needed: toLicense.length,
    };
  }
  const applied = [];
  for (const [index, user] of toLicense.entries()) {
    const licence = free[index]!;
    await trx
      .updateTable('licences')
      .set({ customer_user_id: user.id, assigned_at: now, assigned_by: input.agentId })
      .where('id', '=', licence.id)
      .execute();
    await appendLicenceLog(trx, {
      workgroupId: input.workgroupId,
      event: 'applied',
      quantity: 1,
      licenceId: licence.id,
      customerUserId: user.id,
      userEmail: user.email,
      agentId: input.agentId,
    });
    applied.push({
      userId: user.id,
      email: user.email,
      licenceId: licence.id,
      expiresAt: licence.expires_at,
    });
  }
  return { ok: true, applied, alreadyLicensed };
}

/** The source addresses among `sourceEmails` whose customer user holds no applied, unexpired licence. */
export async function usersWithoutLicence(
  db: Db,
  workgroupId: string,
  sourceEmails: readonly string[],
  now = new Date(),
): Promise<string[]> {
  if (sourceEmails.length === 0) return [];
  const licensed = await db
    .selectFrom('customer_users')
    .innerJoin('licences', 'licences.customer_user_id', 'customer_users.id')
    .select('customer_users.email')
    .distinct()
    .where('customer_users.workgroup_id', '=', workgroupId)
    .where(
      'customer_users.email',
      'in',
      sourceEmails.map((e) => mailboxKey(e)),
    )
    .where('licences.expires_at', '>', now)
    .execute();
  const holders = new Set(licensed.map((r) => r.email));
  return sourceEmails.filter((e) => !holders.has(mailboxKey(e)));
}

export type LicenceUseOutcome = 'recorded' | 'already-recorded' | 'free-pass' | 'no-licence';

/**
 * Records that a Pre-Stage or Full pass of this user's mailbox completed: the use is logged once
 * per run mailbox however often it is reported. Other passes are free and record nothing; a
 * failed pass must not be reported at all.
 */
export async function recordLicenceUse(
  db: Db,
  use: { workgroupId: string; sourceEmail: string; runMailboxId: string; pass: string; now?: Date },
): Promise<LicenceUseOutcome> {
  if (!(LICENSED_PASSES as readonly string[]).includes(use.pass)) return 'free-pass';
  const now = use.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const licence = await trx
      .selectFrom('licences')
      .innerJoin('customer_users', 'customer_users.id', 'licences.customer_user_id')
      .select(['licences.id', 'licences.customer_user_id', 'customer_users.email'])
      .where('customer_users.workgroup_id', '=', use.workgroupId)
      .where('customer_users.email', '=', mailboxKey(use.sourceEmail))
      .where('licences.expires_at', '>', now)
      .orderBy('licences.assigned_at')
      .limit(1)
      .executeTakeFirst();
    if (licence === undefined) return 'no-licence';
    const inserted = await trx
      .insertInto('licence_log')
      .values({
        workgroup_id: use.workgroupId,
        event: 'used',
        quantity: 1,
        licence_id: licence.id,
        customer_user_id: licence.customer_user_id,
        user_email: licence.email,
        run_mailbox_id: use.runMailboxId,
        pass: use.pass,
      })
      .onConflict((oc) => oc.column('run_mailbox_id').where('event', '=', 'used').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted === undefined) return 'already-recorded';
    await trx
      .updateTable('licences')
      .set({ first_used_at: now })
      .where('id', '=', licence.id)
      .where('first_used_at', 'is', null)
      .execute();
    return 'recorded';
  });
}

export interface LicenceLogEntry {
  readonly id: string;
  readonly event: LicenceEvent;
  readonly quantity: number;
  readonly orderId: string | null;
  readonly licenceId: string | null;
  readonly customerUserId: string | null;
  readonly userEmail: string | null;
  readonly runMailboxId: string | null;
  readonly pass: string | null;
  readonly agentId: string | null;
  readonly at: Date;
}

async function appendLicenceLog(
  trx: Db,
  entry: {
    workgroupId: string;
    event: LicenceEvent;
    quantity: number;
    orderId?: string;
    licenceId?: string;
    customerUserId?: string;
    userEmail?: string;
    agentId?: string;
  },
): Promise<void> {
  await trx
    .insertInto('licence_log')
    .values({
      workgroup_id: entry.workgroupId,
      event: entry.event,
      quantity: entry.quantity,
      order_id: entry.orderId ?? null,
      licence_id: entry.licenceId ?? null,
      customer_user_id: entry.customerUserId ?? null,
      user_email: entry.userEmail ?? null,
      agent_id: entry.agentId ?? null,
    })
    .execute();
}

export async function listLicenceLog(
  db: Db,
  workgroupId: string,
  page: PageRequest,
): Promise<Page<LicenceLogEntry>> {
  const { total } = await db
    .selectFrom('licence_log')
    .where('workgroup_id', '=', workgroupId)
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('licence_log')
    .selectAll()
    .where('workgroup_id', '=', workgroupId)
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset(offsetOf(page))
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      event: r.event as LicenceEvent,
      quantity: r.quantity,
      orderId: r.order_id,
      licenceId: r.licence_id,
      customerUserId: r.customer_user_id,
      userEmail: r.user_email,
      runMailboxId: r.run_mailbox_id,
      pass: r.pass,
      agentId: r.agent_id,
      at: r.at,
    })),
    total: Number(total),
    ...page,
  };
}
