import type { Db } from './database.ts';

export interface OpenPasswordReset {
  readonly id: string;
  readonly agentId: string;
  readonly email: string;
  readonly workgroupId: string;
  readonly expiresAt: Date;
}

/** A new reset link for the agent; an older link still open stops working. */
export async function createPasswordReset(
  trx: Db,
  reset: { agentId: string; tokenHash: string; requestedBy: string; expiresAt: Date },
): Promise<void> {
  await trx
    .updateTable('password_resets')
    .set({ revoked_at: new Date() })
    .where('agent_id', '=', reset.agentId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  await trx
    .insertInto('password_resets')
    .values({
      agent_id: reset.agentId,
      token_hash: reset.tokenHash,
      requested_by: reset.requestedBy,
      expires_at: reset.expiresAt,
    })
    .execute();
}

/** The reset a link stands for, while it is neither used, replaced nor expired, and its agent is active. */
export async function findOpenPasswordReset(
  db: Db,
  tokenHash: string,
  now = new Date(),
): Promise<OpenPasswordReset | undefined> {
  const row = await db
    .selectFrom('password_resets')
    .innerJoin('agents', 'agents.id', 'password_resets.agent_id')
    .select([
      'password_resets.id',
      'password_resets.agent_id',
      'password_resets.expires_at',
      'agents.email',
      'agents.workgroup_id',
    ])
    .where('password_resets.token_hash', '=', tokenHash)
    .where('password_resets.used_at', 'is', null)
    .where('password_resets.revoked_at', 'is', null)
    .where('password_resets.expires_at', '>', now)
    .where('agents.role', '!=', 'inactive')
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      agentId: row.agent_id,
      email: row.email,
      workgroupId: row.workgroup_id,
      expiresAt: row.expires_at,
    }
  );
}

/** Marks the link used; false when another request used it first. */
export async function markPasswordResetUsed(trx: Db, id: string): Promise<boolean> {
  const result = await trx
    .updateTable('password_resets')
    .set({ used_at: new Date() })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
