import type { AgentRole } from '../domain/agents.ts';
import type { Db } from './database.ts';

export interface AgentInvitation {
  readonly id: string;
  readonly email: string;
  readonly role: Exclude<AgentRole, 'inactive'>;
  readonly invitedBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

type InvitationRow = {
  id: string;
  email: string;
  role: string;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
};

function toInvitation(row: InvitationRow): AgentInvitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role as AgentInvitation['role'],
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export async function createInvitation(
  db: Db,
  invitation: {
    workgroupId: string;
    email: string;
    role: AgentInvitation['role'];
    tokenHash: string;
    invitedBy: string;
    expiresAt: Date;
  },
): Promise<AgentInvitation> {
  const row = await db
    .insertInto('agent_invitations')
    .values({
      workgroup_id: invitation.workgroupId,
      email: invitation.email,
      role: invitation.role,
      token_hash: invitation.tokenHash,
      invited_by: invitation.invitedBy,
      expires_at: invitation.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toInvitation(row);
}

/** Invitations neither accepted, revoked nor expired. */
export async function listOpenInvitations(
  db: Db,
  workgroupId: string,
  now = new Date(),
): Promise<AgentInvitation[]> {
  const rows = await db
    .selectFrom('agent_invitations')
    .selectAll()
    .where('workgroup_id', '=', workgroupId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toInvitation);
}

export async function revokeInvitation(
  db: Db,
  workgroupId: string,
  id: string,
): Promise<AgentInvitation | undefined> {
  const row = await db
    .updateTable('agent_invitations')
    .set({ revoked_at: new Date() })
    .where('workgroup_id', '=', workgroupId)
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row && toInvitation(row);
}

export async function findOpenInvitation(
  db: Db,
  tokenHash: string,
  now = new Date(),
): Promise<(AgentInvitation & { workgroupId: string; workgroupName: string }) | undefined> {
  const row = await db
    .selectFrom('agent_invitations')
    .innerJoin('workgroups', 'workgroups.id', 'agent_invitations.workgroup_id')
    .selectAll('agent_invitations')
    .select('workgroups.name as workgroup_name')
    .where('agent_invitations.token_hash', '=', tokenHash)
    .where('agent_invitations.accepted_at', 'is', null)
    .where('agent_invitations.revoked_at', 'is', null)
    .where('agent_invitations.expires_at', '>', now)
    .executeTakeFirst();
  return row && { ...toInvitation(row), workgroupId: row.workgroup_id, workgroupName: row.workgroup_name };
}

/** Marks the invitation used; false when another request used it first. */
export async function markInvitationAccepted(trx: Db, id: string): Promise<boolean> {
  const result = await trx
    .updateTable('agent_invitations')
    .set({ accepted_at: new Date() })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
