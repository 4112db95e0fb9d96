import { z } from 'zod';

import { findAgentById, setPasswordHash } from '../../../db/agents.ts';
import { appendAudit } from '../../../db/audit-log.ts';
import { recordLoginAttempt } from '../../../db/login-attempts.ts';
import {
  createPasswordReset,
  findOpenPasswordReset,
  markPasswordResetUsed,
} from '../../../db/password-resets.ts';
import { hashPassword } from '../../../secrets/password-hash.ts';
import { hashToken, newToken } from '../../../secrets/tokens.ts';
import type { App } from '../../app-type.ts';
import { endOtherCredentials, requireRole, startSession } from '../../auth.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { HttpError, notFound } from '../../errors.ts';
import { agentSchema, newPasswordSchema } from '../../schemas.ts';
import { idParams, mspErrorResponses } from './schemas.ts';

export const PASSWORD_RESET_LIFETIME_MS = 24 * 60 * 60 * 1000;

const resetGone = () =>
  new HttpError(
    404,
    'PASSWORD_RESET_INVALID',
    'This password reset link is unknown, used, replaced by a newer one or expired; ask an Administrator of your workgroup for a new one.',
  );

/**
 * Administrators send an agent a one-time link to choose a new password (like an invitation: only
 * the link's SHA-256 is stored). Setting the password ends every session and API token of the agent.
 */
export function passwordResetRoutes(app: App, { db, mailer, publicUrl }: ControlPlaneDeps): void {
  const secureCookies = publicUrl.startsWith('https:');
  const tokenBody = z.object({ token: z.string().min(1).max(200) });

  app.post(
    '/api/agents/:id/password-reset',
    {
      schema: {
        tags: ['agents'],
        summary: 'Email an agent a one-time link to choose a new password (Administrators)',
        description:
          'The link works once, for 24 hours; a newer link replaces it. When the agent sets the password, all their sessions and API tokens end.',
        params: idParams,
        response: { 202: z.object({ email: z.string(), expiresAt: z.date() }), ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireRole(request, 'administrator');
      const agent = await findAgentById(db, request.params.id);
      if (agent === undefined || agent.workgroupId !== actor.workgroupId) throw notFound('That agent');
      if (agent.role === 'inactive') {
        throw new HttpError(
          409,
          'AGENT_INACTIVE',
          `${agent.email} is Inactive; give them a role first, then reset their password.`,
        );
      }
      const token = newToken();
      const expiresAt = new Date(Date.now() + PASSWORD_RESET_LIFETIME_MS);
      await db.transaction().execute(async (trx) => {
        await createPasswordReset(trx, {
          agentId: agent.id,
          tokenHash: hashToken(token),
          requestedBy: actor.id,
          expiresAt,
        });
        await appendAudit(trx, {
          workgroupId: actor.workgroupId,
          agentId: actor.id,
          action: 'agent.password_reset_requested',
          target: agent.email,
          details: { expiresAt: expiresAt.toISOString() },
        });
      });
      await mailer.send({
        to: [agent.email],
        subject: 'Choose a new password for Ferry',
        text: [
          `${actor.name} (${actor.email}) asked Ferry to let you choose a new password for ${agent.email}.`,
          '',
          'Choose it here (the link works once, for 24 hours):',
          `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`,
          '',
          'When you do, every other session and API token of your account ends.',
          `If you did not expect this, tell ${actor.name}.`,
        ].join('\n'),
      });
      return reply.status(202).send({ email: agent.email, expiresAt });
    },
  );

  app.post(
    '/api/password-resets/lookup',
    {
      config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Which account a password reset link is for',
        body: tokenBody,
        response: { 200: z.object({ email: z.string(), expiresAt: z.date() }), ...mspErrorResponses },
      },
    },
    async (request) => {
      const reset = await findOpenPasswordReset(db, hashToken(request.body.token));
      if (reset === undefined) throw resetGone();
      return { email: reset.email, expiresAt: reset.expiresAt };
    },
  );

  app.post(
    '/api/password-resets/complete',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Choose a new password with a reset link; ends every other session and token, and signs in',
        body: tokenBody.extend({ password: newPasswordSchema }),
        response: { 200: z.object({ agent: agentSchema, csrfToken: z.string() }), ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const reset = await findOpenPasswordReset(db, hashToken(request.body.token));
      if (reset === undefined) throw resetGone();
      const passwordHash = await hashPassword(request.body.password);
      await db.transaction().execute(async (trx) => {
        if (!(await markPasswordResetUsed(trx, reset.id))) throw resetGone();
        await setPasswordHash(trx, reset.agentId, passwordHash);
        const ended = await endOtherCredentials(trx, reset.agentId, null);
        await appendAudit(trx, {
          workgroupId: reset.workgroupId,
          agentId: reset.agentId,
          action: 'agent.password_reset',
          target: reset.email,
          details: { ip: request.ip, resetId: reset.id, ...ended },
        });
      });
      // The link proved the account is theirs: earlier failed sign-ins no longer slow it down.
      await recordLoginAttempt(db, { email: reset.email, ip: request.ip, succeeded: true });
      const agent = await findAgentById(db, reset.agentId);
      if (agent === undefined) throw resetGone();
      const { csrfToken } = await startSession(db, reply, agent, secureCookies);
      return { agent, csrfToken };
    },
  );
}
