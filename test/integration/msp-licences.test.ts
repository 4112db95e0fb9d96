import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openDatabase } from '../../src/db/database.ts';
import { recordLicenceUse, usersWithoutLicence } from '../../src/db/licences.ts';
import { licenceExpiry } from '../../src/domain/licences.ts';
import { createMailer } from '../../src/mailer/create-mailer.ts';
import { buildTestApp, recordingMailer } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  APPROVED_CARD,
  createWorkgroupWithAgents,
  DECLINED_CARD,
  type SignedInAgent,
} from './msp-fixtures.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let logLines: string[];
const mailer = recordingMailer();
let workgroups = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app, logLines } = await buildTestApp(database.db, { mailer }));
});

afterAll(async () => {
  await app.close();
  await database.close();
});

interface LogEntry {
  event: string;
  pass: string | null;
  userEmail: string | null;
  runMailboxId: string | null;
}

const newWorkgroup = () => createWorkgroupWithAgents(database.db, `Licence MSP ${++workgroups}`);

async function call(who: SignedInAgent, method: 'GET' | 'POST', url: string, payload?: object) {
  return app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload }) });
}

async function summary(who: SignedInAgent) {
  return (await call(who, 'GET', '/api/licenses')).json<Record<string, number | null>>();
}

/** Row counts of every licence table of the workgroup, to show that a refused request changed nothing. */
async function licenceState(workgroupId: string) {
  const count = async (table: 'licence_orders' | 'licences' | 'licence_log' | 'audit_log') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .where('workgroup_id', '=', workgroupId)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const assigned = await database.db
    .selectFrom('licences')
    .where('workgroup_id', '=', workgroupId)
    .where('customer_user_id', 'is not', null)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    orders: await count('licence_orders'),
    licences: await count('licences'),
    log: await count('licence_log'),
    audit: await count('audit_log'),
    assigned: Number(assigned.n),
  };
}

async function customerWithUsers(who: SignedInAgent, emails: string[]) {
  const customer = await call(who, 'POST', '/api/customers', {
    companyName: 'Contoso',
    primaryDomain: 'contoso.com',
  });
  expect(customer.statusCode).toBe(201);
  const customerId = customer.json<{ id: string }>().id;
  const bulk = await call(who, 'POST', `/api/customers/${customerId}/users/bulk`, {
    users: emails.map((email) => ({ email })),
  });
  expect(bulk.statusCode).toBe(200);
  const users = await call(who, 'GET', `/api/customers/${customerId}/users?pageSize=500`);
  const ids = new Map(
    users.json<{ items: { id: string; email: string }[] }>().items.map((u) => [u.email, u.id]),
  );
  return { customerId, idOf: (email: string) => ids.get(email)! };
}

describe('purchase by card', () => {
  it('makes the licences available at once, expiring a year after payment, and emails the purchaser', async () => {
    const wg = await newWorkgroup();
    const sentBefore = mailer.sent.length;
    const response = await call(wg.manager, 'POST', '/api/licenses/orders', {
      quantity: 3,
      paymentMethod: 'card',
      card: APPROVED_CARD,
      billingAddress: '1 Harbour Road, Leith',
    });
    expect(response.statusCode).toBe(201);
    const order = response.json<Record<string, unknown>>();
    expect(order).toMatchObject({
      quantity: 3,
      paymentMethod: 'card',
      status: 'paid',
      unitPriceCents: 1500,
      amountCents: 4500,
      currency: 'USD',
      cardLast4: '4242',
      billingAddress: '1 Harbour Road, Leith',
      orderedBy: wg.manager.agent.id,
    });
    const paidAt = new Date(order.paidAt as string);
    expect(order.expiresAt).toBe(licenceExpiry(paidAt).toISOString());
    expect(new Date(order.expiresAt as string).getUTCFullYear()).toBe(paidAt.getUTCFullYear() + 1);

    const licences = await database.db
      .selectFrom('licences')
      .selectAll()
      .where('order_id', '=', order.id as string)
      .execute();
    expect(licences).toHaveLength(3);
    for (const licence of licences) {
      expect(licence.expires_at.getTime()).toBe(licenceExpiry(paidAt).getTime());
      expect(licence.customer_user_id).toBeNull();
    }
    expect(await summary(wg.agent)).toMatchObject({ available: 3, assigned: 0, pending: 0, expired: 0 });

    const sent = mailer.sent.slice(sentBefore);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toEqual([wg.manager.agent.email]);
    expect(sent[0]!.subject).toBe('3 User Migration Bundle licences available');
    expect(sent[0]!.text).toContain('45.00 USD by card ending in 4242');
    expect(sent[0]!.text).toContain(order.id as string);

    const stored = JSON.stringify(
      await database.db
        .selectFrom('licence_orders')
        .selectAll()
        .where('id', '=', order.id as string)
        .execute(),
    );
    expect(stored).not.toContain('4242424242424242');
    expect(logLines.join('')).not.toContain('4242 4242 4242 4242');

    const log = await call(wg.manager, 'GET', '/api/licenses/log');
    expect(log.json().items).toEqual([
      expect.objectContaining({
        event: 'granted',
        quantity: 3,
        orderId: order.id,
        agentId: wg.manager.agent.id,
      }),
    ]);
  });

  it('reports a declined card with its reason and grants nothing', async () => {
    const wg = await newWorkgroup();
    const before = await licenceState(wg.workgroupId);
    const sentBefore = mailer.sent.length;
    const response = await call(wg.administrator, 'POST', '/api/licenses/orders', {
      quantity: 5,
      paymentMethod: 'card',
      card: DECLINED_CARD,
    });
    expect(response.statusCode).toBe(402);
    expect(response.json().error).toMatchObject({
      code: 'PAYMENT_DECLINED',
      message: 'No licences were purchased: The card was declined by its bank.',
    });
    const after = await licenceState(wg.workgroupId);
    expect({ ...after, audit: before.audit }).toEqual(before);
    expect(after.audit).toBe(before.audit + 1);
    expect(mailer.sent.length).toBe(sentBefore);
    expect(await summary(wg.administrator)).toMatchObject({ available: 0, pending: 0 });
  });

  it('refuses purchase orders, small wire transfers and a card payment without a card, changing nothing', async () => {
    const wg = await newWorkgroup();
    const before = await licenceState(wg.workgroupId);
    const po = await call(wg.manager, 'POST', '/api/licenses/orders', {
      quantity: 500,
      paymentMethod: 'purchaseOrder',
    });
    expect(po.statusCode).toBe(400);
    expect(po.json().error.code).toBe('PURCHASE_ORDER_NOT_ACCEPTED');
    expect(po.json().error.message).toContain('Purchase orders are not accepted');
    const smallWire = await call(wg.manager, 'POST', '/api/licenses/orders', {
      quantity: 99,
      paymentMethod: 'wire',
    });
    expect(smallWire.statusCode).toBe(400);
    expect(smallWire.json().error).toMatchObject({ code: 'WIRE_MINIMUM', details: { minimum: 100 } });
    const noCard = await call(wg.manager, 'POST', '/api/licenses/orders', {
      quantity: 1,
      paymentMethod: 'card',
    });
    expect(noCard.statusCode).toBe(400);
    expect(noCard.json().error.details.problems).toEqual([
      { field: 'card', message: 'is required to pay by card' },
    ]);
    const badCard = await call(wg.manager, 'POST', '/api/licenses/orders', {
      quantity: 1,
      paymentMethod: 'card',
      card: { ...APPROVED_CARD, number: '4242-abc' },
    });
    expect(badCard.statusCode).toBe(400);
    expect(badCard.json().error.message).toContain('card.number');
    expect(await licenceState(wg.workgroupId)).toEqual(before);
  });
});

describe('purchase by wire transfer', () => {
  it('stays pending until a Manager records the payment, then the licences are available and the purchaser is emailed', async () => {
    const wg = await newWorkgroup();
    const sentBefore = mailer.sent.length;
    const ordered = await call(wg.administrator, 'POST', '/api/licenses/orders', {
      quantity: 120,
      paymentMethod: 'wire',
    });
    expect(ordered.statusCode).toBe(201);
    const order = ordered.json<{ id: string }>();
    expect(ordered.json()).toMatchObject({
      status: 'pending',
      amountCents: 180_000,
      paidAt: null,
      expiresAt: null,
    });
    expect(await summary(wg.manager)).toMatchObject({ available: 0, pending: 120 });
    expect(mailer.sent.length).toBe(sentBefore);

    const byAgent = await call(wg.agent, 'POST', `/api/licenses/orders/${order.id}/payment`, {});
    expect(byAgent.statusCode).toBe(403);

    const paid = await call(wg.manager, 'POST', `/api/licenses/orders/${order.id}/payment`, {
      reference: 'BANK-778',
    });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ status: 'paid', paymentReference: 'BANK-778' });
    expect(await summary(wg.manager)).toMatchObject({ available: 120, pending: 0 });
    const sent = mailer.sent.slice(sentBefore);
    expect(sent.map((m) => [m.to, m.subject])).toEqual([
      [[wg.administrator.agent.email], '120 User Migration Bundle licences available'],
    ]);
    expect(sent[0]!.text).toContain('by wire transfer');

    const again = await call(wg.manager, 'POST', `/api/licenses/orders/${order.id}/payment`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ORDER_ALREADY_PAID');
    expect(await summary(wg.manager)).toMatchObject({ available: 120 });

    const orders = await call(wg.manager, 'GET', '/api/licenses/orders');
    expect(orders.json()).toMatchObject({ total: 1, items: [{ id: order.id, status: 'paid' }] });
  });
});

describe('applying licences', () => {
  it('refuses with 409 and changes nothing when too few licences are free, then applies, never twice to a user', async () => {
    const wg = await newWorkgroup();
    const emails = ['ana@contoso.com', 'ben@contoso.com', 'cy@contoso.com'];
    const { idOf } = await customerWithUsers(wg.manager, emails);
    await call(wg.manager, 'POST', '/api/licenses/orders', {
      quantity: 2,
      paymentMethod: 'card',
      card: APPROVED_CARD,
    });

    const before = await licenceState(wg.workgroupId);
    const tooMany = await call(wg.manager, 'POST', '/api/licenses/apply', {
      customerUserIds: emails.map(idOf),
    });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().error).toMatchObject({
      code: 'NOT_ENOUGH_LICENCES',
      details: {
        needed: 3,
        available: 2,
        missing: 1,
        purchase: { path: '/api/licenses/orders', unitPriceCents: 1500 },
      },
    });
    expect(tooMany.json().error.message).toMatch(
      /^You need 1 more User Migration Bundle licence; purchase them under Purchase/,
    );
    expect(await licenceState(wg.workgroupId)).toEqual(before);

    const byAgent = await call(wg.agent, 'POST', '/api/licenses/apply', {
      customerUserIds: [idOf('ana@contoso.com')],
    });
    expect(byAgent.statusCode).toBe(403);

    const applied = await call(wg.manager, 'POST', '/api/licenses/apply', {
      customerUserIds: [idOf('ana@contoso.com')],
    });
    expect(applied.statusCode).toBe(200);
    expect(applied.json().applied).toEqual([
      expect.objectContaining({ userId: idOf('ana@contoso.com'), email: 'ana@contoso.com' }),
    ]);
    expect(applied.json().summary).toMatchObject({ available: 1, assigned: 1 });

    const mixed = await call(wg.manager, 'POST', '/api/licenses/apply', {
      customerUserIds: [idOf('ana@contoso.com'), idOf('ben@contoso.com')],
    });
    expect(mixed.statusCode).toBe(200);
    expect(mixed.json<{ applied: { email: string }[] }>().applied.map((a) => a.email)).toEqual([
      'ben@contoso.com',
    ]);
    expect(
      mixed.json<{ alreadyLicensed: { email: string }[] }>().alreadyLicensed.map((a) => a.email),
    ).toEqual(['ana@contoso.com']);
    expect(mixed.json().summary).toMatchObject({ available: 0, assigned: 2 });

    const users = await call(wg.agent, 'GET', `/api/customers/${(await firstCustomer(wg.agent)).id}/users`);
    expect(
      users
        .json<{ items: { email: string; licence: { state: string } }[] }>()
        .items.map((u) => [u.email, u.licence.state]),
    ).toEqual([
      ['ana@contoso.com', 'licensed'],
      ['ben@contoso.com', 'licensed'],
      ['cy@contoso.com', 'none'],
    ]);

    const log = (await call(wg.manager, 'GET', '/api/licenses/log')).json<{ items: LogEntry[] }>().items;
    expect(log.map((e) => [e.event, e.userEmail])).toEqual([
      ['applied', 'ben@contoso.com'],
      ['applied', 'ana@contoso.com'],
      ['granted', null],
    ]);
  });

  it('answers 404 for customer users of another workgroup and applies nothing', async () => {
    const mine = await newWorkgroup();
    const theirs = await newWorkgroup();
    const { idOf } = await customerWithUsers(theirs.manager, ['x@fabrikam.com']);
    await call(mine.manager, 'POST', '/api/licenses/orders', {
      quantity: 1,
      paymentMethod: 'card',
      card: APPROVED_CARD,
    });
    const response = await call(mine.manager, 'POST', '/api/licenses/apply', {
      customerUserIds: [idOf('x@fabrikam.com')],
    });
    expect(response.statusCode).toBe(404);
    expect(await summary(mine.manager)).toMatchObject({ available: 1, assigned: 0 });
  });
});

async function firstCustomer(who: SignedInAgent) {
  return (await call(who, 'GET', '/api/customers')).json<{ items: { id: string }[] }>().items[0]!;
}

describe('expiry', () => {
  it('stops counting expired licences as available, keeps assigned licences to their own expiry, and refuses to apply them', async () => {
    const wg = await newWorkgroup();
    const { idOf } = await customerWithUsers(wg.manager, ['old@contoso.com', 'new@contoso.com']);
    await call(wg.manager, 'POST', '/api/licenses/orders', {
      quantity: 3,
      paymentMethod: 'card',
      card: APPROVED_CARD,
    });
    await call(wg.manager, 'POST', '/api/licenses/apply', { customerUserIds: [idOf('old@contoso.com')] });

    // A year passes for the licences still unassigned.
    await database.db
      .updateTable('licences')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('workgroup_id', '=', wg.workgroupId)
      .where('customer_user_id', 'is', null)
      .execute();
    expect(await summary(wg.manager)).toMatchObject({ available: 0, assigned: 1, expired: 2 });
    const refused = await call(wg.manager, 'POST', '/api/licenses/apply', {
      customerUserIds: [idOf('new@contoso.com')],
    });
    expect(refused.statusCode).toBe(409);
    expect(
      await usersWithoutLicence(database.db, wg.workgroupId, ['OLD@contoso.com', 'new@contoso.com']),
    ).toEqual(['new@contoso.com']);

    // Then the assigned one expires too: its user needs a new licence.
    await database.db
      .updateTable('licences')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('workgroup_id', '=', wg.workgroupId)
      .execute();
    expect(await summary(wg.manager)).toMatchObject({ available: 0, assigned: 0, expired: 3 });
    expect(await usersWithoutLicence(database.db, wg.workgroupId, ['old@contoso.com'])).toEqual([
      'old@contoso.com',
    ]);
  });
});

describe('licence use by passes', () => {
  it('records one use per run mailbox, none for free passes or unlicensed users', async () => {
    const wg = await newWorkgroup();
    const { idOf } = await customerWithUsers(wg.manager, ['ana@contoso.com', 'bob@contoso.com']);
    await call(wg.manager, 'POST', '/api/licenses/orders', {
      quantity: 1,
      paymentMethod: 'card',
      card: APPROVED_CARD,
    });
    await call(wg.manager, 'POST', '/api/licenses/apply', { customerUserIds: [idOf('ana@contoso.com')] });
    expect(
      await usersWithoutLicence(database.db, wg.workgroupId, ['ana@contoso.com', 'bob@contoso.com']),
    ).toEqual(['bob@contoso.com']);

    const runMailboxId = '11111111-1111-4111-8111-111111111111';
    const use = { workgroupId: wg.workgroupId, sourceEmail: 'Ana@Contoso.com', runMailboxId, pass: 'full' };
    expect(await recordLicenceUse(database.db, use)).toBe('recorded');
    expect(await recordLicenceUse(database.db, use)).toBe('already-recorded');
    expect(
      await recordLicenceUse(database.db, { ...use, pass: 'verify', runMailboxId: crypto.randomUUID() }),
    ).toBe('free-pass');
    expect(
      await recordLicenceUse(database.db, { ...use, pass: 'retry', runMailboxId: crypto.randomUUID() }),
    ).toBe('free-pass');
    expect(
      await recordLicenceUse(database.db, {
        ...use,
        sourceEmail: 'bob@contoso.com',
        runMailboxId: crypto.randomUUID(),
      }),
    ).toBe('no-licence');
    expect(
      await recordLicenceUse(database.db, { ...use, pass: 'prestage', runMailboxId: crypto.randomUUID() }),
    ).toBe('recorded');

    expect(await summary(wg.manager)).toMatchObject({ assigned: 1, used: 1, available: 0 });
    const log = (await call(wg.manager, 'GET', '/api/licenses/log')).json<{ items: LogEntry[] }>().items;
    expect(log.map((e) => [e.event, e.pass, e.userEmail])).toEqual([
      ['used', 'prestage', 'ana@contoso.com'],
      ['used', 'full', 'ana@contoso.com'],
      ['applied', null, 'ana@contoso.com'],
      ['granted', null, null],
    ]);
    expect(log[1]?.runMailboxId).toBe(runMailboxId);
  });

  it('keeps the licence log append-only, for the app role by its grants and for the owner by a trigger', async () => {
    await expect(database.db.updateTable('licence_log').set({ quantity: 0 }).execute()).rejects.toThrow(
      'permission denied',
    );
    await expect(database.db.deleteFrom('licence_log').execute()).rejects.toThrow('permission denied');
    const owner = openDatabase(database.ownerUrl);
    try {
      await expect(owner.db.updateTable('licence_log').set({ quantity: 0 }).execute()).rejects.toThrow(
        'the licence log is append-only',
      );
      await expect(owner.db.deleteFrom('licence_log').execute()).rejects.toThrow(
        'the licence log is append-only',
      );
    } finally {
      await owner.close();
    }
  });
});

describe('the licences-available email through SMTP', () => {
  let server: SMTPServer;
  const received: { to: string[]; raw: string }[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reaches the purchaser through a real SMTP server', async () => {
    const port = (server.server.address() as { port: number }).port;
    const smtp = await buildTestApp(database.db, {
      mailer: await createMailer({
        smtpUrl: `smtp://127.0.0.1:${port}`,
        dataDir: '/nonexistent',
        from: 'ferry@msp.example',
      }),
      publicUrl: 'https://ferry.msp.example',
    });
    try {
      const wg = await newWorkgroup();
      const response = await smtp.app.inject({
        method: 'POST',
        url: '/api/licenses/orders',
        headers: wg.manager.headers,
        payload: { quantity: 1, paymentMethod: 'card', card: APPROVED_CARD },
      });
      expect(response.statusCode).toBe(201);
      expect(received).toHaveLength(1);
      expect(received[0]!.to).toEqual([wg.manager.agent.email]);
      const parsed = await simpleParser(received[0]!.raw);
      expect(parsed.subject).toBe('1 User Migration Bundle licence available');
      expect(parsed.from?.text).toBe('ferry@msp.example');
      expect(parsed.text).toContain('15.00 USD by card ending in 4242');
      expect(parsed.text).toContain('https://ferry.msp.example/customers');
    } finally {
      await smtp.app.close();
    }
  });
});
