import {
  cloudAddresses,
  graphScope,
  isKnownRegion,
  type M365Settings,
  regionNotice,
  REQUIRED_GRAPH_PERMISSIONS,
} from '../../domain/endpoint-settings.ts';
import { FerryError, TransientError } from '../../domain/errors.ts';
import { explainIdentityError } from '../../domain/identity-errors.ts';
import type { Secret } from '../../domain/secret.ts';
import { createTokenProvider } from '../../graph/token-provider.ts';
import type { Outbound } from '../../net/outbound-http.ts';
import { OUTBOUND_ADDRESS_REFUSED } from '../../net/outbound-policy.ts';
import { type EndpointCheck, type EndpointValidation, networkProblem } from './check-result.ts';

const TIMEOUT_MS = 10_000;

/**
 * Tests a Microsoft 365 endpoint (microsoft-graph.md §1–2): the tenant exists and its region
 * (openid-configuration, no sign-in needed), the application gets a token with its Client Secret,
 * and the token carries the application permissions the migration uses.
 */
export async function validateM365(
  settings: M365Settings,
  clientSecret: Secret | undefined,
  outbound: Outbound,
): Promise<EndpointValidation> {
  const { authorityUrl } = cloudAddresses(settings);
  const checks: EndpointCheck[] = [];
  let region: string | null = null;

  const tenantCheck = 'Directory (tenant) ID';
  try {
    const response = await outbound.fetch(
      `${authorityUrl}/${encodeURIComponent(settings.tenantId)}/v2.0/.well-known/openid-configuration`,
      { signal: AbortSignal.timeout(TIMEOUT_MS) },
    );
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok) {
      // Only a region Ferry knows is taken from the answer; anything else is not repeated.
      const scope = body['tenant_region_scope'];
      region = typeof scope === 'string' && isKnownRegion(scope) ? scope : null;
      checks.push({
        check: tenantCheck,
        ok: true,
        message: `The tenant ${settings.tenantId} exists${region === null ? '' : ` (region ${region})`}.`,
      });
    } else {
      // The error description is the server's text: only an AADSTS number in it is used, for our own words.
      const description = body['error_description'];
      const explained = explainIdentityError(typeof description === 'string' ? description : 'AADSTS90002');
      checks.push({
        check: tenantCheck,
        ok: false,
        code: explained?.code ?? 'TENANT_NOT_FOUND',
        message:
          explained?.problem ??
          `The identity platform at ${new URL(authorityUrl).host} does not know the tenant ${settings.tenantId}.`,
        fix: explained?.fix ?? 'Check the Directory (tenant) ID and the national cloud.',
      });
    }
  } catch (error) {
    const problem = networkProblem(error, authorityUrl);
    checks.push({ check: tenantCheck, ok: false, ...problem });
  }

  if (clientSecret === undefined) {
    checks.push({
      check: 'Client Secret',
      ok: false,
      code: 'CLIENT_SECRET_MISSING',
      message:
        'No Client Secret is entered, so the application cannot sign in: Ferry migrates with application permissions (the API Permissions approach).',
      fix: 'Create a client secret under Certificates & secrets of the app registration and enter its Value.',
    });
  } else if (checks[0]?.ok === true) {
    const tokenCheck = 'Application (client) ID and Client Secret';
    try {
      const token = await createTokenProvider(
        {
          authorityUrl,
          tenantId: settings.tenantId,
          clientId: settings.applicationId,
          credential: clientSecret,
          scope: graphScope(settings),
        },
        {
          fetch: (input, init) => outbound.fetch(input, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) }),
        },
      )(true);
      checks.push({ check: tokenCheck, ok: true, message: 'The application signed in to the tenant.' });
      checks.push(permissionCheck(token));
    } catch (error) {
      if (
        error instanceof TransientError ||
        (error instanceof FerryError && error.code === OUTBOUND_ADDRESS_REFUSED)
      ) {
        checks.push({ check: tokenCheck, ok: false, ...networkProblem(error, authorityUrl) });
      } else {
        const explained = error instanceof FerryError ? explainIdentityError(error.code) : undefined;
        checks.push({
          check: tokenCheck,
          ok: false,
          code: error instanceof FerryError ? error.code : 'IDENTITY_FAILED',
          // The token provider's messages are Ferry's own words; anything else is not repeated.
          message:
            explained?.problem ??
            (error instanceof FerryError
              ? error.message
              : 'The application could not sign in to the tenant.'),
          ...(explained === undefined ? {} : { fix: explained.fix }),
        });
      }
    }
  }
  return {
    ok: checks.every((c) => c.ok),
    checks,
    region,
    regionNotice: region === null ? null : regionNotice(region),
  };
}

/** App-only tokens list their application permissions in the `roles` claim. */
function permissionCheck(token: string): EndpointCheck {
  const check = 'Application permissions';
  let roles: string[] = [];
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      roles?: unknown;
    };
    roles = Array.isArray(payload.roles)
      ? payload.roles.filter((r): r is string => typeof r === 'string')
      : [];
  } catch {
    roles = [];
  }
  const missing = REQUIRED_GRAPH_PERMISSIONS.filter((p) => !roles.includes(p.permission));
  if (missing.length === 0)
    return { check, ok: true, message: 'Every application permission the migration needs is granted.' };
  return {
    check,
    ok: false,
    code: 'PERMISSIONS_MISSING',
    message: `The application lacks these application permissions: ${missing.map((m) => `${m.permission} (to ${m.why})`).join(', ')}.`,
    fix: 'Add them as Microsoft Graph application permissions in the app registration, then open the admin-consent link as a Global Administrator.',
  };
}
