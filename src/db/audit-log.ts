import { sql } from 'kysely';

import type { Db } from './database.ts';

export interface AuditEntry {
  readonly id: string;
  readonly agentId: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly details: Record<string, unknown>;
  readonly at: Date;
}

/** Appends to the workgroup's audit log; the table refuses updates and deletes. Never put secrets in details. */
export async function appendAudit(
  db: Db,
  entry: {
    workgroupId: string;
    agentId: string | null;
    action: string;
    target?: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workgroup_id: entry.workgroupId,
      agent_id: entry.agentId,
      action: entry.action,
      target: entry.target ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/** When an agent did `action` within the last `windowMs`, oldest first (for per-agent rate limits). */
export async function recentAgentActions(
  db: Db,
  agent: { workgroupId: string; agentId: string },
  action: string,
  windowMs: number,
): Promise<Date[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select('at')
    .where('workgroup_id', '=', agent.workgroupId)
    .where('agent_id', '=', agent.agentId)
    .where('action', '=', action)
    .where('at', '>', sql<Date>`now() - make_interval(secs => ${windowMs / 1000})`)
    .orderBy('at')
    .execute();
  return rows.map((r) => r.at);
}

export async function listAudit(db: Db, workgroupId: string, limit: number): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('workgroup_id', '=', workgroupId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    agentId: r.agent_id,
    action: r.action,
    target: r.target,
    details: r.details,
    at: r.at,
  }));
}
