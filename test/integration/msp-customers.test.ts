import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureCustomerUsers } from '../../src/db/customers.ts';
import { buildTestApp } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { APPROVED_CARD, createWorkgroupWithAgents, type SignedInAgent } from './msp-fixtures.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let wg: Awaited<ReturnType<typeof createWorkgroupWithAgents>>;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app } = await buildTestApp(database.db));
  wg = await createWorkgroupWithAgents(database.db, 'Customer MSP');
});

afterAll(async () => {
  await app.close();
  await database.close();
});

async function call(
  who: SignedInAgent,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) {
  return app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload }) });
}

async function addCustomer(companyName: string, primaryDomain: string) {
  const response = await call(wg.agent, 'POST', '/api/customers', { companyName, primaryDomain });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string }>().id;
}

async function userCount(customerId: string) {
  const { n } = await database.db
    .selectFrom('customer_users')
    .where('customer_id', '=', customerId)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

describe('customers', () => {
  it('requires Company Name and a valid Primary Email Domain, the rest optional', async () => {
    const missing = await call(wg.agent, 'POST', '/api/customers', { companyName: ' ' });
    expect(missing.statusCode).toBe(400);
    const fields = missing
      .json<{ error: { details: { problems: { field: string }[] } } }>()
      .error.details.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['companyName', 'primaryDomain']));

    const badDomain = await call(wg.agent, 'POST', '/api/customers', {
      companyName: 'Bad',
      primaryDomain: 'not a domain',
    });
    expect(badDomain.statusCode).toBe(400);
    expect(badDomain.json().error.message).toContain(
      'primaryDomain is not a domain name such as contoso.com',
    );

    const created = await call(wg.agent, 'POST', '/api/customers', {
      companyName: 'Northwind Traders',
      primaryDomain: '  NorthWind.COM. ',
      country: 'United Kingdom',
      phone: '+44 20 7946 0000',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      companyName: 'Northwind Traders',
      primaryDomain: 'northwind.com',
      country: 'United Kingdom',
      phone: '+44 20 7946 0000',
      industry: null,
      address: null,
      website: null,
      userCount: 0,
    });
    const id = created.json<{ id: string }>().id;
    const edited = await call(wg.agent, 'PATCH', `/api/customers/${id}`, { industry: 'Retail', phone: null });
    expect(edited.json()).toMatchObject({ industry: 'Retail', phone: null, country: 'United Kingdom' });
    const shown = await call(wg.agent, 'GET', `/api/customers/${id}`);
    expect(shown.json()).toEqual(edited.json());
  });

  it('searches case-insensitively by name or domain, with wildcards taken literally, and pages', async () => {
    for (let i = 1; i <= 12; i++)
      await addCustomer(`Paged Co ${String(i).padStart(2, '0')}`, `paged${i}.example`);
    await addCustomer('100%_Literal Ltd', 'literal.example');
    const first = await call(wg.agent, 'GET', '/api/customers?search=PAGED%20co&pageSize=5');
    expect(first.json()).toMatchObject({ total: 12, page: 1, pageSize: 5 });
    expect(first.json<{ items: { companyName: string }[] }>().items.map((c) => c.companyName)).toEqual([
      'Paged Co 01',
      'Paged Co 02',
      'Paged Co 03',
      'Paged Co 04',
      'Paged Co 05',
    ]);
    const third = await call(wg.agent, 'GET', '/api/customers?search=paged&pageSize=5&page=3');
    expect(third.json<{ items: { companyName: string }[] }>().items.map((c) => c.companyName)).toEqual([
      'Paged Co 11',
      'Paged Co 12',
    ]);
    const byDomain = await call(wg.agent, 'GET', '/api/customers?search=PAGED12.EXAMPLE');
    expect(byDomain.json<{ items: { companyName: string }[] }>().items.map((c) => c.companyName)).toEqual([
      'Paged Co 12',
    ]);
    const literal = await call(wg.agent, 'GET', `/api/customers?search=${encodeURIComponent('0%_l')}`);
    expect(literal.json<{ items: { companyName: string }[] }>().items.map((c) => c.companyName)).toEqual([
      '100%_Literal Ltd',
    ]);
    const wildcard = await call(wg.agent, 'GET', `/api/customers?search=${encodeURIComponent('_')}`);
    expect(wildcard.json().total).toBe(1);
  });
});

describe('customer users', () => {
  it('adds one user, refuses a duplicate and a bad email', async () => {
    const customerId = await addCustomer('Single Co', 'single.example');
    const added = await call(wg.agent, 'POST', `/api/customers/${customerId}/users`, {
      email: 'Alice@Single.example',
      firstName: 'Alice',
      lastName: 'Liddell',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      customerId,
      email: 'alice@single.example',
      firstName: 'Alice',
      lastName: 'Liddell',
      licence: { state: 'none', expiresAt: null, firstUsedAt: null },
    });
    const duplicate = await call(wg.agent, 'POST', `/api/customers/${customerId}/users`, {
      email: 'ALICE@single.example',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.message).toBe('alice@single.example is already a user of Single Co.');
    const bad = await call(wg.agent, 'POST', `/api/customers/${customerId}/users`, {
      email: 'alice at single',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems).toEqual([
      { field: 'email', message: '"alice at single" is not an email address' },
    ]);
    expect(await userCount(customerId)).toBe(1);
  });

  it('imports a CSV whole or not at all, naming every bad line', async () => {
    const customerId = await addCustomer('Bulk Co', 'bulk.example');
    const bad = [
      'email,firstName,lastName',
      'ann@bulk.example,Ann,Arbor',
      'not-an-email,Bad,Row',
      '"quoted, name"@x,,',
      'ANN@bulk.example,Ann,Again',
      'ben@bulk.example,Ben,Bay,extra',
      '',
      'cy@bulk.example',
    ].join('\n');
    const refused = await call(wg.agent, 'POST', `/api/customers/${customerId}/users/bulk`, { csv: bad });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('INVALID_USER_LIST');
    expect(refused.json().error.details.problems).toEqual([
      { line: 3, message: '"not-an-email" is not an email address' },
      { line: 4, message: '"quoted, name@x" is not an email address' },
      { line: 5, message: 'ann@bulk.example is already on line 2' },
      { line: 6, message: 'expected email,firstName,lastName but found 4 columns' },
    ]);
    expect(refused.json().error.message).toMatch(/^Nothing was imported: 4 lines need fixing \(line 3: /);
    expect(await userCount(customerId)).toBe(0);

    const good =
      'email,first name,last name\r\nann@bulk.example,Ann,Arbor\r\n"ben@bulk.example","Ben","Bay, Jr."\r\ncy@bulk.example\r\n';
    const preview = await call(wg.agent, 'POST', `/api/customers/${customerId}/users/bulk`, {
      csv: good,
      preview: true,
    });
    expect(preview.json()).toEqual({
      preview: true,
      added: ['ann@bulk.example', 'ben@bulk.example', 'cy@bulk.example'],
      alreadyPresent: [],
    });
    expect(await userCount(customerId)).toBe(0);

    const imported = await call(wg.agent, 'POST', `/api/customers/${customerId}/users/bulk`, { csv: good });
    expect(imported.json()).toEqual({
      preview: false,
      added: ['ann@bulk.example', 'ben@bulk.example', 'cy@bulk.example'],
      alreadyPresent: [],
    });
    const users = await call(wg.agent, 'GET', `/api/customers/${customerId}/users?search=BAY`);
    expect(users.json().items).toEqual([
      expect.objectContaining({ email: 'ben@bulk.example', firstName: 'Ben', lastName: 'Bay, Jr.' }),
    ]);

    const again = await call(wg.agent, 'POST', `/api/customers/${customerId}/users/bulk`, {
      users: [{ email: 'cy@bulk.example' }, { email: 'dee@bulk.example', firstName: 'Dee' }],
    });
    expect(again.json()).toEqual({
      preview: false,
      added: ['dee@bulk.example'],
      alreadyPresent: ['cy@bulk.example'],
    });
    expect(await userCount(customerId)).toBe(4);

    const badList = await call(wg.agent, 'POST', `/api/customers/${customerId}/users/bulk`, {
      users: [{ email: 'eve@bulk.example' }, { email: '' }],
    });
    expect(badList.json().error.details.problems).toEqual([{ line: 2, message: 'the email is empty' }]);
    expect(await userCount(customerId)).toBe(4);
  });

  it('lets the projects side ensure users by source address, idempotently', async () => {
    const customerId = await addCustomer('Ensure Co', 'ensure.example');
    const added = await database.db
      .transaction()
      .execute((trx) =>
        ensureCustomerUsers(trx, wg.workgroupId, customerId, [
          { email: 'Zed@ensure.example', firstName: 'Zed' },
          { email: 'amy@ensure.example' },
        ]),
      );
    expect(added.sort()).toEqual(['amy@ensure.example', 'zed@ensure.example']);
    expect(
      await ensureCustomerUsers(database.db, wg.workgroupId, customerId, [{ email: 'ZED@ensure.example' }]),
    ).toEqual([]);
    expect(await userCount(customerId)).toBe(2);
  });

  it('edits a user, and refuses to delete a licensed user or their customer', async () => {
    const customerId = await addCustomer('Keep Co', 'keep.example');
    const user = (
      await call(wg.agent, 'POST', `/api/customers/${customerId}/users`, { email: 'kim@keep.example' })
    ).json<{ id: string }>();
    const renamed = await call(wg.agent, 'PATCH', `/api/customers/${customerId}/users/${user.id}`, {
      email: 'kim@keep.onmicrosoft.com',
      lastName: 'Keeper',
    });
    expect(renamed.json()).toMatchObject({ email: 'kim@keep.onmicrosoft.com', lastName: 'Keeper' });

    await call(wg.manager, 'POST', '/api/licenses/orders', {
      quantity: 1,
      paymentMethod: 'card',
      card: APPROVED_CARD,
    });
    expect(
      (await call(wg.manager, 'POST', '/api/licenses/apply', { customerUserIds: [user.id] })).statusCode,
    ).toBe(200);

    const deleteUser = await call(wg.manager, 'DELETE', `/api/customers/${customerId}/users/${user.id}`);
    expect(deleteUser.statusCode).toBe(409);
    expect(deleteUser.json().error.code).toBe('USER_LICENSED');
    const deleteCustomer = await call(wg.manager, 'DELETE', `/api/customers/${customerId}`);
    expect(deleteCustomer.statusCode).toBe(409);
    expect(deleteCustomer.json().error.details).toEqual({ users: ['kim@keep.onmicrosoft.com'] });
    expect(await userCount(customerId)).toBe(1);

    const other = await addCustomer('Gone Co', 'gone.example');
    await call(wg.agent, 'POST', `/api/customers/${other}/users`, { email: 'g@gone.example' });
    expect((await call(wg.manager, 'DELETE', `/api/customers/${other}`)).statusCode).toBe(204);
    expect((await call(wg.agent, 'GET', `/api/customers/${other}`)).statusCode).toBe(404);
    expect(await userCount(other)).toBe(0);
  });
});
