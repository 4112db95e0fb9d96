import { z } from 'zod';

import type { App } from '../app-type.ts';

import {
  createApiToken,
  DEFAULT_TOKEN_LIFETIME_DAYS,
  listApiTokens,
  MAX_TOKEN_LIFETIME_DAYS,
  revokeApiToken,
} from '../../db/api-tokens.ts';
import { appendAudit } from '../../db/audit-log.ts';
import type { Db } from '../../db/database.ts';
import { API_TOKEN_PREFIX, hashToken, newToken } from '../../secrets/tokens.ts';
import { requireAgent } from '../auth.ts';
import { HttpError, notFound } from '../errors.ts';
import { errorResponses } from '../schemas.ts';

const tokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
  lastUsedAt: z
    .date()
    .nullable()
    .describe('To the minute: uses within a minute of the last are not recorded'),
  revokedAt: z.date().nullable(),
});

const DAY_MS = 24 * 60 * 60 * 1000;

const createTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    expiresInDays: z
      .int()
      .min(1)
      .max(MAX_TOKEN_LIFETIME_DAYS)
      .optional()
      .describe(
        `Days until the token stops working; ${DEFAULT_TOKEN_LIFETIME_DAYS} when neither this nor expiresAt is given`,
      ),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(`When the token stops working, at most ${MAX_TOKEN_LIFETIME_DAYS} days ahead`),
  })
  .refine((body) => body.expiresInDays === undefined || body.expiresAt === undefined, {
    message: 'give expiresInDays or expiresAt, not both',
  });

/** When a new token expires: in the days asked for, at the date asked for, or after the default lifetime. */
function expiryOf(body: z.infer<typeof createTokenBody>, now = Date.now()): Date {
  if (body.expiresAt === undefined)
    return new Date(now + (body.expiresInDays ?? DEFAULT_TOKEN_LIFETIME_DAYS) * DAY_MS);
  const at = new Date(body.expiresAt);
  if (at.getTime() <= now || at.getTime() > now + MAX_TOKEN_LIFETIME_DAYS * DAY_MS) {
    throw new HttpError(
      400,
      'TOKEN_EXPIRY_INVALID',
      `A token must expire in the future and within ${MAX_TOKEN_LIFETIME_DAYS} days; ${body.expiresAt} is not.`,
      { details: { field: 'expiresAt' } },
    );
  }
  return at;
}

export function tokenRoutes(app: App, { db }: { db: Db }): void {
  app.get(
    '/api/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: "The signed-in agent's personal API tokens (never their values)",
        response: { 200: z.object({ tokens: z.array(tokenSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ tokens: await listApiTokens(db, requireAgent(request).id) }),
  );

  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create a personal API token; its value is shown once, in this response',
        body: createTokenBody,
        response: { 201: z.object({ token: tokenSchema, value: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireAgent(request);
      const value = newToken(API_TOKEN_PREFIX);
      const token = await createApiToken(db, {
        agentId: agent.id,
        name: request.body.name,
        tokenHash: hashToken(value),
        prefix: value.slice(0, API_TOKEN_PREFIX.length + 6),
        expiresAt: expiryOf(request.body),
      });
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'token.created',
        target: token.name,
        details: { tokenId: token.id, expiresAt: token.expiresAt.toISOString() },
      });
      return reply.status(201).send({ token, value });
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke one of your personal API tokens',
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireAgent(request);
      if (!(await revokeApiToken(db, agent.id, request.params.id))) throw notFound('That API token');
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'token.revoked',
        target: request.params.id,
      });
      return reply.status(204).send(null);
    },
  );
}
