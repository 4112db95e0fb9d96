import { z } from 'zod';

import { createAgent } from '../../../db/agents.ts';
import { appendAudit } from '../../../db/audit-log.ts';
import { findOpenInvitation, markInvitationAccepted } from '../../../db/agent-invitations.ts';
import { hashPassword } from '../../../secrets/password-hash.ts';
import { hashToken } from '../../../secrets/tokens.ts';
import type { App } from '../../app-type.ts';
import { startSession } from '../../auth.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { HttpError } from '../../errors.ts';
import { agentSchema, newPasswordSchema } from '../../schemas.ts';
import { mspErrorResponses } from './schemas.ts';

const invitationGone = () =>
  new HttpError(
    404,
    'INVITATION_INVALID',
    'This invitation link is unknown, used, revoked or expired; ask the person who invited you for a new one.',
  );

/** The two public routes behind the invitation link: what it is for, and accepting it. */
export function invitationRoutes(app: App, { db, publicUrl }: ControlPlaneDeps): void {
  const secureCookies = publicUrl.startsWith('https:');
  const tokenBody = z.object({ token: z.string().min(1).max(200) });

  app.post(
    '/api/invitations/lookup',
    {
      config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['agents'],
        summary: 'What an invitation link is for: email, role and workgroup',
        body: tokenBody,
        response: {
          200: z.object({
            email: z.string(),
            role: z.enum(['administrator', 'manager', 'agent']),
            workgroupName: z.string(),
            expiresAt: z.date(),
          }),
          ...mspErrorResponses,
        },
      },
    },
    async (request) => {
      const invitation = await findOpenInvitation(db, hashToken(request.body.token));
      if (invitation === undefined) throw invitationGone();
      const { email, role, workgroupName, expiresAt } = invitation;
      return { email, role, workgroupName, expiresAt };
    },
  );

  app.post(
    '/api/invitations/accept',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['agents'],
        summary: 'Accept an invitation: choose a name and password, join the workgroup and sign in',
        body: tokenBody.extend({
          name: z.string().trim().min(1).max(200),
          password: newPasswordSchema,
        }),
        response: { 201: z.object({ agent: agentSchema, csrfToken: z.string() }), ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const invitation = await findOpenInvitation(db, hashToken(request.body.token));
      if (invitation === undefined) throw invitationGone();
      const passwordHash = await hashPassword(request.body.password);
      const agent = await db.transaction().execute(async (trx) => {
        if (!(await markInvitationAccepted(trx, invitation.id))) throw invitationGone();
        const created = await createAgent(trx, {
          workgroupId: invitation.workgroupId,
          email: invitation.email,
          name: request.body.name,
          role: invitation.role,
          passwordHash,
        }).catch((error: unknown) => {
          if ((error as { code?: string }).code === '23505') {
            throw new HttpError(
              409,
              'AGENT_EXISTS',
              `An agent account with the email ${invitation.email} already exists; sign in with it, or ask for an invitation to another address.`,
            );
          }
          throw error;
        });
        await appendAudit(trx, {
          workgroupId: invitation.workgroupId,
          agentId: created.id,
          action: 'agent.joined',
          target: created.email,
          details: { role: created.role, invitationId: invitation.id },
        });
        return created;
      });
      const { csrfToken } = await startSession(db, reply, agent, secureCookies);
      return reply.status(201).send({ agent, csrfToken });
    },
  );
}
