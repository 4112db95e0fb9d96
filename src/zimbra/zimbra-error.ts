import { MailboxError, TransientError, UserError, type ErrorContext } from '../domain/errors.ts';

/** Fault codes that pass with time (zimbra.md §1.5): retried with backoff. */
const TRANSIENT_CODES = new Set([
  'service.TEMPORARILY_UNAVAILABLE',
  'service.PROXY_ERROR',
  'service.FAILURE',
  'mail.TRY_AGAIN',
  'mail.MAINTENANCE',
  'account.MAINTENANCE_MODE',
]);

/** What an admin should do about a fault, in plain words. */
const ADVICE: Record<string, string> = {
  'account.AUTH_FAILED':
    'Zimbra refused the username or password. Check the credentials (and that the account is an admin for admin mode); the account may also be locked.',
  'account.NO_SUCH_ACCOUNT': 'Zimbra has no account with this name. Check the source username for typos.',
  'service.PERM_DENIED':
    'Zimbra denied access. In admin mode the account must be a Global Administrator (zimbraIsAdminAccount TRUE).',
  'account.ACCOUNT_INACTIVE':
    'The Zimbra account is locked or closed; use admin mode, which can still read it.',
  'account.TWO_FACTOR_AUTH_FAILED':
    'The account uses two-factor authentication; use admin mode (delegated access).',
  'account.TWO_FACTOR_SETUP_REQUIRED':
    'The account must set up two-factor authentication; use admin mode instead.',
  'mail.MAINTENANCE':
    'The Zimbra mailbox is in maintenance (being moved, restored or reindexed); Ferry retries later.',
};

/** Ferry's own words for a fault code it knows, or undefined. */
export function faultAdvice(code: string): string | undefined {
  return Object.hasOwn(ADVICE, code) ? ADVICE[code] : undefined;
}

export interface ZimbraFault {
  readonly code: string;
  readonly reason: string;
  readonly request: string;
}

function message(fault: ZimbraFault): string {
  const advice = ADVICE[fault.code];
  return `Zimbra answered ${fault.request} with ${fault.code}: ${fault.reason}${advice === undefined ? '' : `. ${advice}`}`;
}

export class ZimbraFaultError extends UserError {
  readonly fault: ZimbraFault;

  constructor(fault: ZimbraFault, context: ErrorContext = {}) {
    super(fault.code, message(fault), { context, details: { ...fault } });
    this.fault = fault;
  }
}

export class ZimbraUnavailableError extends TransientError {
  constructor(what: string, options: { cause?: unknown; context?: ErrorContext; fault?: ZimbraFault } = {}) {
    super('ZIMBRA_UNAVAILABLE', options.fault === undefined ? what : `${what} ${message(options.fault)}`, {
      cause: options.cause,
      context: options.context ?? {},
      details: { ...options.fault },
    });
  }
}

export function isTransientFault(code: string): boolean {
  return TRANSIENT_CODES.has(code);
}

/** Faults about the account, not an item: every later request of the mailbox would meet them too. */
const ACCOUNT_CODES = new Set([
  'account.AUTH_FAILED',
  'account.NO_SUCH_ACCOUNT',
  'account.ACCOUNT_INACTIVE',
  'account.TWO_FACTOR_AUTH_FAILED',
  'account.TWO_FACTOR_SETUP_REQUIRED',
  'service.PERM_DENIED',
]);

/**
 * A fault that concerns the whole source account (locked, closed, credentials withdrawn) as the
 * MailboxError it is, so the pass stops the mailbox once instead of failing each of its items.
 */
export function asMailboxError(error: unknown): unknown {
  if (!(error instanceof ZimbraFaultError) || !ACCOUNT_CODES.has(error.fault.code)) return error;
  return new MailboxError(error.code, error.message, {
    cause: error,
    context: error.context,
    details: error.details,
  });
}
