import { randomUUID } from 'node:crypto';
import { checkClientAssertion } from './client-assertion.ts';
import type { Directory } from './directory.ts';
import type { GraphResponse } from './errors.ts';
import type { TokenStore } from './tokens.ts';

const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** Microsoft identity platform's error body: `error`, AADSTS text with trace ids, `error_codes`. */
function aadError(status: number, error: string, code: number, text: string): GraphResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const now = new Date();
  const timestamp = `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-cache' },
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

const tenantNotFound = (tenant: string): GraphResponse =>
  aadError(
    400,
    'invalid_request',
    90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );

/** Answers /{tenant}/oauth2/v2.0/token and /{tenant}/v2.0/.well-known/openid-configuration. */
export function handleIdentity(
  method: string,
  path: string,
  body: Buffer,
  directory: Directory,
  tokens: TokenStore,
  baseUrl: string,
): GraphResponse | undefined {
  const match = /^\/([^/]+)\/(oauth2\/v2\.0\/token|v2\.0\/\.well-known\/openid-configuration)$/.exec(path);
  if (match?.[1] === undefined) return undefined;
  const tenantKey = decodeURIComponent(match[1]);
  const tenant = directory.tenant(tenantKey);
  if (match[2] !== 'oauth2/v2.0/token') {
    if (method !== 'GET') return undefined;
    if (tenant === undefined) {
      const response = tenantNotFound(tenantKey);
      return { ...response, body: { ...(response.body as object), error: 'invalid_tenant' } };
    }
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: openIdConfiguration(tenant.id, tenant.region, baseUrl),
    };
  }
  if (method !== 'POST') return undefined;
  if (tenant === undefined) return tenantNotFound(tenantKey);
  const form = new URLSearchParams(body.toString('utf8'));
  const clientId = form.get('client_id');
  if (clientId === null || clientId === '') {
    return aadError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const app = directory.app(tenant, clientId);
  if (app === undefined) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantKey}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const grantType = form.get('grant_type');
  const scope = form.get('scope');
  if (grantType !== 'client_credentials' && grantType !== 'password') {
    return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  }
  if (scope === null || scope.trim() === '') {
    return aadError(
      400,
      'invalid_request',
      90014,
      "The required field 'scope' is missing from the credential.",
    );
  }
  const scopes = scope
    .split(/\s+/)
    .filter((s) => s !== '' && s !== 'offline_access' && s !== 'openid' && s !== 'profile');
  if (!scopes.every((s) => s === `${GRAPH_RESOURCE}/.default` || s === `${GRAPH_RESOURCE}//.default`)) {
    return aadError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    const refused = checkClientAssertion(form, assertion, app, tenantKey);
    if (refused !== undefined) return aadError(401, 'invalid_client', refused.code, refused.message);
  } else if (grantType === 'client_credentials' || secret !== null) {
    if (secret === null || secret === '') {
      return aadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (secret !== app.secret) {
      return aadError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    }
    if (app.secretExpiresAt !== undefined && Date.parse(app.secretExpiresAt) <= Date.now()) {
      return aadError(
        401,
        'invalid_client',
        7000222,
        `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      );
    }
  }
  const permissions = new Set(app.permissions);
  if (grantType === 'client_credentials') {
    return tokenResponse(
      tokens.issue({ tenantId: tenant.id, clientId: app.clientId, permissions }),
      tokens.lifetimeSec,
      false,
    );
  }
  const username = form.get('username') ?? '';
  const user = directory.user(tenant.id, username);
  if (user === undefined) {
    return aadError(
      400,
      'invalid_grant',
      50034,
      `The user account {EUII Hidden} does not exist in the ${tenant.id} directory. To sign into this application, the account must be added to the directory.`,
    );
  }
  if (user.password === undefined || form.get('password') !== user.password) {
    return aadError(
      400,
      'invalid_grant',
      50126,
      'Error validating credentials due to invalid username or password.',
    );
  }
  if (user.mfa) {
    return aadError(
      400,
      'invalid_grant',
      50076,
      "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
    );
  }
  const token = tokens.issue({ tenantId: tenant.id, clientId: app.clientId, permissions, userId: user.id });
  return tokenResponse(token, tokens.lifetimeSec, true);
}

function tokenResponse(token: string, lifetimeSec: number, delegated: boolean): GraphResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-cache' },
    body: {
      token_type: 'Bearer',
      ...(delegated ? { scope: 'https://graph.microsoft.com/.default' } : {}),
      expires_in: lifetimeSec,
      ext_expires_in: lifetimeSec,
      access_token: token,
    },
  };
}

function openIdConfiguration(tenantId: string, region: string, baseUrl: string): Record<string, unknown> {
  return {
    token_endpoint: `${baseUrl}/${tenantId}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${baseUrl}/${tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${baseUrl}/${tenantId}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${baseUrl}/${tenantId}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${baseUrl}/${tenantId}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${baseUrl}/${tenantId}/kerberos`,
    tenant_region_scope: region,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}
