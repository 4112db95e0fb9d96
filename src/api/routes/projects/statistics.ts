import { z } from 'zod';

import { appendAudit } from '../../../db/audit-log.ts';
import { settleLicenceUses } from '../../../db/project-passes.ts';
import { mailboxStatistics, summarise } from '../../../db/project-statistics.ts';
import { ITEM_TYPES } from '../../../domain/migration.ts';
import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { notFound } from '../../errors.ts';
import { CHART_CID, statisticsReport } from '../../reports/statistics-report.ts';
import { projectOptions } from './projects.ts';
import { projectOf } from './access.ts';
import { errorResponses, idParams, mailboxParams } from './schemas.ts';

const counts = z.object({
  migrated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  bytes: z.number().int(),
});
const byType = z.object(
  Object.fromEntries(ITEM_TYPES.map((t) => [t, counts])) as Record<
    (typeof ITEM_TYPES)[number],
    typeof counts
  >,
);

const mailboxStatisticsSchema = z.object({
  mailboxId: z.uuid(),
  source: z.string(),
  destination: z.string(),
  status: z.string(),
  lastPass: z.string().nullable(),
  lastError: z.string().nullable(),
  migrated: byType.describe('Items and bytes migrated over every pass'),
  lastPassItems: byType.describe(
    'Outcomes of the last pass: migrated, skipped (already there or filtered out), failed',
  ),
  durationMs: z.number().int(),
  throttledMs: z.number().int(),
  bytesPerSecond: z.number().int(),
  folders: z.array(
    z.object({
      path: z.string(),
      itemType: z.string(),
      source: z.number().int(),
      atDestination: z.number().int(),
      failed: z.number().int(),
      verdict: z.enum(['complete', 'failed-items', 'incomplete']),
    }),
  ),
  errors: z.array(
    z.object({
      type: z.string(),
      folder: z.string(),
      sourceId: z.string(),
      sizeBytes: z.number().int(),
      code: z.string(),
      message: z.string(),
      subject: z.string().nullable(),
    }),
  ),
  passes: z.number().int(),
});

const projectStatisticsSchema = z.object({
  mailboxes: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  migrated: byType,
  failedItems: z.number().int(),
  durationMs: z.number().int(),
  bytesPerSecond: z.number().int(),
});

export function statisticsRoutes(app: App, { db, mailer }: ControlPlaneDeps): void {
  app.get(
    '/api/projects/:id/statistics',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Project statistics: items and bytes by type, errors, durations, per-mailbox reconciliation',
        params: idParams,
        response: {
          200: z.object({ project: projectStatisticsSchema, mailboxes: z.array(mailboxStatisticsSchema) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      await settleLicenceUses(db, project.workgroupId, project.id);
      const mailboxes = await mailboxStatistics(db, project.id);
      return { project: summarise(mailboxes), mailboxes };
    },
  );

  app.get(
    '/api/projects/:id/mailboxes/:mailboxId/statistics',
    {
      schema: {
        tags: ['statistics'],
        summary:
          'Statistics of one mailbox: counts by type, per-folder reconciliation and verdict, failed items',
        params: mailboxParams,
        response: { 200: mailboxStatisticsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      const [statistics] = await mailboxStatistics(db, project.id, [request.params.mailboxId]);
      if (statistics === undefined) throw notFound('That mailbox');
      return statistics;
    },
  );

  app.post(
    '/api/projects/:id/statistics/request',
    {
      schema: {
        tags: ['statistics'],
        summary:
          'Request Statistics: email the requesting agent (and the project’s notification recipients) the report',
        params: idParams,
        response: { 202: z.object({ sentTo: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      await settleLicenceUses(db, project.workgroupId, project.id);
      const mailboxes = await mailboxStatistics(db, project.id);
      const report = statisticsReport(project.name, summarise(mailboxes), mailboxes);
      const to = [...new Set([agent.email, ...projectOptions(project).notificationRecipients])];
      const stamp = new Date().toISOString().slice(0, 10);
      await mailer.send({
        to,
        subject: `Ferry statistics: ${project.name}`,
        text: report.text,
        html: report.html,
        attachments: [
          { filename: 'statistics.png', contentType: 'image/png', content: report.chart, cid: CHART_CID },
          {
            filename: `${project.name.replace(/[^\w.-]+/g, '-')}-statistics-${stamp}.csv`,
            contentType: 'text/csv',
            content: report.csv,
          },
        ],
      });
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'statistics.requested',
        target: project.name,
        details: { projectId: project.id, sentTo: to },
      });
      return reply.status(202).send({ sentTo: to });
    },
  );
}
