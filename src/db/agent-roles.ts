import type { Agent, AgentRole } from '../domain/agents.ts';
import { toAgent } from './agents.ts';
import type { Db } from './database.ts';
import { containsPattern, offsetOf, type Page, type PageRequest } from './search-page.ts';

export async function searchAgents(
  db: Db,
  workgroupId: string,
  query: PageRequest & { search?: string | undefined },
): Promise<Page<Agent>> {
  let base = db.selectFrom('agents').where('workgroup_id', '=', workgroupId);
  if (query.search !== undefined && query.search !== '') {
    const pattern = containsPattern(query.search);
    base = base.where((eb) => eb.or([eb('email', 'ilike', pattern), eb('name', 'ilike', pattern)]));
  }
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toAgent), total: Number(total), ...query };
}

/** The agent, locked with the workgroup's Administrators so that two demotions cannot both pass the last-Administrator check. */
export async function lockAgentForRoleChange(
  trx: Db,
  workgroupId: string,
  agentId: string,
): Promise<{ agent: Agent; administrators: number } | undefined> {
  const administrators = await trx
    .selectFrom('agents')
    .select('id')
    .where('workgroup_id', '=', workgroupId)
    .where('role', '=', 'administrator')
    .orderBy('id')
    .forUpdate()
    .execute();
  const row = await trx
    .selectFrom('agents')
    .selectAll()
    .where('workgroup_id', '=', workgroupId)
    .where('id', '=', agentId)
    .forUpdate()
    .executeTakeFirst();
  return row && { agent: toAgent(row), administrators: administrators.length };
}

export async function setAgentRole(trx: Db, agentId: string, role: AgentRole): Promise<Agent> {
  const row = await trx
    .updateTable('agents')
    .set({ role })
    .where('id', '=', agentId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAgent(row);
}

/** Ends the agent's sessions and revokes its API tokens (on deactivation), so reactivating restores no old credential. */
export async function endAgentAccess(trx: Db, agentId: string): Promise<void> {
  await trx.deleteFrom('sessions').where('agent_id', '=', agentId).execute();
  await trx
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('agent_id', '=', agentId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function updateWorkgroupSettings(
  trx: Db,
  workgroupId: string,
  settings: { name?: string | undefined; projectSharing?: boolean | undefined },
): Promise<{ id: string; name: string; projectSharing: boolean; createdAt: Date }> {
  const row = await trx
    .updateTable('workgroups')
    .set({
      ...(settings.name === undefined ? {} : { name: settings.name }),
      ...(settings.projectSharing === undefined ? {} : { project_sharing: settings.projectSharing }),
    })
    .where('id', '=', workgroupId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, projectSharing: row.project_sharing, createdAt: row.created_at };
}
