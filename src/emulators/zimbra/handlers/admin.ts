/** Admin directory requests: GetAccountRequest, GetAccountInfoRequest, SearchDirectoryRequest. */
import { compileLdapFilter, LdapFilterError } from '../ldap-filter.ts';
import type { Account } from '../model.ts';
import type { HandlerContext, SoapHandler } from '../soap-dispatch.ts';
import { attr, boolAttr, child, intAttr, type Json } from '../soap-envelope.ts';
import { faults } from '../soap-faults.ts';
import { accountBySelector, type EmulatorState } from '../state.ts';

const DEFAULT_COS_ID = 'e00428a1-0c00-11d9-836a-000d93afea2a';
const DEFAULT_MAX_RESULTS = 5000;

/** The LDAP attributes of an account as `zmprov ga` would show them. */
export function accountAttrs(state: EmulatorState, account: Account): Record<string, string[]> {
  const [local = ''] = account.email.split('@');
  const attrs: Record<string, string[]> = {
    objectClass: ['inetOrgPerson', 'zimbraAccount', 'amavisAccount'],
    uid: [local],
    mail: [account.email],
    cn: [account.displayName ?? local],
    zimbraId: [account.id],
    zimbraMailDeliveryAddress: [account.email],
    zimbraAccountStatus: [account.status],
    zimbraMailStatus: ['enabled'],
    zimbraMailHost: [new URL(state.urls.user).hostname],
    zimbraCOSId: [DEFAULT_COS_ID],
    zimbraMailQuota: ['0'],
    zimbraAuthTokenLifetime: [`${Math.round(state.lifetimes.userMs / 1000)}s`],
  };
  if (account.displayName) attrs['displayName'] = [account.displayName];
  if (account.isAdmin) attrs['zimbraIsAdminAccount'] = ['TRUE'];
  if (account.twoFactor) attrs['zimbraFeatureTwoFactorAuthRequired'] = ['TRUE'];
  return attrs;
}

function attrList(state: EmulatorState, account: Account, wanted: string | undefined): Json[] {
  const names = wanted
    ?.split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const all = accountAttrs(state, account);
  return Object.entries(all)
    .filter(([n]) => !names || names.some((w) => w.toLowerCase() === n.toLowerCase()))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([n, values]) => values.map((v) => ({ n, _content: v })));
}

function target(request: Json, ctx: HandlerContext): Account {
  const selector = child(request, 'account');
  const value = attr(request, 'account');
  if (value === undefined) throw faults.invalidRequest('missing required attribute: account');
  const account = accountBySelector(ctx.state, attr(selector, 'by'), value);
  if (!account) throw faults.noSuchAccount(value);
  return account;
}

function accountEntry(state: EmulatorState, account: Account, wanted: string | undefined): Json {
  return { name: account.email, id: account.id, a: attrList(state, account, wanted) };
}

function searchDirectory(request: Json, ctx: HandlerContext): Json {
  const { state } = ctx;
  const types = (attr(request, 'types') ?? 'accounts').split(',').map((t) => t.trim());
  const domain = attr(request, 'domain')?.toLowerCase();
  let matches: (lookup: (name: string) => readonly string[]) => boolean;
  try {
    matches = compileLdapFilter(attr(request, 'query') ?? '');
  } catch (err) {
    throw faults.invalidRequest(err instanceof LdapFilterError ? err.message : 'invalid query');
  }
  const found = types.includes('accounts')
    ? [...state.directory.accounts.values()].filter((account) => {
        if (domain && account.email.split('@')[1] !== domain) return false;
        const attrs = accountAttrs(state, account);
        return matches(
          (name) => Object.entries(attrs).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? [],
        );
      })
    : [];
  const maxResults = intAttr(request, 'maxResults') ?? DEFAULT_MAX_RESULTS;
  if (maxResults > 0 && found.length > maxResults) {
    throw faults.tooManySearchResults(`${found.length} > ${maxResults}`);
  }
  const ascending = attr(request, 'sortAscending') === undefined || boolAttr(request, 'sortAscending');
  const sortKey = (a: Account): string =>
    attr(request, 'sortBy') === 'displayName' ? (a.displayName ?? '') : a.email;
  found.sort(
    (a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0) * (ascending ? 1 : -1),
  );
  const offset = Math.max(0, intAttr(request, 'offset') ?? 0);
  const limit = intAttr(request, 'limit') ?? 0;
  const page = limit > 0 ? found.slice(offset, offset + limit) : found.slice(offset);
  const response: Json = { more: offset + page.length < found.length, searchTotal: found.length };
  if (page.length > 0) {
    response['account'] = page.map((a) => ({
      ...accountEntry(state, a, attr(request, 'attrs')),
      isExternal: false,
    }));
  }
  return response;
}

function getAccountInfo(request: Json, ctx: HandlerContext): Json {
  const account = target(request, ctx);
  const { state } = ctx;
  const attrs = accountAttrs(state, account);
  return {
    name: [{ _content: account.email }],
    a: ['zimbraId', 'zimbraMailHost'].map((n) => ({ n, _content: attrs[n]?.[0] ?? '' })),
    cos: { id: DEFAULT_COS_ID, name: 'default' },
    soapURL: [{ _content: `${state.urls.user}/service/soap/` }],
    adminSoapURL: [{ _content: `${state.urls.admin}/service/admin/soap/` }],
    publicMailURL: [{ _content: state.urls.user }],
  };
}

export const adminHandlers: Record<string, SoapHandler> = {
  'urn:zimbraAdmin|GetAccountRequest': {
    ns: 'urn:zimbraAdmin',
    auth: 'admin',
    handle: (request, ctx) => ({
      account: [accountEntry(ctx.state, target(request, ctx), attr(request, 'attrs'))],
    }),
  },
  'urn:zimbraAdmin|GetAccountInfoRequest': { ns: 'urn:zimbraAdmin', auth: 'admin', handle: getAccountInfo },
  'urn:zimbraAdmin|SearchDirectoryRequest': { ns: 'urn:zimbraAdmin', auth: 'admin', handle: searchDirectory },
};
