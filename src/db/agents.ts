import type { Agent, AgentRole } from '../domain/agents.ts';
import type { Db } from './database.ts';
import type { AgentRow } from './schema.ts';

export function toAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    workgroupId: row.workgroup_id,
    email: row.email,
    name: row.name,
    role: row.role as AgentRole,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

export async function countAgents(db: Db): Promise<number> {
  const { count } = await db
    .selectFrom('agents')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function createAgent(
  db: Db,
  agent: { workgroupId: string; email: string; name: string; role: AgentRole; passwordHash: string | null },
): Promise<Agent> {
  const row = await db
    .insertInto('agents')
    .values({
      workgroup_id: agent.workgroupId,
      email: agent.email,
      name: agent.name,
      role: agent.role,
      password_hash: agent.passwordHash,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAgent(row);
}

export async function findAgentById(db: Db, id: string): Promise<Agent | undefined> {
  const row = await db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAgent(row);
}

/** The agent and its password hash, for signing in. */
export async function findAgentCredentials(
  db: Db,
  email: string,
): Promise<{ agent: Agent; passwordHash: string | null } | undefined> {
  const row = await db
    .selectFrom('agents')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  return row && { agent: toAgent(row), passwordHash: row.password_hash };
}

export async function listAgents(db: Db, workgroupId: string): Promise<Agent[]> {
  const rows = await db
    .selectFrom('agents')
    .selectAll()
    .where('workgroup_id', '=', workgroupId)
    .orderBy('created_at')
    .execute();
  return rows.map(toAgent);
}

export async function recordSignIn(db: Db, agentId: string): Promise<void> {
  await db.updateTable('agents').set({ last_sign_in_at: new Date() }).where('id', '=', agentId).execute();
}

export async function findPasswordHash(db: Db, agentId: string): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('agents')
    .select('password_hash')
    .where('id', '=', agentId)
    .executeTakeFirst();
  return row?.password_hash;
}

export async function setPasswordHash(db: Db, agentId: string, passwordHash: string): Promise<void> {
  await db.updateTable('agents').set({ password_hash: passwordHash }).where('id', '=', agentId).execute();
}
