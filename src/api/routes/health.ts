import { sql } from 'kysely';
import { z } from 'zod';

import type { App } from '../app-type.ts';

import type { Db } from '../../db/database.ts';
import type { QueueRoundTrip } from '../../db/job-queue.ts';

export interface HealthDeps {
  readonly db: Db;
  readonly version: string;
  /** Measures the job queue's round trip with a real job; undefined when this process has no queue. */
  readonly measureQueue: (() => Promise<QueueRoundTrip>) | undefined;
}

const QUEUE_MEASUREMENT_TTL_MS = 10_000;

const componentSchema = z.object({
  status: z.enum(['ok', 'error', 'no_worker', 'disabled']),
  latencyMs: z.number().optional(),
  message: z.string().optional(),
});

export function healthRoutes(app: App, deps: HealthDeps): void {
  // A health poll every second must not put a job on the queue every second.
  let lastQueue: { at: number; value: z.infer<typeof componentSchema> } | undefined;
  let inflight: Promise<z.infer<typeof componentSchema>> | undefined;

  const queueHealth = async (): Promise<z.infer<typeof componentSchema>> => {
    if (deps.measureQueue === undefined) return { status: 'disabled' };
    if (lastQueue !== undefined && Date.now() - lastQueue.at < QUEUE_MEASUREMENT_TTL_MS)
      return lastQueue.value;
    inflight ??= deps
      .measureQueue()
      .then((r): z.infer<typeof componentSchema> => ({ status: r.status, latencyMs: r.latencyMs }))
      .catch((error: unknown) => ({ status: 'error' as const, message: String((error as Error).message) }))
      .then((value) => {
        lastQueue = { at: Date.now(), value };
        inflight = undefined;
        return value;
      });
    return inflight;
  };

  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Liveness of the server, its database and its job queue (no authentication)',
        response: {
          200: z.object({
            status: z.enum(['ok', 'degraded']),
            version: z.string(),
            db: componentSchema,
            queue: componentSchema,
          }),
          503: z.object({
            status: z.literal('error'),
            version: z.string(),
            db: componentSchema,
            queue: componentSchema,
          }),
        },
      },
    },
    async (_request, reply) => {
      const started = performance.now();
      let db: z.infer<typeof componentSchema>;
      try {
        await sql`select 1`.execute(deps.db);
        db = { status: 'ok', latencyMs: Math.round(performance.now() - started) };
      } catch (error) {
        db = { status: 'error', message: (error as Error).message };
      }
      if (db.status !== 'ok') {
        return reply
          .status(503)
          .send({ status: 'error', version: deps.version, db, queue: { status: 'disabled' } });
      }
      const queue = await queueHealth();
      const status: 'ok' | 'degraded' =
        queue.status === 'ok' || queue.status === 'disabled' ? 'ok' : 'degraded';
      return { status, version: deps.version, db, queue };
    },
  );
}
