import { z } from 'zod';

import { type AuditFilter, searchAudit } from '../../../db/audit-search.ts';
import type { App } from '../../app-type.ts';
import { requireRole } from '../../auth.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { toCsv } from '../../../domain/csv.ts';
import { mspErrorResponses, pageOf, pageQuery } from './schemas.ts';

/** The most rows one CSV export holds; narrow the dates for more. */
export const MAX_AUDIT_EXPORT_ROWS = 100_000;

const filterQuery = z.object({
  from: z.coerce.date().optional().describe('Entries at or after this instant (ISO 8601)'),
  to: z.coerce.date().optional().describe('Entries before this instant (ISO 8601)'),
  action: z
    .string()
    .trim()
    .max(100)
    .optional()
    .describe('One action (licence.purchased) or a prefix ending in a dot (licence.)'),
});

const auditEntrySchema = z.object({
  id: z.string(),
  at: z.date(),
  action: z.string(),
  agentId: z.uuid().nullable(),
  agentEmail: z.string().nullable(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export function auditRoutes(app: App, { db }: ControlPlaneDeps): void {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: "The workgroup's append-only audit log, newest first (Manager or higher)",
        querystring: filterQuery.extend(pageQuery.shape),
        response: { 200: pageOf(auditEntrySchema), ...mspErrorResponses },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return searchAudit(db, requireRole(request, 'manager').workgroupId, filter, { page, pageSize });
    },
  );

  app.get(
    '/api/audit.csv',
    {
      schema: {
        tags: ['audit'],
        summary: 'Export the audit log as CSV, with the same filters (Manager or higher)',
        querystring: filterQuery,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV: at,action,agent,target,details'), ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireRole(request, 'manager');
      const filter: AuditFilter = request.query;
      const { items } = await searchAudit(db, agent.workgroupId, filter, {
        page: 1,
        pageSize: MAX_AUDIT_EXPORT_ROWS,
      });
      const csv = toCsv(
        ['at', 'action', 'agent', 'target', 'details'],
        items.map((e) => [
          e.at.toISOString(),
          e.action,
          e.agentEmail ?? '',
          e.target ?? '',
          JSON.stringify(e.details),
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="ferry-audit.csv"')
        .send(csv);
    },
  );
}
