import { randomUUID } from 'node:crypto';

/** A Graph failure: thrown by handlers, turned into Microsoft's error body by the dispatcher. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  /** `innerError.code` and fields beside `error` some answers carry (e.g. nextExpectedRanges). */
  readonly extra: { readonly innerCode?: string; readonly body?: Readonly<Record<string, unknown>> };

  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    extra: GraphError['extra'] = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.extra = extra;
  }
}

/** What one Graph request answered; `body` is JSON unless it is a Buffer. */
export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** Graph's `date` in innerError: UTC without offset or fraction. */
export function innerErrorDate(now = new Date()): string {
  return now.toISOString().slice(0, 19);
}

export function graphErrorBody(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
): unknown {
  return {
    error: {
      code,
      message,
      innerError: { date: innerErrorDate(), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}

export function errorResponse(error: GraphError, requestId: string, clientRequestId: string): GraphResponse {
  const body = graphErrorBody(error.code, error.message, requestId, clientRequestId) as {
    error: { innerError: Record<string, unknown> };
  };
  if (error.extra.innerCode !== undefined) {
    body.error.innerError = { code: error.extra.innerCode, ...body.error.innerError };
  }
  return {
    status: error.status,
    headers: { ...error.headers, 'Content-Type': 'application/json' },
    body: { ...body, ...error.extra.body },
  };
}

export function newRequestId(): string {
  return randomUUID();
}

export const notFound = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const badRequest = (message: string, code = 'ErrorInvalidRequest'): GraphError =>
  new GraphError(400, code, message);

/** Exchange's answer to a rejected calendar or recurrence value [O: issue threads]. */
export const validationFailure = (): GraphError =>
  new GraphError(400, 'ErrorPropertyValidationFailure', 'At least one property failed validation.');

/** Graph's answer for a segment it does not know, e.g. importMime on /v1.0. */
export const unknownSegment = (segment: string): GraphError =>
  new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);

/** A request value as text for messages and enum checks (objects as JSON, never "[object Object]"). */
export function show(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}
