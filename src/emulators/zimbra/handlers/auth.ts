/** AuthRequest (urn:zimbraAccount and urn:zimbraAdmin) and DelegateAuthRequest. */
import type { Account } from '../model.ts';
import type { HandlerContext, SoapHandler } from '../soap-dispatch.ts';
import { attr, child, intAttr, type Json } from '../soap-envelope.ts';
import { faults } from '../soap-faults.ts';
import { accountBySelector } from '../state.ts';
import { atLeast } from '../versions.ts';
import { prefsOf } from './prefs.ts';

/** Lifetime of the limited token returned by the first two-factor step. */
const TWO_FACTOR_TOKEN_MS = 10 * 60 * 1000;

function tokenJson(token: string, lifetime: number): Json {
  return { authToken: [{ _content: token }], lifetime };
}

function selectorOf(request: Json): { by: string | undefined; value: string | undefined } {
  const account = child(request, 'account');
  return { by: attr(account, 'by'), value: attr(request, 'account') ?? attr(request, 'name') };
}

/**
 * The account a password sign-in names, or the fault Zimbra gives: AUTH_FAILED for a wrong
 * password and for locked/closed accounts alike (no account harvesting), MAINTENANCE_MODE apart.
 */
function passwordAccount(
  request: Json,
  state: HandlerContext['state'],
  by: string | undefined,
  name: string,
) {
  const account = accountBySelector(state, by, name);
  const password = attr(request, 'password');
  if (!account || password === undefined || password !== account.password) throw faults.authFailed(name);
  if (account.status === 'maintenance') throw faults.maintenanceMode();
  if (account.status !== 'active') throw faults.authFailed(name);
  return account;
}

function userAuth(request: Json, ctx: HandlerContext): Json {
  const { state, now } = ctx;
  const { by, value } = selectorOf(request);
  const existing = attr(request, 'authToken');
  if (existing !== undefined) {
    const check = state.tokens.check(existing, now);
    if (!check.ok) throw check.reason === 'expired' ? faults.authExpired() : faults.authRequired();
    if (check.claims.usage === '2fa') throw faults.twoFactorFailed(value ?? '');
    return { ...tokenJson(existing, check.claims.expires - now), skin: [{ _content: 'harmony' }] };
  }
  const name = value ?? '';
  const account = passwordAccount(request, state, by, name);
  if (account.twoFactor && atLeast(state.directory.version, 8, 7)) {
    const limited = state.tokens.issue({
      accountId: account.id,
      expires: now + TWO_FACTOR_TOKEN_MS,
      admin: false,
      adminId: undefined,
      usage: '2fa',
    });
    return {
      ...tokenJson(limited, TWO_FACTOR_TOKEN_MS),
      twoFactorAuthRequired: { _content: 'true' },
      trustedDevicesEnabled: { _content: 'false' },
    };
  }
  const lifetime = state.lifetimes.userMs;
  const token = state.tokens.issue({
    accountId: account.id,
    expires: now + lifetime,
    admin: false,
    adminId: undefined,
    usage: 'auth',
  });
  const response: Json = { ...tokenJson(token, lifetime), skin: [{ _content: 'harmony' }] };
  const wanted = child(request, 'prefs');
  if (wanted) response['prefs'] = { _attrs: prefsOf(account, wanted) };
  return response;
}

function adminAuth(request: Json, ctx: HandlerContext): Json {
  const { state, now } = ctx;
  const { by, value } = selectorOf(request);
  const name = value ?? '';
  const account = passwordAccount(request, state, by, name);
  if (!account.isAdmin) throw faults.permDenied('not an admin account');
  const lifetime = state.lifetimes.adminMs;
  const token = state.tokens.issue({
    accountId: account.id,
    expires: now + lifetime,
    admin: true,
    adminId: undefined,
    usage: 'auth',
  });
  return tokenJson(token, lifetime);
}

function delegateAuth(request: Json, ctx: HandlerContext): Json {
  const { state, now, authAccount } = ctx;
  const { by, value } = selectorOf(request);
  if (value === undefined) throw faults.invalidRequest('missing required attribute: account');
  const account: Account | undefined = accountBySelector(state, by, value);
  if (!account) throw faults.noSuchAccount(value);
  // zm-mailbox service/admin/DelegateAuth.java: the token expires at min(requested, the account's
  // zimbraAuthTokenLifetime), but the response's `lifetime` echoes the requested value (default 1 h).
  const durationSec = intAttr(request, 'duration');
  const requested =
    durationSec !== undefined && durationSec > 0 ? durationSec * 1000 : state.lifetimes.delegatedMs;
  const token = state.tokens.issue({
    accountId: account.id,
    expires: now + Math.min(requested, state.lifetimes.userMs),
    admin: false,
    adminId: authAccount?.id,
    usage: 'auth',
  });
  return tokenJson(token, requested);
}

export const authHandlers: Record<string, SoapHandler> = {
  'urn:zimbraAccount|AuthRequest': { ns: 'urn:zimbraAccount', auth: 'none', handle: userAuth },
  'urn:zimbraAdmin|AuthRequest': { ns: 'urn:zimbraAdmin', auth: 'none', handle: adminAuth },
  'urn:zimbraAdmin|DelegateAuthRequest': { ns: 'urn:zimbraAdmin', auth: 'admin', handle: delegateAuth },
};
