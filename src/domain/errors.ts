/**
 * Ferry's error taxonomy. Every error carries a stable `code`, a message written for a migration
 * admin, and the context (user, mailbox, item, folder) it concerns.
 *
 * - UserError: bad input or configuration the admin must fix (bad CSV row, wrong password). Never retried.
 * - TransientError: the network, throttling or a busy server. Retried with backoff.
 * - BugError: a broken invariant in Ferry itself.
 */
export const ERROR_KINDS = ['user', 'transient', 'bug'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorContext {
  readonly agentId?: string;
  readonly workgroupId?: string;
  readonly projectId?: string;
  readonly mailboxId?: string;
  readonly user?: string;
  readonly itemId?: string;
  readonly folderPath?: string;
  readonly [key: string]: unknown;
}

export interface FerryErrorOptions {
  readonly cause?: unknown;
  readonly context?: ErrorContext;
  /** Extra machine-readable facts, returned to API clients as `details`. */
  readonly details?: Record<string, unknown>;
}

export abstract class FerryError extends Error {
  abstract readonly kind: ErrorKind;
  readonly code: string;
  readonly context: ErrorContext;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = options.context ?? {};
    this.details = options.details ?? {};
  }
}

export class UserError extends FerryError {
  readonly kind = 'user';
}

export class TransientError extends FerryError {
  readonly kind = 'transient';
  /** How long the remote side asked us to wait, when it said so (Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: FerryErrorOptions & { retryAfterMs?: number } = {}) {
    super(code, message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

export class BugError extends FerryError {
  readonly kind = 'bug';
}

/**
 * A refusal that concerns the whole mailbox, not one item: the destination mailbox is full, the
 * app's credentials or consent were withdrawn, the source account was locked. The pass stops the
 * mailbox at once with this one message instead of failing every item the same way.
 */
export class MailboxError extends UserError {}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * A network failure that escaped a client's own retries (undici's "terminated" when a connection
 * breaks while a body is read, "fetch failed", a reset) as the transient error it is, so that it is
 * retried and, if it persists, reported as a connection problem rather than as a bug.
 */
export function networkFailureIn(error: unknown): TransientError | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    const raw = (current as { code?: unknown }).code;
    const code = typeof raw === 'string' ? raw : undefined;
    const network =
      (code !== undefined && NETWORK_CODES.has(code)) ||
      (current instanceof TypeError &&
        (current.message === 'terminated' || current.message === 'fetch failed'));
    if (network) {
      return new TransientError(
        'NETWORK_ERROR',
        `The connection broke off (${code ?? current.message}); the item will be tried again.`,
        { cause: error },
      );
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * The UserError somewhere in an error's cause chain: fetch wraps what refused a connection (the
 * outbound policy) in a "fetch failed" TypeError, and that refusal must not be retried as a network
 * failure.
 */
export function userErrorIn(error: unknown): UserError | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof UserError) return current;
    current = current.cause;
  }
  return undefined;
}

/** Turns anything caught into an Error, so every catch boundary can rely on `.message`. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}
