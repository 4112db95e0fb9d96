import { z } from 'zod';

import { findAgentCredentials } from '../../../db/agents.ts';
import {
  endAgentAccess,
  lockAgentForRoleChange,
  searchAgents,
  setAgentRole,
  updateWorkgroupSettings,
} from '../../../db/agent-roles.ts';
import { createInvitation, listOpenInvitations, revokeInvitation } from '../../../db/agent-invitations.ts';
import { appendAudit } from '../../../db/audit-log.ts';
import { getWorkgroup } from '../../../db/workgroups.ts';
import { AGENT_ROLES, type Agent, type AgentRole, ROLE_LABELS } from '../../../domain/agents.ts';
import { hashToken, newToken } from '../../../secrets/tokens.ts';
import type { App } from '../../app-type.ts';
import { requireAgent, requireRole } from '../../auth.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { forbidden, HttpError, notFound } from '../../errors.ts';
import { agentSchema } from '../../schemas.ts';
import { idParams, mspErrorResponses, pageOf, searchPageQuery } from './schemas.ts';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const INVITABLE_ROLES = ['administrator', 'manager', 'agent'] as const;

const workgroupSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  projectSharing: z
    .boolean()
    .describe(
      'On: every agent who is not Inactive sees every project; off: agents see the projects they created',
    ),
});

const invitationSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(INVITABLE_ROLES),
  invitedBy: z.uuid(),
  createdAt: z.date(),
  expiresAt: z.date(),
});

/**
 * Managers run the workgroup's people except Administrators: only an Administrator grants the
 * Administrator role or changes an Administrator's role.
 */
function checkRoleChange(actor: Agent, currentRole: AgentRole | undefined, newRole: AgentRole): void {
  if ((newRole === 'administrator' || currentRole === 'administrator') && actor.role !== 'administrator') {
    throw forbidden(
      currentRole === 'administrator'
        ? "Only an Administrator can change an Administrator's role."
        : 'Only an Administrator can grant the Administrator role.',
    );
  }
}

export function agentRoutes(app: App, { db, mailer, publicUrl }: ControlPlaneDeps): void {
  app.get(
    '/api/workgroup',
    {
      schema: {
        tags: ['workgroup'],
        summary: 'The workgroup of the signed-in agent',
        response: { 200: workgroupSchema, ...mspErrorResponses },
      },
    },
    async (request) => getWorkgroup(db, requireAgent(request).workgroupId),
  );

  app.patch(
    '/api/workgroup',
    {
      schema: {
        tags: ['workgroup'],
        summary: 'Rename the workgroup or switch Project Sharing (Administrators)',
        body: z
          .object({
            name: z.string().trim().min(1).max(200).optional(),
            projectSharing: z.boolean().optional(),
          })
          .refine((b) => b.name !== undefined || b.projectSharing !== undefined, {
            message: 'give name or projectSharing',
          }),
        response: { 200: workgroupSchema, ...mspErrorResponses },
      },
    },
    async (request) => {
      const agent = requireRole(request, 'administrator');
      return db.transaction().execute(async (trx) => {
        const before = await getWorkgroup(trx, agent.workgroupId);
        const after = await updateWorkgroupSettings(trx, agent.workgroupId, request.body);
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'workgroup.updated',
          target: after.name,
          details: {
            ...(before.name === after.name ? {} : { name: { from: before.name, to: after.name } }),
            ...(before.projectSharing === after.projectSharing
              ? {}
              : { projectSharing: { from: before.projectSharing, to: after.projectSharing } }),
          },
        });
        return { id: after.id, name: after.name, projectSharing: after.projectSharing };
      });
    },
  );

  app.get(
    '/api/agents',
    {
      schema: {
        tags: ['agents'],
        summary: 'Agents of the workgroup, searchable by name or email',
        querystring: searchPageQuery,
        response: { 200: pageOf(agentSchema), ...mspErrorResponses },
      },
    },
    async (request) => searchAgents(db, requireAgent(request).workgroupId, request.query),
  );

  app.patch(
    '/api/agents/:id',
    {
      schema: {
        tags: ['agents'],
        summary: "Change an agent's role; Inactive ends their access (Manager or higher)",
        params: idParams,
        body: z.object({ role: z.enum(AGENT_ROLES) }),
        response: { 200: agentSchema, ...mspErrorResponses },
      },
    },
    async (request) => {
      const actor = requireRole(request, 'manager');
      const { role } = request.body;
      return db.transaction().execute(async (trx) => {
        const locked = await lockAgentForRoleChange(trx, actor.workgroupId, request.params.id);
        if (locked === undefined) throw notFound('That agent');
        const { agent, administrators } = locked;
        checkRoleChange(actor, agent.role, role);
        if (agent.role === role) return agent;
        if (agent.role === 'administrator' && administrators === 1) {
          throw new HttpError(
            409,
            'LAST_ADMINISTRATOR',
            `${agent.email} is the workgroup's last Administrator; make another agent Administrator first.`,
          );
        }
        const changed = await setAgentRole(trx, agent.id, role);
        if (role === 'inactive') await endAgentAccess(trx, agent.id);
        await appendAudit(trx, {
          workgroupId: actor.workgroupId,
          agentId: actor.id,
          action: 'agent.role_changed',
          target: agent.email,
          details: { from: agent.role, to: role },
        });
        return changed;
      });
    },
  );

  app.get(
    '/api/agents/invitations',
    {
      schema: {
        tags: ['agents'],
        summary: 'Invitations not yet accepted (Manager or higher)',
        response: { 200: z.object({ invitations: z.array(invitationSchema) }), ...mspErrorResponses },
      },
    },
    async (request) => {
      const agent = requireRole(request, 'manager');
      return { invitations: await listOpenInvitations(db, agent.workgroupId) };
    },
  );

  app.post(
    '/api/agents/invitations',
    {
      schema: {
        tags: ['agents'],
        summary:
          'Invite an agent by email with a role; the email carries a one-time link (Manager or higher)',
        body: z.object({
          email: z.email().max(320),
          role: z.enum(INVITABLE_ROLES).describe('Only Administrators invite Administrators'),
        }),
        response: { 201: invitationSchema, ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireRole(request, 'manager');
      const email = request.body.email.trim();
      checkRoleChange(actor, undefined, request.body.role);
      const existing = await findAgentCredentials(db, email);
      if (existing?.agent.workgroupId === actor.workgroupId) {
        throw new HttpError(409, 'ALREADY_AN_AGENT', `${email} is already an agent of this workgroup.`);
      }
      const token = newToken();
      const invitation = await db.transaction().execute(async (trx) => {
        // A new invitation to the same address replaces the open one.
        for (const open of await listOpenInvitations(trx, actor.workgroupId)) {
          if (open.email.toLowerCase() === email.toLowerCase())
            await revokeInvitation(trx, actor.workgroupId, open.id);
        }
        const created = await createInvitation(trx, {
          workgroupId: actor.workgroupId,
          email,
          role: request.body.role,
          tokenHash: hashToken(token),
          invitedBy: actor.id,
          expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS),
        });
        await appendAudit(trx, {
          workgroupId: actor.workgroupId,
          agentId: actor.id,
          action: 'agent.invited',
          target: email,
          details: { role: request.body.role },
        });
        return created;
      });
      const workgroup = await getWorkgroup(db, actor.workgroupId);
      const link = `${publicUrl}/invite?token=${encodeURIComponent(token)}`;
      await mailer.send({
        to: [email],
        subject: `${actor.name} invites you to the Ferry workgroup ${workgroup.name}`,
        text: [
          `${actor.name} (${actor.email}) invites you to join the workgroup "${workgroup.name}" in Ferry as ${ROLE_LABELS[request.body.role]}.`,
          '',
          `Choose your name and password here (the link works once, for 7 days):`,
          link,
        ].join('\n'),
      });
      return reply.status(201).send(invitation);
    },
  );

  app.delete(
    '/api/agents/invitations/:id',
    {
      schema: {
        tags: ['agents'],
        summary: 'Revoke an invitation that was not accepted yet (Manager or higher)',
        params: idParams,
        response: { 204: z.null(), ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireRole(request, 'manager');
      await db.transaction().execute(async (trx) => {
        const revoked = await revokeInvitation(trx, actor.workgroupId, request.params.id);
        if (revoked === undefined) throw notFound('That open invitation');
        await appendAudit(trx, {
          workgroupId: actor.workgroupId,
          agentId: actor.id,
          action: 'agent.invitation_revoked',
          target: revoked.email,
        });
      });
      return reply.status(204).send(null);
    },
  );
}
