/**
 * SOAP request dispatch with the checks SoapEngine performs before a handler runs: token validity
 * and expiry, admin rights, the authenticated account's status (delegated tokens may act on locked
 * and closed accounts) and the target account named in the header context.
 */
import type { TokenClaims } from './auth-tokens.ts';
import type { Account } from './model.ts';
import { attr, child, envelope, isObject, type Json, requestOf, type SoapRequest } from './soap-envelope.ts';
import { faultJson, faults, ZimbraFault } from './soap-faults.ts';
import { accountById, accountBySelector, type EmulatorState } from './state.ts';

export type Port = 'user' | 'admin';

export interface HandlerContext {
  readonly state: EmulatorState;
  readonly port: Port;
  readonly claims: TokenClaims | undefined;
  readonly authAccount: Account | undefined;
  /** The mailbox the request acts on: the header's account, else the authenticated one. */
  readonly target: Account | undefined;
  readonly now: number;
}

export interface SoapHandler {
  readonly ns: 'urn:zimbraAccount' | 'urn:zimbraAdmin' | 'urn:zimbraMail';
  readonly auth: 'none' | 'user' | 'admin';
  handle(request: Json, ctx: HandlerContext): Json;
}

export type HandlerTable = ReadonlyMap<string, SoapHandler>;

export function handlerKey(ns: string, name: string): string {
  return `${ns}|${name}`;
}

export interface SoapResult {
  readonly status: number;
  readonly body: Json;
}

/** The token a SOAP request carries: header context first, then the cookie. */
export function soapToken(envelopeJson: Json, cookieToken: string | undefined): string | undefined {
  const request = requestOf(envelopeJson);
  return attr(request?.header, 'authToken') ?? cookieToken;
}

export function dispatchSoap(
  state: EmulatorState,
  handlers: HandlerTable,
  port: Port,
  envelopeJson: Json,
  cookieToken: string | undefined,
): SoapResult {
  const request = requestOf(envelopeJson);
  if (!request) return faultResult(state, {}, faults.invalidRequest('no document specified'));
  const token = attr(request.header, 'authToken') ?? cookieToken;
  if (request.name === 'BatchRequest') return batch(state, handlers, port, request, token);
  const outcome = runOne(state, handlers, port, request, token);
  if (outcome.fault) return faultResult(state, outcome.context, outcome.fault);
  return { status: 200, body: envelope(outcome.context, outcome.name, outcome.content, outcome.ns) };
}

interface Outcome {
  readonly name: string;
  readonly ns: string | undefined;
  readonly content: Json;
  readonly context: Json;
  readonly fault: ZimbraFault | undefined;
}

function runOne(
  state: EmulatorState,
  handlers: HandlerTable,
  port: Port,
  request: SoapRequest,
  token: string | undefined,
): Outcome {
  const responseName = request.name.replace(/Request$/, 'Response');
  let context: Json = {};
  const fail = (fault: ZimbraFault): Outcome => ({
    name: responseName,
    ns: request.ns,
    content: {},
    context,
    fault,
  });
  const handler = handlers.get(handlerKey(request.ns ?? '', request.name));
  if (!handler || (handler.ns === 'urn:zimbraAdmin' && port !== 'admin')) {
    return fail(faults.unknownDocument(request.name));
  }
  const now = Date.now();
  try {
    let claims: TokenClaims | undefined;
    if (token !== undefined) {
      const check = state.tokens.check(token, now);
      if (check.ok) claims = check.claims;
      else if (handler.auth !== 'none') {
        throw check.reason === 'expired' ? faults.authExpired() : faults.authRequired();
      }
    }
    if (handler.auth !== 'none') {
      if (!claims || claims.usage !== 'auth') throw faults.authRequired();
      if (handler.auth === 'admin' && !claims.admin) throw faults.permDenied('need admin token');
    }
    const authAccount = claims ? accountById(state, claims.accountId) : undefined;
    if (handler.auth !== 'none') checkAuthAccount(state, claims, authAccount);
    const target = resolveTarget(state, request, claims, authAccount, handler);
    if (target) {
      const change: Json = { token: target.mailbox.changeId };
      if (authAccount && target.id !== authAccount.id) change['acct'] = target.id;
      context = { change };
    }
    const content = handler.handle(request.body, { state, port, claims, authAccount, target, now });
    return { name: responseName, ns: handler.ns, content, context, fault: undefined };
  } catch (err) {
    return fail(
      err instanceof ZimbraFault ? err : faults.failure(err instanceof Error ? err.message : String(err)),
    );
  }
}

function checkAuthAccount(
  state: EmulatorState,
  claims: TokenClaims | undefined,
  account: Account | undefined,
): void {
  if (!claims || !account) throw faults.authExpired();
  const delegated = claims.adminId !== undefined;
  if (delegated ? account.status === 'maintenance' : account.status !== 'active') throw faults.authExpired();
  if (delegated) {
    const admin = accountById(state, claims.adminId ?? '');
    if (!admin?.isAdmin || admin.status !== 'active') throw faults.authExpired();
  }
}

function resolveTarget(
  state: EmulatorState,
  request: SoapRequest,
  claims: TokenClaims | undefined,
  authAccount: Account | undefined,
  handler: SoapHandler,
): Account | undefined {
  const selector = request.header ? child(request.header, 'account') : undefined;
  const value = attr(request.header, 'account');
  if (value === undefined || handler.auth === 'none' || handler.ns === 'urn:zimbraAdmin') return authAccount;
  const target = accountBySelector(state, selector ? attr(selector, 'by') : 'name', value);
  const admin = claims?.admin ?? false;
  if (!target) {
    throw admin ? faults.noSuchAccount(value) : faults.permDenied(`can not access account ${value}`);
  }
  if (target.id === authAccount?.id) return target;
  if (target.status === 'maintenance' || (!admin && target.status !== 'active')) {
    throw faults.accountInactive(target.email);
  }
  if (!admin) throw faults.permDenied(`can not access account ${target.email}`);
  return target;
}

function faultResult(state: EmulatorState, context: Json, fault: ZimbraFault): SoapResult {
  return { status: 500, body: envelope(context, 'Fault', faultJson(fault, state.nextTrace()), undefined) };
}

function batch(
  state: EmulatorState,
  handlers: HandlerTable,
  port: Port,
  request: SoapRequest,
  token: string | undefined,
): SoapResult {
  const stopOnError = attr(request.body, 'onerror') === 'stop';
  const response: Json = {};
  const push = (name: string, element: Json): void => {
    const list = (response[name] as Json[] | undefined) ?? [];
    list.push(element);
    response[name] = list;
  };
  let lastContext: Json = {};
  outer: for (const [name, value] of Object.entries(request.body)) {
    if (name === '_jsns' || name === 'onerror') continue;
    for (const element of Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : []) {
      const ns = typeof element['_jsns'] === 'string' ? element['_jsns'] : undefined;
      const outcome = runOne(
        state,
        handlers,
        port,
        { header: request.header, name, ns, body: element },
        token,
      );
      lastContext = outcome.context;
      const requestId = attr(element, 'requestId');
      const idPart = requestId === undefined ? {} : { requestId };
      if (outcome.fault) {
        push('Fault', { ...faultJson(outcome.fault, state.nextTrace()), ...idPart });
        if (stopOnError) break outer;
      } else {
        push(outcome.name, { ...outcome.content, ...idPart, ...(outcome.ns ? { _jsns: outcome.ns } : {}) });
      }
    }
  }
  return { status: 200, body: envelope(lastContext, 'BatchResponse', response, 'urn:zimbra') };
}
