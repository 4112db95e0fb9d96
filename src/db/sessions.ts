import type { Agent } from '../domain/agents.ts';
import { toAgent } from './agents.ts';
import type { Db } from './database.ts';

export interface SessionIdentity {
  readonly agent: Agent;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export async function createSession(
  db: Db,
  session: { idHash: string; agentId: string; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id_hash: session.idHash,
      agent_id: session.agentId,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function findSession(db: Db, idHash: string): Promise<SessionIdentity | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('agents', 'agents.id', 'sessions.agent_id')
    .selectAll('agents')
    .select(['sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', new Date())
    .executeTakeFirst();
  return row && { agent: toAgent(row), csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', new Date()).execute();
}

/** Ends every session of the agent but the one named (a password change keeps the session that made it); returns how many. */
export async function deleteOtherSessions(db: Db, agentId: string, keepIdHash?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('agent_id', '=', agentId);
  if (keepIdHash !== undefined) query = query.where('id_hash', '!=', keepIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
