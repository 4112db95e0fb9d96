import type { Agent } from '../domain/agents.ts';
import { toAgent } from './agents.ts';
import type { Db } from './database.ts';

export const DEFAULT_TOKEN_LIFETIME_DAYS = 90;
export const MAX_TOKEN_LIFETIME_DAYS = 365;
/** last_used_at is written at most this often per token, so busy scripts do not turn every request into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  /** The first characters of the token, so an agent can tell tokens apart; never enough to use it. */
  readonly prefix: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** To the minute: later uses within a minute are not written. */
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export async function createApiToken(
  db: Db,
  token: { agentId: string; name: string; tokenHash: string; prefix: string; expiresAt?: Date },
): Promise<ApiToken> {
  const row = await db
    .insertInto('api_tokens')
    .values({
      agent_id: token.agentId,
      name: token.name,
      token_hash: token.tokenHash,
      prefix: token.prefix,
      expires_at: token.expiresAt ?? new Date(Date.now() + DEFAULT_TOKEN_LIFETIME_DAYS * DAY_MS),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toApiToken(row);
}

export type TokenIdentity =
  | { readonly status: 'valid'; readonly agent: Agent; readonly tokenId: string }
  | { readonly status: 'expired'; readonly agent: Agent; readonly token: ApiToken };

/** The agent a token acts for; undefined when no live token has this hash. Records the use. */
export async function findAgentByApiToken(
  db: Db,
  tokenHash: string,
  now = new Date(),
): Promise<TokenIdentity | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('agents', 'agents.id', 'api_tokens.agent_id')
    .selectAll('agents')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.name as token_name',
      'api_tokens.prefix as token_prefix',
      'api_tokens.created_at as token_created_at',
      'api_tokens.expires_at as token_expires_at',
      'api_tokens.last_used_at as token_last_used_at',
      'api_tokens.revoked_at as token_revoked_at',
    ])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const agent = toAgent(row);
  if (row.token_expires_at <= now) {
    const token = toApiToken({
      id: row.token_id,
      name: row.token_name,
      prefix: row.token_prefix,
      created_at: row.token_created_at,
      expires_at: row.token_expires_at,
      last_used_at: row.token_last_used_at,
      revoked_at: row.token_revoked_at,
    });
    return { status: 'expired', agent, token };
  }
  if (
    row.token_last_used_at === null ||
    now.getTime() - row.token_last_used_at.getTime() >= LAST_USED_RESOLUTION_MS
  ) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
  }
  return { status: 'valid', agent, tokenId: row.token_id };
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

/** Revokes every live token of the agent but the one named (a password change keeps the token that made it); returns how many. */
export async function revokeOtherApiTokens(db: Db, agentId: string, keepTokenId?: string): Promise<number> {
  let update = db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('agent_id', '=', agentId)
    .where('revoked_at', 'is', null);
  if (keepTokenId !== undefined) update = update.where('id', '!=', keepTokenId);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

function toApiToken(row: {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
