import type { RateLimitOptions } from '@fastify/rate-limit';

import { HttpError } from './errors.ts';

/**
 * A limit per signed-in agent (per IP before sign-in) for routes that make Ferry reach out to
 * hosts an agent typed in: `what` says what is limited and why, for the 429's message.
 */
export function perAgentRateLimit(perMinute: number, what: string): RateLimitOptions {
  return {
    max: perMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) => request.agent?.id ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        'RATE_LIMITED',
        `${what} at most ${perMinute} times a minute per agent. Try again in ${context.after}.`,
        { headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) } },
      ),
  };
}

/**
 * Each validation makes Ferry connect to the addresses an agent entered: at most 10 a minute per
 * agent, so Validate cannot be used to sweep a network.
 */
export const validationRateLimit = perAgentRateLimit(
  10,
  'Endpoints can be validated (each validation connects to the servers)',
);
