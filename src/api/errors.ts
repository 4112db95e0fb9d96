import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

import { FerryError } from '../domain/errors.ts';

/** Errors the HTTP layer raises itself. Every API error leaves as {"error":{"code","message","details"}}. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}

export const unauthenticated = () =>
  new HttpError(
    401,
    'UNAUTHENTICATED',
    'Sign in first, or send a personal API token as "Authorization: Bearer …".',
  );
export const forbidden = (message = 'Your role does not allow this.') =>
  new HttpError(403, 'FORBIDDEN', message);
export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} was not found.`);

/** The one table from Ferry error codes to HTTP statuses; unlisted user errors are 400. */
const STATUS_BY_CODE: Record<string, number> = {
  SECRET_UNREADABLE: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export function errorBody(code: string, message: string, details: Record<string, unknown> = {}): ErrorBody {
  return { error: { code, message, details } };
}

export interface Problem {
  readonly field: string;
  readonly message: string;
}

/** 400 naming each bad field, in the shape schema validation and the input guard share. */
export function validationFailed(problems: readonly Problem[], part: string): HttpError {
  return new HttpError(
    400,
    'VALIDATION_FAILED',
    `The request is invalid: ${problems.map((p) => `${p.field || part} ${p.message}`).join('; ')}.`,
    { details: { problems, in: part } },
  );
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof HttpError) {
    void reply
      .status(error.statusCode)
      .headers(error.headers)
      .send(errorBody(error.code, error.message, error.details));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const problems = error.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: v.message ?? 'is invalid',
    }));
    handleError(validationFailed(problems, error.validationContext ?? 'body'), request, reply);
    return;
  }
  if (error instanceof FerryError) {
    const status =
      STATUS_BY_CODE[error.code] ?? (error.kind === 'user' ? 400 : error.kind === 'transient' ? 503 : 500);
    if (status >= 500) request.log.error({ err: error }, error.message);
    void reply.status(status).send(errorBody(error.code, error.message, error.details));
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500) {
    const code = fastifyError.statusCode === 429 ? 'RATE_LIMITED' : (fastifyError.code ?? 'BAD_REQUEST');
    void reply.status(fastifyError.statusCode).send(errorBody(code, fastifyError.message));
    return;
  }
  request.log.error({ err: error }, 'unexpected error');
  void reply.status(500).send(
    errorBody('INTERNAL', 'Ferry hit an unexpected error; the server log has the details.', {
      requestId: request.id,
    }),
  );
}
