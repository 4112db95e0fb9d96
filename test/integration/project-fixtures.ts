import { expect } from 'vitest';

import type { buildTestApp } from '../support/build-test-app.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>['app'];

/** A customer with one user, a Zimbra and a Microsoft 365 endpoint, and a project with one mailbox, made through the API. */
export async function createProjectThroughApi(app: App, headers: { authorization: string }) {
  const post = async (url: string, payload: object) => {
    const response = await app.inject({ method: 'POST', url, headers, payload });
    expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(300);
    return response.json<Record<string, unknown>>();
  };
  const create = async (url: string, payload: object) => (await post(url, payload)).id as string;
  const customerId = await create('/api/customers', { companyName: 'Contoso', primaryDomain: 'contoso.com' });
  const customerUserId = await create(`/api/customers/${customerId}/users`, { email: 'bob@zimbra.test' });
  const sourceEndpointId = await create('/api/endpoints', {
    kind: 'zimbra',
    name: 'Zimbra',
    serverUrl: 'https://mail.zimbra.test',
    adminUsername: 'admin@zimbra.test',
    adminPassword: 'admin-pw',
  });
  const destinationEndpointId = await create('/api/endpoints', {
    kind: 'm365',
    name: 'M365',
    applicationId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    tenantId: 'contoso.onmicrosoft.com',
    clientSecret: 'right-secret',
  });
  const projectId = await create('/api/projects', {
    name: 'Fixture',
    customerId,
    sourceEndpointId,
    destinationEndpointId,
  });
  const mailboxId = await create(`/api/projects/${projectId}/mailboxes`, {
    source: 'ann@zimbra.test',
    destination: 'ann@contoso.com',
  });
  return { customerId, customerUserId, sourceEndpointId, destinationEndpointId, projectId, mailboxId, post };
}
