import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { findAgentByApiToken, revokeOtherApiTokens } from '../db/api-tokens.ts';
import { appendAudit } from '../db/audit-log.ts';
import type { Db } from '../db/database.ts';
import { createSession, deleteOtherSessions, findSession } from '../db/sessions.ts';
import type { Agent, AgentRole } from '../domain/agents.ts';
import { hashToken, newToken } from '../secrets/tokens.ts';
import { forbidden, HttpError, unauthenticated } from './errors.ts';

export const SESSION_COOKIE = 'ferry_session';
export const CSRF_COOKIE = 'ferry_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** What authenticated a request: a browser session (by its hashed id) or a personal API token. */
export type Credential =
  | { readonly kind: 'session'; readonly idHash: string }
  | { readonly kind: 'token'; readonly tokenId: string };

declare module 'fastify' {
  interface FastifyRequest {
    agent: Agent | null;
    credential: Credential | null;
  }
  interface FastifyContextConfig {
    /** The route answers without authentication (health, sign-in, first setup, API docs). */
    public?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every /api route needs an agent, from a session cookie (browser) or a personal API token
 * (Bearer, for the CLI and automation). Cookie-authenticated writes must echo the CSRF token
 * (double-submit: the browser can read ferry_csrf, a foreign site cannot).
 */
export function registerAuthentication(app: FastifyInstance, db: Db): void {
  app.decorateRequest('agent', null);
  app.decorateRequest('credential', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || request.routeOptions.config.public === true) return;
    const identity = await identify(request, db);
    if (identity === undefined) throw unauthenticated();
    if (identity.agent.role === 'inactive')
      throw forbidden('Your agent account is inactive; ask an Administrator of your workgroup.');
    request.agent = identity.agent;
    request.credential = identity.credential;
  });
}

async function identify(
  request: FastifyRequest,
  db: Db,
): Promise<{ agent: Agent; credential: Credential } | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match?.[1] === undefined) return undefined;
    const found = await findAgentByApiToken(db, hashToken(match[1]));
    if (found?.status === 'expired') {
      await appendAudit(db, {
        workgroupId: found.agent.workgroupId,
        agentId: found.agent.id,
        action: 'token.expired_used',
        target: found.token.name,
        details: { tokenId: found.token.id, expiredAt: found.token.expiresAt.toISOString(), ip: request.ip },
      });
      throw new HttpError(
        401,
        'TOKEN_EXPIRED',
        `This API token ("${found.token.name}") expired on ${found.token.expiresAt.toISOString()}; create a new one on your Account page, or run "ferry login" again.`,
      );
    }
    return found && { agent: found.agent, credential: { kind: 'token', tokenId: found.tokenId } };
  }
  const sessionId = request.cookies[SESSION_COOKIE];
  if (sessionId === undefined) return undefined;
  const idHash = hashToken(sessionId);
  const session = await findSession(db, idHash);
  if (session === undefined) return undefined;
  if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== session.csrfToken) {
    throw new HttpError(
      403,
      'CSRF_FAILED',
      `This change must carry the ${CSRF_HEADER} header with the value of the ${CSRF_COOKIE} cookie.`,
    );
  }
  return { agent: session.agent, credential: { kind: 'session', idHash } };
}

/**
 * After a password change or reset: every session and API token of the agent ends, except the
 * credential the agent used to change its own password.
 */
export async function endOtherCredentials(
  trx: Db,
  agentId: string,
  keep: Credential | null,
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const sessionsEnded = await deleteOtherSessions(
    trx,
    agentId,
    keep?.kind === 'session' ? keep.idHash : undefined,
  );
  const tokensRevoked = await revokeOtherApiTokens(
    trx,
    agentId,
    keep?.kind === 'token' ? keep.tokenId : undefined,
  );
  return { sessionsEnded, tokensRevoked };
}

/** The signed-in agent; only for routes behind authentication. */
export function requireAgent(request: FastifyRequest): Agent {
  if (request.agent === null) throw unauthenticated();
  return request.agent;
}

const RANK: Record<AgentRole, number> = { inactive: 0, agent: 1, manager: 2, administrator: 3 };

export function requireRole(request: FastifyRequest, minimum: AgentRole): Agent {
  const agent = requireAgent(request);
  if (RANK[agent.role] < RANK[minimum]) throw forbidden(`This needs the ${minimum} role or higher.`);
  return agent;
}

export async function startSession(
  db: Db,
  reply: FastifyReply,
  agent: Agent,
  secureCookies: boolean,
): Promise<{ csrfToken: string }> {
  const sessionId = newToken();
  const csrfToken = newToken();
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await createSession(db, { idHash: hashToken(sessionId), agentId: agent.id, csrfToken, expiresAt });
  const common = { path: '/', secure: secureCookies, expires: expiresAt };
  void reply.setCookie(SESSION_COOKIE, sessionId, { ...common, httpOnly: true, sameSite: 'lax' });
  void reply.setCookie(CSRF_COOKIE, csrfToken, { ...common, httpOnly: false, sameSite: 'strict' });
  return { csrfToken };
}
