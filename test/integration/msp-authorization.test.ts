import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AgentRole } from '../../src/domain/agents.ts';
import { buildTestApp } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { APPROVED_CARD, createWorkgroupWithAgents, type SignedInAgent } from './msp-fixtures.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Caller = AgentRole | 'unauthenticated';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let wg: Awaited<ReturnType<typeof createWorkgroupWithAgents>>;
let other: Awaited<ReturnType<typeof createWorkgroupWithAgents>>;
let serial = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app } = await buildTestApp(database.db));
  wg = await createWorkgroupWithAgents(database.db, 'Home MSP');
  other = await createWorkgroupWithAgents(database.db, 'Other MSP');
});

afterAll(async () => {
  await app.close();
  await database.close();
});

async function call(who: SignedInAgent | undefined, method: Method, url: string, payload?: object) {
  return app.inject({
    method,
    url,
    headers: who?.headers ?? {},
    ...(payload === undefined ? {} : { payload }),
  });
}

async function ok<T>(who: SignedInAgent, method: Method, url: string, payload?: object): Promise<T> {
  const response = await call(who, method, url, payload);
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json<T>();
}

/** Fresh resources of a workgroup, made by its Administrator, for one request each. */
function fixturesOf(owner: () => Awaited<ReturnType<typeof createWorkgroupWithAgents>>) {
  const admin = () => owner().administrator;
  const customer = () =>
    ok<{ id: string }>(admin(), 'POST', '/api/customers', {
      companyName: `Co ${++serial}`,
      primaryDomain: `co${serial}.example`,
    }).then((c) => c.id);
  const user = async (customerId?: string) => {
    const id = customerId ?? (await customer());
    const created = await ok<{ id: string }>(admin(), 'POST', `/api/customers/${id}/users`, {
      email: `u${++serial}@co.example`,
    });
    return { customerId: id, userId: created.id };
  };
  return {
    customer,
    user,
    invitation: () =>
      ok<{ id: string }>(admin(), 'POST', '/api/agents/invitations', {
        email: `inv${++serial}@msp.example`,
        role: 'agent',
      }).then((i) => i.id),
    wireOrder: () =>
      ok<{ id: string }>(admin(), 'POST', '/api/licenses/orders', {
        quantity: 100,
        paymentMethod: 'wire',
      }).then((o) => o.id),
    cardOrder: () =>
      ok<{ id: string }>(admin(), 'POST', '/api/licenses/orders', {
        quantity: 5,
        paymentMethod: 'card',
        card: APPROVED_CARD,
      }).then((o) => o.id),
  };
}

const home = fixturesOf(() => wg);

interface RouteCase {
  readonly method: Method;
  readonly path: string;
  /** The lowest role allowed; 'public' routes answer the same to everyone. */
  readonly minimum: AgentRole | 'public';
  readonly success: number;
  readonly request: () => Promise<{ url: string; payload?: object }>;
}

const ROUTES: RouteCase[] = [
  {
    method: 'GET',
    path: '/api/workgroup',
    minimum: 'agent',
    success: 200,
    request: () => Promise.resolve({ url: '/api/workgroup' }),
  },
  {
    method: 'PATCH',
    path: '/api/workgroup',
    minimum: 'administrator',
    success: 200,
    request: () => Promise.resolve({ url: '/api/workgroup', payload: { projectSharing: true } }),
  },
  {
    method: 'GET',
    path: '/api/agents',
    minimum: 'agent',
    success: 200,
    request: () => Promise.resolve({ url: '/api/agents' }),
  },
  {
    method: 'PATCH',
    path: '/api/agents/{id}',
    minimum: 'manager',
    success: 200,
    request: () => Promise.resolve({ url: `/api/agents/${wg.agent.agent.id}`, payload: { role: 'agent' } }),
  },
  {
    method: 'POST',
    path: '/api/agents/{id}/password-reset',
    minimum: 'administrator',
    success: 202,
    request: () => Promise.resolve({ url: `/api/agents/${wg.agent.agent.id}/password-reset` }),
  },
  {
    method: 'GET',
    path: '/api/agents/invitations',
    minimum: 'manager',
    success: 200,
    request: () => Promise.resolve({ url: '/api/agents/invitations' }),
  },
  {
    method: 'POST',
    path: '/api/agents/invitations',
    minimum: 'manager',
    success: 201,
    request: () =>
      Promise.resolve({
        url: '/api/agents/invitations',
        payload: { email: `new${++serial}@msp.example`, role: 'agent' },
      }),
  },
  {
    method: 'DELETE',
    path: '/api/agents/invitations/{id}',
    minimum: 'manager',
    success: 204,
    request: async () => ({ url: `/api/agents/invitations/${await home.invitation()}` }),
  },
  {
    method: 'POST',
    path: '/api/invitations/lookup',
    minimum: 'public',
    success: 404,
    request: () => Promise.resolve({ url: '/api/invitations/lookup', payload: { token: 'unknown' } }),
  },
  {
    method: 'POST',
    path: '/api/invitations/accept',
    minimum: 'public',
    success: 404,
    request: () =>
      Promise.resolve({
        url: '/api/invitations/accept',
        payload: { token: 'unknown', name: 'X', password: 'long enough password' },
      }),
  },
  {
    method: 'GET',
    path: '/api/customers',
    minimum: 'agent',
    success: 200,
    request: () => Promise.resolve({ url: '/api/customers' }),
  },
  {
    method: 'POST',
    path: '/api/customers',
    minimum: 'agent',
    success: 201,
    request: () =>
      Promise.resolve({
        url: '/api/customers',
        payload: { companyName: 'New Co', primaryDomain: 'new.example' },
      }),
  },
  {
    method: 'GET',
    path: '/api/customers/{id}',
    minimum: 'agent',
    success: 200,
    request: async () => ({ url: `/api/customers/${await home.customer()}` }),
  },
  {
    method: 'PATCH',
    path: '/api/customers/{id}',
    minimum: 'agent',
    success: 200,
    request: async () => ({
      url: `/api/customers/${await home.customer()}`,
      payload: { industry: 'Retail' },
    }),
  },
  {
    method: 'DELETE',
    path: '/api/customers/{id}',
    minimum: 'manager',
    success: 204,
    request: async () => ({ url: `/api/customers/${await home.customer()}` }),
  },
  {
    method: 'GET',
    path: '/api/customers/{id}/users',
    minimum: 'agent',
    success: 200,
    request: async () => ({ url: `/api/customers/${await home.customer()}/users` }),
  },
  {
    method: 'POST',
    path: '/api/customers/{id}/users',
    minimum: 'agent',
    success: 201,
    request: async () => ({
      url: `/api/customers/${await home.customer()}/users`,
      payload: { email: 'one@co.example' },
    }),
  },
  {
    method: 'POST',
    path: '/api/customers/{id}/users/bulk',
    minimum: 'agent',
    success: 200,
    request: async () => ({
      url: `/api/customers/${await home.customer()}/users/bulk`,
      payload: { csv: 'a@co.example\nb@co.example' },
    }),
  },
  {
    method: 'PATCH',
    path: '/api/customers/{id}/users/{userId}',
    minimum: 'agent',
    success: 200,
    request: async () => {
      const { customerId, userId } = await home.user();
      return { url: `/api/customers/${customerId}/users/${userId}`, payload: { firstName: 'Renamed' } };
    },
  },
  {
    method: 'DELETE',
    path: '/api/customers/{id}/users/{userId}',
    minimum: 'manager',
    success: 204,
    request: async () => {
      const { customerId, userId } = await home.user();
      return { url: `/api/customers/${customerId}/users/${userId}` };
    },
  },
  {
    method: 'GET',
    path: '/api/licenses',
    minimum: 'agent',
    success: 200,
    request: () => Promise.resolve({ url: '/api/licenses' }),
  },
  {
    method: 'GET',
    path: '/api/licenses/pricing',
    minimum: 'manager',
    success: 200,
    request: () => Promise.resolve({ url: '/api/licenses/pricing' }),
  },
  {
    method: 'GET',
    path: '/api/licenses/orders',
    minimum: 'manager',
    success: 200,
    request: () => Promise.resolve({ url: '/api/licenses/orders' }),
  },
  {
    method: 'POST',
    path: '/api/licenses/orders',
    minimum: 'manager',
    success: 201,
    request: () =>
      Promise.resolve({
        url: '/api/licenses/orders',
        payload: { quantity: 1, paymentMethod: 'card', card: APPROVED_CARD },
      }),
  },
  {
    method: 'GET',
    path: '/api/licenses/orders/{id}',
    minimum: 'manager',
    success: 200,
    request: async () => ({ url: `/api/licenses/orders/${await home.cardOrder()}` }),
  },
  {
    method: 'POST',
    path: '/api/licenses/orders/{id}/payment',
    minimum: 'manager',
    success: 200,
    request: async () => ({ url: `/api/licenses/orders/${await home.wireOrder()}/payment`, payload: {} }),
  },
  {
    method: 'POST',
    path: '/api/licenses/apply',
    minimum: 'manager',
    success: 200,
    request: async () => {
      await home.cardOrder();
      return { url: '/api/licenses/apply', payload: { customerUserIds: [(await home.user()).userId] } };
    },
  },
  {
    method: 'GET',
    path: '/api/licenses/log',
    minimum: 'manager',
    success: 200,
    request: () => Promise.resolve({ url: '/api/licenses/log' }),
  },
  {
    method: 'GET',
    path: '/api/audit',
    minimum: 'manager',
    success: 200,
    request: () => Promise.resolve({ url: '/api/audit' }),
  },
  {
    method: 'GET',
    path: '/api/audit.csv',
    minimum: 'manager',
    success: 200,
    request: () => Promise.resolve({ url: '/api/audit.csv' }),
  },
];

const RANK: Record<AgentRole, number> = { inactive: 0, agent: 1, manager: 2, administrator: 3 };
const CALLERS: Caller[] = ['administrator', 'manager', 'agent', 'inactive', 'unauthenticated'];

function expectedStatus(route: RouteCase, caller: Caller): number {
  if (route.minimum === 'public') return route.success;
  if (caller === 'unauthenticated') return 401;
  if (caller === 'inactive') return 403;
  return RANK[caller] >= RANK[route.minimum] ? route.success : 403;
}

describe('every role × every MSP route', () => {
  it('covers every route of the workgroup, agents, customers, licenses and audit tags', async () => {
    const spec = (await app.inject('/api/openapi.json')).json<{
      paths: Record<string, Record<string, { tags?: string[] }>>;
    }>();
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) =>
          operation.tags?.some((t) => ['workgroup', 'agents', 'customers', 'licenses', 'audit'].includes(t)),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(documented.sort());
  });

  for (const route of ROUTES) {
    for (const caller of CALLERS) {
      const expected = expectedStatus(route, caller);
      it(`${route.method} ${route.path} as ${caller} → ${expected}`, async () => {
        const { url, payload } = await route.request();
        const who = caller === 'unauthenticated' ? undefined : wg[caller];
        const response = await call(who, route.method, url, payload);
        expect(response.statusCode, response.body).toBe(expected);
        if (expected === 403 && caller !== 'inactive') {
          expect(response.json().error.message).toMatch(/needs the (manager|administrator) role or higher/);
        }
      });
    }
  }
});

describe('the workgroup boundary', () => {
  it("answers 404 to another workgroup's Administrator for every resource of this one", async () => {
    const { customerId, userId } = await home.user();
    const orderId = await home.cardOrder();
    const wireId = await home.wireOrder();
    const invitationId = await home.invitation();
    const outsider = other.administrator;
    const attempts: [Method, string, object?][] = [
      ['GET', `/api/customers/${customerId}`],
      ['PATCH', `/api/customers/${customerId}`, { industry: 'Stolen' }],
      ['DELETE', `/api/customers/${customerId}`],
      ['GET', `/api/customers/${customerId}/users`],
      ['POST', `/api/customers/${customerId}/users`, { email: 'spy@other.example' }],
      ['POST', `/api/customers/${customerId}/users/bulk`, { csv: 'spy@other.example' }],
      ['PATCH', `/api/customers/${customerId}/users/${userId}`, { firstName: 'Spy' }],
      ['DELETE', `/api/customers/${customerId}/users/${userId}`],
      ['GET', `/api/licenses/orders/${orderId}`],
      ['POST', `/api/licenses/orders/${wireId}/payment`, {}],
      ['POST', '/api/licenses/apply', { customerUserIds: [userId] }],
      ['PATCH', `/api/agents/${wg.agent.agent.id}`, { role: 'inactive' }],
      ['DELETE', `/api/agents/invitations/${invitationId}`],
    ];
    for (const [method, url, payload] of attempts) {
      const response = await call(outsider, method, url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    // Nothing of the first workgroup changed or shows up in the second one's lists.
    expect(
      (await ok<{ industry: string | null }>(wg.agent, 'GET', `/api/customers/${customerId}`)).industry,
    ).toBeNull();
    expect((await ok<{ status: string }>(wg.manager, 'GET', `/api/licenses/orders/${wireId}`)).status).toBe(
      'pending',
    );
    expect(await ok(wg.agent, 'GET', '/api/agents?search=agent@home')).toMatchObject({
      items: [{ role: 'agent' }],
    });
    const lists = await Promise.all(
      ['/api/customers', '/api/licenses/orders', '/api/licenses/log', '/api/audit', '/api/agents'].map(
        (url) => ok<{ items: unknown[] }>(outsider, 'GET', url),
      ),
    );
    const seen = JSON.stringify(lists);
    expect(seen).not.toContain(customerId);
    expect(seen).not.toContain(orderId);
    expect(seen).not.toContain(wg.administrator.agent.email);
    expect(await ok(outsider, 'GET', '/api/licenses')).toMatchObject({
      available: 0,
      pending: 0,
      assigned: 0,
    });
  });
});
