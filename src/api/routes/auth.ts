import { z } from 'zod';

import type { App } from '../app-type.ts';

import { findAgentCredentials, recordSignIn } from '../../db/agents.ts';
import { appendAudit } from '../../db/audit-log.ts';
import type { Db } from '../../db/database.ts';
import { countRecentFailures, recordLoginAttempt } from '../../db/login-attempts.ts';
import { deleteSession } from '../../db/sessions.ts';
import { getWorkgroup } from '../../db/workgroups.ts';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../../secrets/password-hash.ts';
import { hashToken } from '../../secrets/tokens.ts';
import { CSRF_COOKIE, requireAgent, SESSION_COOKIE, startSession } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { agentSchema, errorResponses, workgroupSchema } from '../schemas.ts';

export interface AuthDeps {
  readonly db: Db;
  readonly secureCookies: boolean;
}

/** After this many failed sign-ins in the window, the account refuses sign-ins until the window passes. */
export const MAX_FAILED_SIGN_INS = 5;
export const FAILED_SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export function authRoutes(app: App, { db, secureCookies }: AuthDeps): void {
  app.post(
    '/api/auth/login',
    {
      config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session and CSRF cookies',
        body: z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) }),
        response: { 200: z.object({ agent: agentSchema, csrfToken: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      if ((await countRecentFailures(db, email, FAILED_SIGN_IN_WINDOW_MS)) >= MAX_FAILED_SIGN_INS) {
        throw new HttpError(
          429,
          'SIGN_IN_LOCKED',
          `Too many failed sign-ins for this account; try again in ${FAILED_SIGN_IN_WINDOW_MS / 60_000} minutes.`,
          { headers: { 'retry-after': String(FAILED_SIGN_IN_WINDOW_MS / 1000) } },
        );
      }
      const found = await findAgentCredentials(db, email);
      const valid = await verifyPassword(password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
      await recordLoginAttempt(db, { email, ip: request.ip, succeeded: valid && found !== undefined });
      if (!valid || found === undefined || found.agent.role === 'inactive') {
        throw new HttpError(
          401,
          'SIGN_IN_FAILED',
          'The email or password is wrong, or the account is inactive.',
        );
      }
      const { csrfToken } = await startSession(db, reply, found.agent, secureCookies);
      await recordSignIn(db, found.agent.id);
      await appendAudit(db, {
        workgroupId: found.agent.workgroupId,
        agentId: found.agent.id,
        action: 'agent.signed_in',
        details: { ip: request.ip },
      });
      return { agent: found.agent, csrfToken };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this browser session',
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId !== undefined) await deleteSession(db, hashToken(sessionId));
      void reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in agent and their workgroup',
        response: { 200: z.object({ agent: agentSchema, workgroup: workgroupSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const agent = requireAgent(request);
      const { id, name } = await getWorkgroup(db, agent.workgroupId);
      return { agent, workgroup: { id, name } };
    },
  );
}
