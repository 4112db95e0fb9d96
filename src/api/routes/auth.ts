import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { App } from '../app-type.ts';

import { findAgentCredentials, findPasswordHash, recordSignIn, setPasswordHash } from '../../db/agents.ts';
import { appendAudit } from '../../db/audit-log.ts';
import type { Db } from '../../db/database.ts';
import { recentFailures, recordLoginAttempt } from '../../db/login-attempts.ts';
import { deleteSession } from '../../db/sessions.ts';
import { getWorkgroup } from '../../db/workgroups.ts';
import type { Agent } from '../../domain/agents.ts';
import { FREE_SIGN_IN_FAILURES, signInDelayMs } from '../../domain/sign-in-delay.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../../secrets/password-hash.ts';
import { hashToken } from '../../secrets/tokens.ts';
import { CSRF_COOKIE, endOtherCredentials, requireAgent, SESSION_COOKIE, startSession } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { agentSchema, errorResponses, newPasswordSchema, workgroupSchema } from '../schemas.ts';

export interface AuthDeps {
  readonly db: Db;
  readonly secureCookies: boolean;
}

type SignInFailure = 'no_such_agent' | 'no_password' | 'wrong_password' | 'inactive';

export function authRoutes(app: App, { db, secureCookies }: AuthDeps): void {
  /** Audit of a failed sign-in of a known agent; unknown emails have no workgroup to log to (login_attempts keeps them). */
  const auditFailure = async (
    request: FastifyRequest,
    email: string,
    agent: Agent | undefined,
    reason: SignInFailure,
  ) => {
    if (agent === undefined) return;
    const { count } = await recentFailures(db, email);
    await appendAudit(db, {
      workgroupId: agent.workgroupId,
      agentId: null,
      action: 'agent.sign_in_failed',
      target: agent.email,
      details: { email, ip: request.ip, reason, consecutiveFailures: count },
    });
    if (count >= FREE_SIGN_IN_FAILURES) {
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: null,
        action: 'agent.sign_in_delayed',
        target: agent.email,
        details: { ip: request.ip, consecutiveFailures: count, delaySeconds: signInDelayMs(count) / 1000 },
      });
    }
  };

  app.post(
    '/api/auth/login',
    {
      config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session and CSRF cookies',
        description:
          'After 5 failed sign-ins in a row for an email, each further attempt must wait twice as long as the one before (1 s, 2 s, 4 s … up to 15 minutes): 429 SIGN_IN_DELAYED with Retry-After.',
        body: z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) }),
        response: { 200: z.object({ agent: agentSchema, csrfToken: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const failures = await recentFailures(db, email);
      const waitMs =
        failures.last === null ? 0 : failures.last.getTime() + signInDelayMs(failures.count) - Date.now();
      if (waitMs > 0) {
        // Refused before the password is checked, so the answer says nothing about it; the same for unknown emails.
        const seconds = Math.ceil(waitMs / 1000);
        throw new HttpError(
          429,
          'SIGN_IN_DELAYED',
          `Too many failed sign-ins for this account; try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
          { headers: { 'retry-after': String(seconds) }, details: { retryAfterSeconds: seconds } },
        );
      }
      const found = await findAgentCredentials(db, email);
      const valid = await verifyPassword(password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
      const reason: SignInFailure | undefined =
        found === undefined
          ? 'no_such_agent'
          : found.passwordHash === null
            ? 'no_password'
            : !valid
              ? 'wrong_password'
              : found.agent.role === 'inactive'
                ? 'inactive'
                : undefined;
      await recordLoginAttempt(db, { email, ip: request.ip, succeeded: reason === undefined });
      if (reason !== undefined || found === undefined) {
        await auditFailure(request, email, found?.agent, reason ?? 'no_such_agent');
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
        target: found.agent.email,
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

  app.post(
    '/api/auth/password',
    {
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password',
        description:
          'Needs the current password. Every other session and API token of your account ends; the session or token making this request stays.',
        body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: newPasswordSchema }),
        response: {
          200: z.object({ sessionsEnded: z.int(), tokensRevoked: z.int() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const agent = requireAgent(request);
      const { currentPassword, newPassword } = request.body;
      const stored = await findPasswordHash(db, agent.id);
      if (!(await verifyPassword(currentPassword, stored ?? DUMMY_PASSWORD_HASH)) || stored === null) {
        await appendAudit(db, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'agent.password_change_refused',
          target: agent.email,
          details: { ip: request.ip, reason: stored === null ? 'no_password' : 'wrong_current_password' },
        });
        throw new HttpError(400, 'CURRENT_PASSWORD_WRONG', 'Your current password is not right.', {
          details: { field: 'currentPassword' },
        });
      }
      if (currentPassword === newPassword) {
        throw new HttpError(400, 'PASSWORD_UNCHANGED', 'The new password must differ from the current one.', {
          details: { field: 'newPassword' },
        });
      }
      const passwordHash = await hashPassword(newPassword);
      return db.transaction().execute(async (trx) => {
        await setPasswordHash(trx, agent.id, passwordHash);
        const ended = await endOtherCredentials(trx, agent.id, request.credential);
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'agent.password_changed',
          target: agent.email,
          details: { ip: request.ip, ...ended },
        });
        return ended;
      });
    },
  );
}
