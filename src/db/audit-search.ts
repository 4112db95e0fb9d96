import type { Db } from './database.ts';
import { offsetOf, type Page, type PageRequest } from './search-page.ts';

export interface AuditFilter {
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** An action (`licence.purchased`) or a prefix ending in a dot (`licence.`). */
  readonly action?: string | undefined;
}

export interface AuditRecord {
  readonly id: string;
  readonly at: Date;
  readonly action: string;
  readonly agentId: string | null;
  readonly agentEmail: string | null;
  readonly target: string | null;
  readonly details: Record<string, unknown>;
}

function filtered(db: Db, workgroupId: string, filter: AuditFilter) {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('agents', 'agents.id', 'audit_log.agent_id')
    .where('audit_log.workgroup_id', '=', workgroupId);
  if (filter.from !== undefined) query = query.where('audit_log.at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('audit_log.at', '<', filter.to);
  if (filter.action !== undefined && filter.action !== '') {
    query = filter.action.endsWith('.')
      ? query.where('audit_log.action', 'like', `${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      : query.where('audit_log.action', '=', filter.action);
  }
  return query;
}

/** The workgroup's audit log, newest first. */
export async function searchAudit(
  db: Db,
  workgroupId: string,
  filter: AuditFilter,
  page: PageRequest,
): Promise<Page<AuditRecord>> {
  const { total } = await filtered(db, workgroupId, filter)
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await filtered(db, workgroupId, filter)
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.action',
      'audit_log.agent_id',
      'agents.email',
      'audit_log.target',
      'audit_log.details',
    ])
    .orderBy('audit_log.id', 'desc')
    .limit(page.pageSize)
    .offset(offsetOf(page))
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.at,
      action: r.action,
      agentId: r.agent_id,
      agentEmail: r.email,
      target: r.target,
      details: r.details,
    })),
    total: Number(total),
    ...page,
  };
}
