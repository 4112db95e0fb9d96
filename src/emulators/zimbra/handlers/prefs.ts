/** GetPrefsRequest, GetSignaturesRequest and the preference map shared with AuthRequest and GetInfoRequest. */
import type { Account } from '../model.ts';
import type { SoapHandler } from '../soap-dispatch.ts';
import { attr, children, type Json } from '../soap-envelope.ts';

/**
 * Defaults of the out-of-office, forwarding and search preferences (zimbra-attrs.xml), overridden
 * by prefs.json. Unset attributes without a default (the reply texts, dates, forwarding address,
 * signature ids) are absent from GetPrefsResponse, as GetPrefs.java only returns set values.
 */
const DEFAULT_PREFS: Record<string, string> = {
  zimbraPrefOutOfOfficeReplyEnabled: 'FALSE',
  zimbraPrefOutOfOfficeExternalReplyEnabled: 'FALSE',
  zimbraPrefOutOfOfficeSuppressExternalReply: 'FALSE',
  zimbraPrefExternalSendersType: 'ALL',
  zimbraPrefMailLocalDeliveryDisabled: 'FALSE',
  zimbraPrefOutOfOfficeFreeBusyStatus: 'OUTOFOFFICE',
  zimbraPrefOutOfOfficeStatusAlertOnLogin: 'TRUE',
  zimbraPrefOutOfOfficeCacheDuration: '7d',
  zimbraPrefIncludeTrashInSearch: 'FALSE',
  zimbraPrefIncludeSpamInSearch: 'FALSE',
  zimbraPrefTimeZoneId: 'UTC',
  zimbraPrefLocale: 'en_US',
  zimbraPrefMailPollingInterval: '5m',
  zimbraPrefGroupMailBy: 'conversation',
};

export function allPrefs(account: Account): Record<string, string | string[]> {
  return { ...DEFAULT_PREFS, ...account.mailbox.prefs };
}

/** The prefs named in `pref` children (all of them when none are named). */
export function prefsOf(account: Account, request: Json): Record<string, string | string[]> {
  const all = allPrefs(account);
  const names = children(request, 'pref')
    .map((p) => attr(p, 'name'))
    .filter((n): n is string => n !== undefined);
  if (names.length === 0) return all;
  const selected: Record<string, string | string[]> = {};
  for (const name of names) {
    const value = all[name];
    if (value !== undefined) selected[name] = value;
  }
  return selected;
}

export const prefsHandlers: Record<string, SoapHandler> = {
  'urn:zimbraAccount|GetPrefsRequest': {
    ns: 'urn:zimbraAccount',
    auth: 'user',
    handle: (request, ctx) => (ctx.target ? { _attrs: prefsOf(ctx.target, request) } : {}),
  },
  // GetSignaturesResponse: `signature[] {id, name, content[] {type, _content}}` (zimbra.md §10;
  // soap.txt GetSignaturesRequest); no signature element at all when the account has none.
  'urn:zimbraAccount|GetSignaturesRequest': {
    ns: 'urn:zimbraAccount',
    auth: 'user',
    handle: (_request, ctx) => {
      const signatures = ctx.target?.mailbox.signatures ?? [];
      return signatures.length > 0 ? { signature: signatures } : {};
    },
  },
};
