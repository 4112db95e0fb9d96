import { createAgent } from '../../src/db/agents.ts';
import { createApiToken } from '../../src/db/api-tokens.ts';
import type { Db } from '../../src/db/database.ts';
import { createWorkgroup } from '../../src/db/workgroups.ts';
import type { Agent, AgentRole } from '../../src/domain/agents.ts';
import { API_TOKEN_PREFIX, hashToken, newToken } from '../../src/secrets/tokens.ts';

export interface SignedInAgent {
  readonly agent: Agent;
  /** Authorization header with a personal API token of this agent. */
  readonly headers: { authorization: string };
}

/** A workgroup with one agent per role, each with a personal API token (no password: tokens only). */
export async function createWorkgroupWithAgents(
  db: Db,
  name: string,
): Promise<{ workgroupId: string } & Record<AgentRole, SignedInAgent>> {
  const workgroup = await createWorkgroup(db, name);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const make = async (role: AgentRole): Promise<SignedInAgent> => {
    const agent = await createAgent(db, {
      workgroupId: workgroup.id,
      email: `${role}@${slug}.example`,
      name: `${role} of ${name}`,
      role,
      passwordHash: null,
    });
    return { agent, headers: await tokenHeaders(db, agent.id) };
  };
  return {
    workgroupId: workgroup.id,
    administrator: await make('administrator'),
    manager: await make('manager'),
    agent: await make('agent'),
    inactive: await make('inactive'),
  };
}

export async function tokenHeaders(db: Db, agentId: string): Promise<{ authorization: string }> {
  const value = newToken(API_TOKEN_PREFIX);
  await createApiToken(db, {
    agentId,
    name: 'test',
    tokenHash: hashToken(value),
    prefix: value.slice(0, 10),
  });
  return { authorization: `Bearer ${value}` };
}

export const APPROVED_CARD = { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2099, cvc: '123' };
export const DECLINED_CARD = { number: '4000 0000 0000 0002', expiryMonth: 12, expiryYear: 2099, cvc: '123' };
