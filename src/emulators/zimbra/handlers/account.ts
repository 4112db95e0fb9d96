/** urn:zimbraAccount: GetInfoRequest and GetAccountInfoRequest. */
import type { Account } from '../model.ts';
import type { HandlerContext, SoapHandler } from '../soap-dispatch.ts';
import { attr, child, type Json } from '../soap-envelope.ts';
import { faults } from '../soap-faults.ts';
import { accountBySelector } from '../state.ts';
import { versionString } from '../versions.ts';
import { accountAttrs } from './admin.ts';
import { allPrefs } from './prefs.ts';

function used(account: Account): number {
  let total = 0;
  for (const item of account.mailbox.items.values()) total += item.size;
  return total;
}

function getInfo(request: Json, ctx: HandlerContext): Json {
  const account = ctx.target;
  if (!account) throw faults.authRequired();
  const { state, claims, now } = ctx;
  const sections = attr(request, 'sections')
    ?.split(',')
    .map((s) => s.trim());
  const wants = (section: string): boolean => !sections || sections.includes(section);
  const attrs = accountAttrs(state, account);
  const response: Json = {
    version: versionString(state.directory.version),
    id: account.id,
    name: account.email,
    lifetime: claims ? claims.expires - now : 0,
  };
  if (claims?.adminId) response['adminDelegated'] = true;
  response['rest'] = `${state.urls.user}/home/${account.email}`;
  if (wants('mbox')) response['used'] = used(account);
  response['cos'] = { id: attrs['zimbraCOSId']?.[0] ?? '', name: 'default' };
  if (wants('prefs')) response['prefs'] = { _attrs: allPrefs(account) };
  if (wants('attrs')) {
    const info: Record<string, string> = {
      zimbraId: account.id,
      zimbraMailQuota: '0',
      zimbraFeatureMailEnabled: 'TRUE',
    };
    if (account.displayName) info['displayName'] = account.displayName;
    response['attrs'] = { _attrs: info };
  }
  if (wants('idents')) {
    const identity: Record<string, string> = {
      zimbraPrefIdentityName: 'DEFAULT',
      zimbraPrefFromAddress: account.email,
      zimbraPrefIdentityId: account.id,
    };
    if (account.displayName) identity['zimbraPrefFromDisplay'] = account.displayName;
    response['identities'] = { identity: [{ name: 'DEFAULT', id: account.id, _attrs: identity }] };
  }
  if (wants('sigs')) response['signatures'] = {};
  if (wants('dsrcs')) response['dataSources'] = {};
  response['soapURL'] = `${state.urls.user}/service/soap/`;
  response['publicURL'] = state.urls.user;
  return response;
}

function getAccountInfo(request: Json, ctx: HandlerContext): Json {
  const value = attr(request, 'account');
  if (value === undefined) throw faults.invalidRequest('missing required attribute: account');
  const account = accountBySelector(ctx.state, attr(child(request, 'account'), 'by'), value);
  if (!account) throw faults.noSuchAccount(value);
  const info: Record<string, string> = {
    zimbraId: account.id,
    zimbraMailHost: new URL(ctx.state.urls.user).hostname,
  };
  if (account.displayName) info['displayName'] = account.displayName;
  return {
    name: [{ _content: account.email }],
    _attrs: info,
    soapURL: [{ _content: `${ctx.state.urls.user}/service/soap/` }],
    publicURL: [{ _content: ctx.state.urls.user }],
  };
}

export const accountHandlers: Record<string, SoapHandler> = {
  'urn:zimbraAccount|GetInfoRequest': { ns: 'urn:zimbraAccount', auth: 'user', handle: getInfo },
  'urn:zimbraAccount|GetAccountInfoRequest': {
    ns: 'urn:zimbraAccount',
    auth: 'user',
    handle: getAccountInfo,
  },
};
