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
