import { TransientError, UserError, type ErrorContext } from '../domain/errors.ts';

/** What Microsoft Graph said when a call failed, kept on every error for support cases. */
export interface GraphFailure {
  readonly status: number;
  /** Graph's own error code (`ErrorItemNotFound`, `ApplicationThrottled`, …); code against this, never the message. */
  readonly graphCode: string;
  readonly graphMessage: string;
  readonly requestId: string | undefined;
  readonly clientRequestId: string;
  readonly method: string;
  readonly path: string;
}

function describe(failure: GraphFailure): string {
  const id = failure.requestId === undefined ? '' : `, request-id ${failure.requestId}`;
  return `Microsoft Graph answered ${failure.status} ${failure.graphCode} to ${failure.method} ${failure.path}: ${failure.graphMessage} (client-request-id ${failure.clientRequestId}${id})`;
}

/** A refusal that retrying will not fix: bad request, missing permission, unknown mailbox. */
export class GraphRequestError extends UserError {
  readonly failure: GraphFailure;

  constructor(failure: GraphFailure, context: ErrorContext = {}) {
    super(`GRAPH_${failure.status}`, describe(failure), { context, details: { ...failure } });
    this.failure = failure;
  }
}

/**
 * A failure that may pass: throttling past our retry budget, 5xx, network. `mayHaveSucceeded` is
 * true when the request reached Microsoft and its outcome is unknown (a create that timed out):
 * the caller must look the item up before creating it again.
 */
export class GraphUnavailableError extends TransientError {
  readonly failure: GraphFailure | undefined;
  readonly mayHaveSucceeded: boolean;

  constructor(
    message: string,
    options: { failure?: GraphFailure; mayHaveSucceeded: boolean; cause?: unknown; retryAfterMs?: number },
  ) {
    super(
      'GRAPH_UNAVAILABLE',
      options.failure === undefined ? message : `${message} ${describe(options.failure)}`,
      {
        cause: options.cause,
        details: { ...options.failure, mayHaveSucceeded: options.mayHaveSucceeded },
        ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      },
    );
    this.failure = options.failure;
    this.mayHaveSucceeded = options.mayHaveSucceeded;
  }
}
