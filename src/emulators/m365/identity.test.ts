import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startM365Emulator } from './server.ts';
import {
  APP,
  EXPIRED_APP,
  LIMITED_APP,
  TENANT,
  TEST_CONFIG,
  postForm,
  startHarness,
  type Json,
  type Harness,
} from './test-client.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.emulator.close());

const tokenUrl = (tenant = TENANT) => `${h.emulator.authorityUrl}/${tenant}/oauth2/v2.0/token`;
const clientCredentials = {
  client_id: APP,
  client_secret: 'app-secret',
  grant_type: 'client_credentials',
  scope: 'https://graph.microsoft.com/.default',
};

describe('token endpoint', () => {
  it('issues a client-credentials token with expires_in, also by domain', async () => {
    const reply = await postForm(tokenUrl('contoso.onmicrosoft.com'), clientCredentials);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect(reply.json.access_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it.each([
    ['unknown tenant', { ...clientCredentials }, 'nope.example', 400, 'invalid_request', 90002],
    [
      'unknown app',
      { ...clientCredentials, client_id: '99999999-9999-4999-8999-999999999999' },
      TENANT,
      400,
      'unauthorized_client',
      700016,
    ],
    ['wrong secret', { ...clientCredentials, client_secret: 'x' }, TENANT, 401, 'invalid_client', 7000215],
    [
      'expired secret',
      { ...clientCredentials, client_id: EXPIRED_APP, client_secret: 'old-secret' },
      TENANT,
      401,
      'invalid_client',
      7000222,
    ],
    [
      'bad password',
      {
        client_id: APP,
        grant_type: 'password',
        username: 'alice@contoso.com',
        password: 'no',
        scope: 'https://graph.microsoft.com/.default',
      },
      TENANT,
      400,
      'invalid_grant',
      50126,
    ],
    [
      'MFA user',
      {
        client_id: APP,
        grant_type: 'password',
        username: 'carol@contoso.com',
        password: 'carol-pw',
        scope: 'https://graph.microsoft.com/.default',
      },
      TENANT,
      400,
      'invalid_grant',
      50076,
    ],
  ])('%s → AADSTS error body', async (_name, form, tenant, status, error, code) => {
    const reply = await postForm(tokenUrl(tenant), form);
    expect(reply.status).toBe(status);
    expect(reply.json.error).toBe(error);
    expect(reply.json.error_codes).toEqual([code]);
    expect(reply.json.error_description).toMatch(
      new RegExp(`^AADSTS${code}: .*Trace ID: .*Correlation ID: .*Timestamp: `),
    );
    expect(reply.json).toHaveProperty('trace_id');
    expect(reply.json).toHaveProperty('correlation_id');
  });

  it('password grant works for a service account and is limited to its own mailbox', async () => {
    const reply = await postForm(tokenUrl(), {
      client_id: APP,
      grant_type: 'password',
      username: 'alice@contoso.com',
      password: 'alice-pw',
      scope: 'https://graph.microsoft.com/.default offline_access',
    });
    expect(reply.status).toBe(200);
    const own = await fetch(`${h.emulator.graphUrl}/v1.0/me/mailFolders/inbox`, {
      headers: { Authorization: `Bearer ${reply.json.access_token}` },
    });
    expect(own.status).toBe(200);
    const other = await fetch(`${h.emulator.graphUrl}/v1.0/users/carol@contoso.com/mailFolders/inbox`, {
      headers: { Authorization: `Bearer ${reply.json.access_token}` },
    });
    expect(other.status).toBe(403);
  });
});

describe('openid configuration', () => {
  it('reports tenant_region_scope and the token endpoint', async () => {
    const response = await fetch(
      `${h.emulator.authorityUrl}/contoso.com/v2.0/.well-known/openid-configuration`,
    );
    const body = (await response.json()) as Json;
    expect(body.tenant_region_scope).toBe('EU');
    expect(body.token_endpoint).toBe(`${h.emulator.authorityUrl}/${TENANT}/oauth2/v2.0/token`);
    expect(body.issuer).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    const unknown = await fetch(
      `${h.emulator.authorityUrl}/nope.example/v2.0/.well-known/openid-configuration`,
    );
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Json).error_codes).toEqual([90002]);
  });
});

describe('Graph authentication and authorization', () => {
  it('rejects a missing token with 401 InvalidAuthenticationToken and request ids', async () => {
    const response = await fetch(`${h.emulator.graphUrl}/v1.0/users/alice@contoso.com/messages`, {
      headers: { 'client-request-id': 'abc' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('client-request-id')).toBe('abc');
    const body = (await response.json()) as Json;
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.innerError).toMatchObject({
      'client-request-id': 'abc',
      'request-id': response.headers.get('request-id'),
    });
  });

  it('expires tokens after the configured lifetime', async () => {
    const short = await startM365Emulator({ config: TEST_CONFIG, tokenLifetimeSec: 1 });
    try {
      const reply = await postForm(`${short.authorityUrl}/${TENANT}/oauth2/v2.0/token`, clientCredentials);
      expect(reply.json.expires_in).toBe(1);
      const url = `${short.graphUrl}/v1.0/users/alice@contoso.com/mailFolders/inbox`;
      const auth = { Authorization: `Bearer ${reply.json.access_token}` };
      expect((await fetch(url, { headers: auth })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const expired = await fetch(url, { headers: auth });
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as Json).error.message).toContain('expired');
    } finally {
      await short.close();
    }
  });

  it('answers 403 ErrorAccessDenied without the permission', async () => {
    const limited = await h.tokenFor(LIMITED_APP, 'limited-secret');
    const auth = { Authorization: `Bearer ${limited}`, 'Content-Type': 'application/json' };
    const read = await fetch(`${h.emulator.graphUrl}/v1.0/users/alice@contoso.com/messages`, {
      headers: auth,
    });
    expect(read.status).toBe(200);
    const write = await fetch(`${h.emulator.graphUrl}/v1.0/users/alice@contoso.com/messages`, {
      method: 'POST',
      headers: auth,
      body: '{"subject":"x"}',
    });
    expect(write.status).toBe(403);
    expect(((await write.json()) as Json).error.code).toBe('ErrorAccessDenied');
    const user = await fetch(`${h.emulator.graphUrl}/v1.0/users/alice@contoso.com`, { headers: auth });
    expect(((await user.json()) as Json).error.code).toBe('Authorization_RequestDenied');
  });
});

describe('users', () => {
  it('finds users by UPN or id, and reports mailbox-less users on mailbox calls', async () => {
    const alice = await h.call(
      'GET',
      '/v1.0/users/alice@contoso.com?$select=id,userPrincipalName,assignedPlans',
    );
    expect(alice.json.userPrincipalName).toBe('alice@contoso.com');
    expect(alice.json.assignedPlans[0]).toMatchObject({ service: 'exchange', capabilityStatus: 'Enabled' });
    const byId = await h.call('GET', `/v1.0/users/${alice.json.id}/mailFolders/inbox`);
    expect(byId.json.displayName).toBe('Inbox');
    const missing = await h.call('GET', '/v1.0/users/nobody@contoso.com');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('Request_ResourceNotFound');
    const bob = await h.call('GET', '/v1.0/users/bob@contoso.com/mailboxSettings');
    expect(bob.status).toBe(404);
    expect(bob.json.error.code).toBe('MailboxNotEnabledForRESTAPI');
  });
});
