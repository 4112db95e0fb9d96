import { z } from 'zod';

import type { App } from '../app-type.ts';

import { countAgents } from '../../db/agents.ts';
import type { Db } from '../../db/database.ts';
import { consumeSetupToken } from '../../db/setup-tokens.ts';
import { hashToken } from '../../secrets/tokens.ts';
import { startSession } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { createFirstAdministrator } from '../first-administrator.ts';
import { agentSchema, errorResponses, newPasswordSchema } from '../schemas.ts';

export interface SetupDeps {
  readonly db: Db;
  readonly secureCookies: boolean;
}

export const newAdministratorSchema = z.object({
  workgroupName: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  password: newPasswordSchema,
});

export function setupRoutes(app: App, { db, secureCookies }: SetupDeps): void {
  app.get(
    '/api/setup',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Whether Ferry still needs its first Administrator',
        response: { 200: z.object({ needed: z.boolean() }) },
      },
    },
    async () => ({ needed: (await countAgents(db)) === 0 }),
  );

  app.post(
    '/api/setup',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Create the first Administrator and workgroup with the one-time setup link',
        body: newAdministratorSchema.extend({ token: z.string().min(1) }),
        response: { 201: z.object({ agent: agentSchema, csrfToken: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { token, ...administrator } = request.body;
      if ((await countAgents(db)) > 0) {
        throw new HttpError(409, 'SETUP_DONE', 'Ferry already has an Administrator; sign in instead.');
      }
      if (!(await consumeSetupToken(db, hashToken(token)))) {
        throw new HttpError(
          403,
          'SETUP_LINK_INVALID',
          'This setup link is unknown, used or expired; restart Ferry for a new one, or run "ferry admin create".',
        );
      }
      const agent = await createFirstAdministrator(db, administrator);
      const { csrfToken } = await startSession(db, reply, agent, secureCookies);
      return reply.status(201).send({ agent, csrfToken });
    },
  );
}
