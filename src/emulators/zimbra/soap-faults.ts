/**
 * Zimbra SOAP faults (ServiceException, AccountServiceException, MailServiceException): code,
 * message text, sender/receiver side and arguments as the server builds them, encoded in the JSON
 * form of SoapJSProtocol.soapFault.
 */
export interface FaultArgument {
  readonly name: string;
  readonly type: 'IID' | 'ACCTID' | 'STR' | 'NUM';
  readonly value: string;
}

export class ZimbraFault extends Error {
  readonly code: string;
  readonly receiver: boolean;
  readonly args: readonly FaultArgument[];

  constructor(code: string, message: string, receiver = false, args: readonly FaultArgument[] = []) {
    super(message);
    this.code = code;
    this.receiver = receiver;
    this.args = args;
  }
}

const iid = (id: number | string): FaultArgument => ({ name: 'itemId', type: 'IID', value: String(id) });

export const faults = {
  authFailed: (name: string) => new ZimbraFault('account.AUTH_FAILED', `authentication failed for [${name}]`),
  twoFactorFailed: (name: string) =>
    new ZimbraFault('account.TWO_FACTOR_AUTH_FAILED', `authentication failed for [${name}]`),
  authRequired: () => new ZimbraFault('service.AUTH_REQUIRED', 'no valid authtoken present'),
  authExpired: () => new ZimbraFault('service.AUTH_EXPIRED', 'auth credentials have expired'),
  permDenied: (message: string) => new ZimbraFault('service.PERM_DENIED', `permission denied: ${message}`),
  invalidRequest: (message: string) =>
    new ZimbraFault('service.INVALID_REQUEST', `invalid request: ${message}`),
  unknownDocument: (name: string) => new ZimbraFault('service.UNKNOWN_DOCUMENT', `unknown document: ${name}`),
  parseError: (message: string) => new ZimbraFault('service.PARSE_ERROR', `parse error: ${message}`),
  failure: (message: string) => new ZimbraFault('service.FAILURE', `system failure: ${message}`, true),
  unavailable: () =>
    new ZimbraFault('service.TEMPORARILY_UNAVAILABLE', 'service temporarily unavailable', true),
  noSuchAccount: (name: string) => new ZimbraFault('account.NO_SUCH_ACCOUNT', `no such account: ${name}`),
  accountInactive: (name: string) =>
    new ZimbraFault('account.ACCOUNT_INACTIVE', `account is not active:${name}`, true),
  maintenanceMode: () => new ZimbraFault('account.MAINTENANCE_MODE', 'account is in maintenance mode', true),
  tooManySearchResults: (detail: string) =>
    new ZimbraFault(
      'account.TOO_MANY_SEARCH_RESULTS',
      `number of results exceeded the limit: ${detail}`,
      true,
    ),
  noSuchItem: (id: number | string) =>
    new ZimbraFault('mail.NO_SUCH_ITEM', `no such item: ${id}`, false, [iid(id)]),
  noSuchMsg: (id: number | string) =>
    new ZimbraFault('mail.NO_SUCH_MSG', `no such message: ${id}`, false, [iid(id)]),
  noSuchPart: (part: string) =>
    new ZimbraFault('mail.NO_SUCH_PART', `no such message part: ${part}`, false, [
      { name: 'name', type: 'STR', value: part },
    ]),
  noSuchContact: (id: number | string) =>
    new ZimbraFault('mail.NO_SUCH_CONTACT', `no such contact: ${id}`, false, [iid(id)]),
  noSuchFolderId: (id: number | string) =>
    new ZimbraFault('mail.NO_SUCH_FOLDER', `no such folder id: ${id}`, false, [iid(id)]),
  noSuchFolderPath: (path: string) =>
    new ZimbraFault('mail.NO_SUCH_FOLDER', `no such folder path: ${path}`, false, [
      { name: 'path', type: 'STR', value: path },
    ]),
  noSuchAppt: (id: number | string) =>
    new ZimbraFault('mail.NO_SUCH_APPT', `no such appointment: ${id}`, false, [iid(id)]),
  noSuchTask: (id: number | string) =>
    new ZimbraFault('mail.NO_SUCH_TASK', `no such task: ${id}`, false, [iid(id)]),
  noSuchCalItemUid: (kind: 'appointment' | 'task', uid: string) =>
    new ZimbraFault(
      kind === 'task' ? 'mail.NO_SUCH_TASK' : 'mail.NO_SUCH_APPT',
      `no such ${kind}: ${uid}`,
      false,
      [{ name: 'uid', type: 'STR', value: uid }],
    ),
  queryParseError: (query: string, token: string, column: number, parserErr: string) =>
    new ZimbraFault('mail.QUERY_PARSE_ERROR', `Couldn't parse query: ${query}`, false, [
      { name: 'curTok', type: 'STR', value: token },
      { name: 'colNo', type: 'NUM', value: String(column) },
      { name: 'parserErr', type: 'STR', value: parserErr },
    ]),
};

/** The Body.Fault JSON element of SoapJSProtocol (SOAP 1.2 names). */
export function faultJson(fault: ZimbraFault, trace: string): Record<string, unknown> {
  const error: Record<string, unknown> = { Code: fault.code, Trace: trace };
  if (fault.args.length > 0) {
    error['a'] = fault.args.map((a) => ({ n: a.name, t: a.type, _content: a.value }));
  }
  error['_jsns'] = 'urn:zimbra';
  return {
    Code: { Value: fault.receiver ? 'soap:Receiver' : 'soap:Sender' },
    Reason: { Text: fault.message },
    Detail: { Error: error },
  };
}

/** Exception ids as ServiceException.setId makes them: thread:millis:key. */
export function createTraceSource(): () => string {
  const key = Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const pool = 100000000 + Math.floor(Math.random() * 899999999);
  let thread = 100;
  return () => `qtp${pool}-${thread++}:${Date.now()}:${key}`;
}
