import type { RateLimitOptions } from '@fastify/rate-limit';

import { HttpError } from '../errors.ts';

const VALIDATIONS_PER_MINUTE = 10;

/**
 * Each validation makes Ferry connect to the addresses an agent entered: at most 10 a minute per
 * agent, so Validate cannot be used to sweep a network.
 */
export const validationRateLimit: RateLimitOptions = {
  max: VALIDATIONS_PER_MINUTE,
  timeWindow: '1 minute',
  keyGenerator: (request) => request.agent?.id ?? request.ip,
  errorResponseBuilder: (_request, context) =>
    new HttpError(
      429,
      'RATE_LIMITED',
      `Endpoints can be validated at most ${VALIDATIONS_PER_MINUTE} times a minute per agent (each validation connects to the servers). Try again in ${context.after}.`,
      { headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) } },
    ),
};
