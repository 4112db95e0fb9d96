import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { findAgentByApiToken } from '../db/api-tokens.ts';
import type { Db } from '../db/database.ts';
import { createSession, findSession } from '../db/sessions.ts';
import type { Agent, AgentRole } from '../domain/agents.ts';
import { hashToken, newToken } from '../secrets/tokens.ts';
import { forbidden, HttpError, unauthenticated } from './errors.ts';

export const SESSION_COOKIE = 'ferry_session';
export const CSRF_COOKIE = 'ferry_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    agent: Agent | null;
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
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || request.routeOptions.config.public === true) return;
    const agent = await identify(request, db);
    if (agent === undefined) throw unauthenticated();
    if (agent.role === 'inactive')
      throw forbidden('Your agent account is inactive; ask an Administrator of your workgroup.');
    request.agent = agent;
  });
}

async function identify(request: FastifyRequest, db: Db): Promise<Agent | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match?.[1] === undefined) return undefined;
    return findAgentByApiToken(db, hashToken(match[1]));
  }
  const sessionId = request.cookies[SESSION_COOKIE];
  if (sessionId === undefined) return undefined;
  const session = await findSession(db, hashToken(sessionId));
  if (session === undefined) return undefined;
  if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== session.csrfToken) {
    throw new HttpError(
      403,
      'CSRF_FAILED',
      `This change must carry the ${CSRF_HEADER} header with the value of the ${CSRF_COOKIE} cookie.`,
    );
  }
  return session.agent;
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
