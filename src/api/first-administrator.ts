import { createAgent } from '../db/agents.ts';
import { appendAudit } from '../db/audit-log.ts';
import type { Db } from '../db/database.ts';
import { createWorkgroup } from '../db/workgroups.ts';
import type { Agent } from '../domain/agents.ts';
import { hashPassword } from '../secrets/password-hash.ts';

/** Creates a workgroup and its first Administrator in one transaction (setup link and `ferry admin create`). */
export async function createFirstAdministrator(
  db: Db,
  input: { workgroupName: string; name: string; email: string; password: string },
): Promise<Agent> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const workgroup = await createWorkgroup(trx, input.workgroupName);
    const agent = await createAgent(trx, {
      workgroupId: workgroup.id,
      email: input.email.trim(),
      name: input.name,
      role: 'administrator',
      passwordHash,
    });
    await appendAudit(trx, {
      workgroupId: workgroup.id,
      agentId: agent.id,
      action: 'workgroup.created',
      target: workgroup.name,
    });
    return agent;
  });
}
