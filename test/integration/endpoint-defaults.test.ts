import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildTestApp } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createWorkgroupWithAgents, type SignedInAgent } from './msp-fixtures.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let manager: SignedInAgent;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app } = await buildTestApp(database.db, {
    m365Addresses: { authorityUrl: 'http://127.0.0.1:4100', graphUrl: 'http://127.0.0.1:4101' },
  }));
  ({ manager } = await createWorkgroupWithAgents(database.db, 'Defaults'));
});

afterAll(async () => {
  await app.close();
  await database.close();
});

const endpoint = (overrides: Record<string, unknown>) => ({
  kind: 'm365',
  name: `Contoso ${Math.random()}`,
  applicationId: '44444444-4444-4444-8444-444444444444',
  tenantId: '33333333-3333-4333-8333-333333333333',
  clientSecret: 'secret',
  provideCredentials: true,
  ...overrides,
});

describe('server-wide Microsoft 365 addresses (FERRY_M365_AUTHORITY_URL, FERRY_M365_GRAPH_URL)', () => {
  it('wire a new global-cloud endpoint that names no address, and leave explicit ones and other clouds alone', async () => {
    const create = async (body: Record<string, unknown>) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/endpoints',
        headers: manager.headers,
        payload: body,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ m365: { authorityUrl: string | null; graphUrl: string | null } }>().m365;
    };
    expect(await create(endpoint({}))).toMatchObject({
      authorityUrl: 'http://127.0.0.1:4100',
      graphUrl: 'http://127.0.0.1:4101',
    });
    expect(await create(endpoint({ authorityUrl: 'https://login.proxy.example' }))).toMatchObject({
      authorityUrl: 'https://login.proxy.example',
      graphUrl: 'http://127.0.0.1:4101',
    });
    expect(await create(endpoint({ nationalCloud: 'usGovernment' }))).toMatchObject({
      authorityUrl: null,
      graphUrl: null,
    });
  });
});
