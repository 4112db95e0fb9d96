import { z } from 'zod';

import type { App } from '../app-type.ts';

import { createApiToken, listApiTokens, revokeApiToken } from '../../db/api-tokens.ts';
import { appendAudit } from '../../db/audit-log.ts';
import type { Db } from '../../db/database.ts';
import { API_TOKEN_PREFIX, hashToken, newToken } from '../../secrets/tokens.ts';
import { requireAgent } from '../auth.ts';
import { notFound } from '../errors.ts';
import { errorResponses } from '../schemas.ts';

const tokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

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
        body: z.object({ name: z.string().trim().min(1).max(100) }),
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
      });
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'token.created',
        target: token.name,
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
