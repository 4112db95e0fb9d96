import {
  SETTINGS_PREFS,
  type SourceFilterRule,
  type SourceMailboxSettings,
  type SourceSignature,
} from '../domain/mailbox-settings.ts';
import { children, type JsonElement, text } from './json-element.ts';
import { prefsRequest, readPref } from './prefs.ts';

type Call = (
  request: string,
  body: Record<string, unknown>,
  namespace: 'urn:zimbraMail' | 'urn:zimbraAccount',
) => Promise<JsonElement>;

/**
 * Filters (GetFilterRulesRequest, GetOutgoingFilterRulesRequest: `filterRules[0].filterRule[]`,
 * zimbra.md §9), the out-of-office, forwarding and signature preferences (GetPrefsRequest) and
 * the signatures (GetSignaturesRequest, zimbra.md §10), each read on the mailbox's own session.
 */
export async function readMailboxSettings(call: Call): Promise<SourceMailboxSettings> {
  const [incoming, outgoing, prefs, signatures] = await Promise.all([
    call('GetFilterRulesRequest', {}, 'urn:zimbraMail'),
    call('GetOutgoingFilterRulesRequest', {}, 'urn:zimbraMail'),
    call('GetPrefsRequest', prefsRequest(...SETTINGS_PREFS), 'urn:zimbraAccount'),
    call('GetSignaturesRequest', {}, 'urn:zimbraAccount'),
  ]);
  const values: Record<string, string> = {};
  for (const name of SETTINGS_PREFS) {
    const value = readPref(prefs, name);
    if (value !== undefined) values[name] = value;
  }
  return {
    filterRules: rulesOf(incoming),
    outgoingFilterRules: rulesOf(outgoing),
    prefs: values,
    signatures: children(signatures, 'signature').map(signatureOf),
  };
}

function rulesOf(response: JsonElement): SourceFilterRule[] {
  return children(response, 'filterRules').flatMap((list) => children(list, 'filterRule'));
}

function signatureOf(signature: JsonElement): SourceSignature {
  const content = (type: string) => {
    const part = children(signature, 'content').find((c) => text(c, 'type') === type);
    const value = text(part, '_content');
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  return {
    id: text(signature, 'id') ?? '',
    name: text(signature, 'name') ?? '',
    html: content('text/html'),
    text: content('text/plain'),
  };
}
