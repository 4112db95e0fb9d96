import type { Agent } from '../domain/agents.ts';
import { toAgent } from './agents.ts';
import type { Db } from './database.ts';

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  /** The first characters of the token, so an agent can tell tokens apart; never enough to use it. */
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export async function createApiToken(
  db: Db,
  token: { agentId: string; name: string; tokenHash: string; prefix: string },
): Promise<ApiToken> {
  const row = await db
    .insertInto('api_tokens')
    .values({ agent_id: token.agentId, name: token.name, token_hash: token.tokenHash, prefix: token.prefix })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toApiToken(row);
}

export async function findAgentByApiToken(db: Db, tokenHash: string): Promise<Agent | undefined> {
  const row = await db
    .updateTable('api_tokens')
    .set({ last_used_at: new Date() })
    .from('agents')
    .whereRef('agents.id', '=', 'api_tokens.agent_id')
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .returningAll('agents')
    .executeTakeFirst();
  return row && toAgent(row);
}

export async function listApiTokens(db: Db, agentId: string): Promise<ApiToken[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('agent_id', '=', agentId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toApiToken);
}

/** Revokes one of the agent's own tokens; false when it has no such live token. */
export async function revokeApiToken(db: Db, agentId: string, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', tokenId)
    .where('agent_id', '=', agentId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function toApiToken(row: {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
