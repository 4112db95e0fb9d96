import { z } from 'zod';

import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../db/job-queue.ts';
import type { App } from '../app-type.ts';
import { requireRole } from '../auth.ts';
import { WorkgroupMetrics } from '../metrics/workgroup-metrics.ts';
import { errorResponses } from '../schemas.ts';

/**
 * Prometheus scrapes on the main port with an Administrator's API token ("Authorization: Bearer
 * fry_…"): the series are the token's workgroup's projects, so no workgroup sees another's.
 */
export function metricsRoutes(app: App, deps: { db: Db; queue: JobQueue | undefined }): void {
  const metrics = new WorkgroupMetrics(deps.db, deps.queue);
  app.get(
    '/api/metrics',
    {
      schema: {
        tags: ['metrics'],
        summary:
          'Prometheus metrics of your workgroup’s projects: items, bytes, failures by code, throttled time, mailboxes by status, passes running, queue depth (Administrator)',
        produces: ['text/plain'],
        response: {
          200: z.string().describe('Prometheus text exposition format 0.0.4'),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const agent = requireRole(request, 'administrator');
      const { contentType, body } = await metrics.scrape(agent.workgroupId);
      return reply.type(contentType).header('cache-control', 'no-store').send(body);
    },
  );
}
