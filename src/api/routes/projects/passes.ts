import { z } from 'zod';

import { appendAudit } from '../../../db/audit-log.ts';
import type { Db } from '../../../db/database.ts';
import { findEndpoint } from '../../../db/endpoints.ts';
import { usersWithoutLicence } from '../../../db/licences.ts';
import { activeMailboxes, findMailboxes, type ProjectMailboxStatus } from '../../../db/project-mailboxes.ts';
import {
  busyMailboxes,
  ensureLaunchQueue,
  LAUNCH_PASS_QUEUE,
  launchScheduledPass,
  projectPassHistory,
  settleLicenceUses,
  startProjectPass,
  stopProjectMailboxes,
} from '../../../db/project-passes.ts';
import type { ProjectRecord } from '../../../db/projects.ts';
import { cloudAddresses, type M365Settings, type ZimbraSettings } from '../../../domain/endpoint-settings.ts';
import type { PassEndpoints } from '../../../domain/endpoints.ts';
import { LICENSED_PASSES } from '../../../domain/licences.ts';
import { PASS_KINDS, type PassKind } from '../../../domain/migration.ts';
import { passOptionsFor } from '../../../domain/project-options.ts';
import type { SecretSealer } from '../../../domain/ports.ts';
import { Secret } from '../../../domain/secret.ts';
import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { HttpError, notFound } from '../../errors.ts';
import { invalid, projectOf } from './access.ts';
import { presentMailboxes } from './mailboxes.ts';
import { projectOptions } from './projects.ts';
import { errorResponses, idParams } from './schemas.ts';

export const PASS_LABELS: Record<PassKind, string> = {
  verify: 'Verify Credentials',
  trial: 'Trial',
  prestage: 'Pre-Stage Migration',
  full: 'Full Migration',
  retry: 'Retry Errors',
};

const startBody = z.object({
  pass: z
    .enum(PASS_KINDS)
    .describe('verify = Verify Credentials, trial, prestage = Pre-Stage, full = Full, retry = Retry Errors'),
  mailboxIds: z.array(z.uuid()).min(1).max(100_000),
  prestage: z
    .union([
      z.object({ daysAgo: z.union([z.literal(30), z.literal(60), z.literal(90)]) }),
      z.object({ before: z.iso.date('must be a date as YYYY-MM-DD') }),
    ])
    .optional()
    .describe(
      'Migration Scheduling of a Pre-Stage pass: mail older than 30/60/90 days, or before a date (default 90 days ago)',
    ),
  scheduledAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Start the pass at this time instead of now'),
});

const historySchema = z.object({
  runId: z.uuid(),
  pass: z.enum(PASS_KINDS),
  passLabel: z.string(),
  startedBy: z.uuid().nullable(),
  scheduledAt: z.date().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  mailboxes: z.record(z.string(), z.number().int()).describe('How many of its mailboxes are in each status'),
});

/** The sealed endpoints of a pass: the project's endpoints with their secrets, and user-mode passwords. */
async function sealedEndpoints(
  db: Db,
  sealer: SecretSealer,
  project: ProjectRecord,
  mailboxes: readonly { source: string; sourcePasswordSealed: string | null }[],
): Promise<string> {
  const source = await findEndpoint(db, project.workgroupId, project.sourceEndpointId);
  const destination = await findEndpoint(db, project.workgroupId, project.destinationEndpointId);
  if (source === undefined || destination === undefined) throw notFound('An endpoint of the project');
  const zimbra = source.settings as ZimbraSettings;
  const m365 = destination.settings as M365Settings;
  if (destination.secretSealed === null)
    throw invalid(
      [
        {
          field: 'destination',
          message: `the endpoint ${destination.name} has no Client Secret: Ferry migrates with application permissions; enter the Client Secret`,
        },
      ],
      'CLIENT_SECRET_MISSING',
    );
  if (zimbra.provideCredentials && source.secretSealed === null)
    throw invalid(
      [{ field: 'source', message: `the endpoint ${source.name} has no admin password` }],
      'SOURCE_CREDENTIALS_MISSING',
    );
  const userMode = !zimbra.provideCredentials;
  if (userMode) {
    const without = mailboxes.filter((m) => m.sourcePasswordSealed === null).map((m) => m.source);
    if (without.length > 0)
      throw invalid(
        [
          {
            field: 'mailboxIds',
            message: `regular-user mode needs each mailbox's Zimbra password; none is set for ${without.join(', ')}`,
          },
        ],
        'SOURCE_PASSWORD_MISSING',
      );
  }
  const { authorityUrl, graphUrl } = cloudAddresses(m365);
  const endpoints: PassEndpoints = {
    source: {
      type: 'zimbra',
      url: zimbra.serverUrl,
      adminUrl: zimbra.adminUrl,
      username: userMode ? undefined : (zimbra.adminUsername ?? undefined),
      password: userMode ? undefined : sealer.open(source.secretSealed!).reveal(),
      userPasswords: userMode
        ? Object.fromEntries(
            mailboxes.map((m) => [m.source.toLowerCase(), sealer.open(m.sourcePasswordSealed!).reveal()]),
          )
        : {},
    },
    destination: {
      type: 'm365',
      tenantId: m365.tenantId,
      clientId: m365.applicationId,
      clientSecret: sealer.open(destination.secretSealed).reveal(),
      authorityUrl,
      graphUrl,
    },
  };
  return sealer.seal(new Secret(JSON.stringify(endpoints)));
}

/** The reason, in words, why Retry Errors leaves out each selected mailbox without failed items. */
function notRetryable(
  mailboxes: readonly { id: string; source: string; status: ProjectMailboxStatus }[],
): { mailboxId: string; source: string; reason: string }[] {
  const reasons: Partial<Record<ProjectMailboxStatus, string>> = {
    not_started: 'has not been migrated yet: run a Pre-Stage or Full Migration first',
    completed: 'completed without errors: it has nothing to retry',
    failed:
      'failed before it finished, so it has no failed items to retry: open its red error, fix the reason and start the same pass again',
    stopped: 'was stopped: start its pass again to finish it',
  };
  return mailboxes.flatMap((m) => {
    const reason = reasons[m.status];
    return reason === undefined ? [] : [{ mailboxId: m.id, source: m.source, reason }];
  });
}

export function passRoutes(app: App, { db, sealer, queue, logger }: ControlPlaneDeps): void {
  if (queue !== undefined) {
    // Scheduled starts are launched by a job that waits (pg-boss startAfter) until their time.
    app.addHook('onReady', async () => {
      await ensureLaunchQueue(queue);
      // A delayed job wakes no one when it becomes due: poll often enough that a start is seconds late at most.
      const polling = { pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 };
      await queue.work<{ runId: string }>(LAUNCH_PASS_QUEUE, polling, async ([job]) => {
        if (job !== undefined) await launchScheduledPass(db, job.data.runId);
      });
    });
    app.addHook('onClose', async () => {
      await queue
        .offWork(LAUNCH_PASS_QUEUE)
        .catch((error: unknown) => logger.warn({ err: error }, 'stopping the pass launcher failed'));
    });
  }

  app.post(
    '/api/projects/:id/passes',
    {
      schema: {
        tags: ['passes'],
        summary:
          'Start: Verify Credentials, Trial, Pre-Stage, Full or Retry Errors for the selected mailboxes',
        params: idParams,
        body: startBody,
        response: {
          202: z.object({
            runId: z.uuid(),
            pass: z.enum(PASS_KINDS),
            mailboxes: z.number().int(),
            scheduledAt: z.date().nullable(),
            skipped: z
              .array(z.object({ mailboxId: z.uuid(), source: z.string(), reason: z.string() }))
              .describe('Retry Errors: selected mailboxes left out, each with the reason in words'),
          }),
          ...errorResponses,
          503: errorResponses[400],
        },
      },
    },
    async (request, reply) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      if (queue === undefined)
        throw new HttpError(
          503,
          'QUEUE_UNAVAILABLE',
          'This Ferry process runs no job queue; start it with "ferry start" or "ferry server".',
        );
      const { pass, mailboxIds } = request.body;
      if (pass !== 'prestage' && request.body.prestage !== undefined)
        throw invalid([{ field: 'prestage', message: 'is only for a Pre-Stage pass' }]);
      const ids = [...new Set(mailboxIds)];
      const selected = await findMailboxes(db, project.id, ids);
      if (selected.length !== ids.length) {
        const found = new Set(selected.map((m) => m.id));
        throw invalid([
          {
            field: 'mailboxIds',
            message: `are not mailboxes of this project: ${ids.filter((id) => !found.has(id)).join(', ')}`,
          },
        ]);
      }
      const busy = await busyMailboxes(db, project.id, ids);
      if (busy.length > 0)
        throw new HttpError(
          409,
          'MAILBOX_BUSY',
          `These mailboxes are in a pass already; stop them or wait: ${busy.join(', ')}.`,
          {
            details: { mailboxes: busy },
          },
        );
      // Retry Errors on a mixed selection retries the mailboxes with failed items and names the others.
      const skipped = pass === 'retry' ? notRetryable(selected) : [];
      const mailboxes = selected.filter((m) => !skipped.some((s) => s.mailboxId === m.id));
      if (mailboxes.length === 0)
        throw new HttpError(
          400,
          'NOTHING_TO_RETRY',
          `Retry Errors moves again the items that failed in a pass that completed with errors; none of the selected mailboxes has such items: ${skipped.map((s) => `${s.source} ${s.reason}`).join('; ')}.`,
          { details: { skipped } },
        );
      if ((LICENSED_PASSES as readonly string[]).includes(pass)) {
        const unlicensed = await usersWithoutLicence(
          db,
          agent.workgroupId,
          mailboxes.map((m) => m.source),
        );
        if (unlicensed.length > 0)
          throw new HttpError(
            400,
            'LICENCE_REQUIRED',
            `A ${PASS_LABELS[pass]} pass needs a User Migration Bundle licence for each user; these users hold none: ${unlicensed.join(', ')}. Open Customers → the customer → Users, select them and click Apply User Migration Bundle License (a Manager or Administrator can Purchase more). Nothing was started.`,
            { details: { users: unlicensed } },
          );
      }
      const options = projectOptions(project);
      if (!options.useImpersonation)
        throw invalid(
          [
            {
              field: 'useImpersonation',
              message:
                'must be checked (Advanced Options → Source/Destination): the API Permissions approach requires Use Impersonation to Authenticate',
            },
          ],
          'OPTIONS_INVALID',
        );
      const scheduledAt =
        request.body.scheduledAt === undefined ? undefined : new Date(request.body.scheduledAt);
      const { runId } = await startProjectPass(db, queue, {
        projectId: project.id,
        name: `${project.name}: ${PASS_LABELS[pass]}`,
        options: passOptionsFor(options, pass, request.body.prestage, Date.now()),
        endpointsSealed: await sealedEndpoints(db, sealer, project, mailboxes),
        maxConcurrent: options.maxConcurrentMigrations,
        mailboxes,
        startedBy: agent.id,
        scheduledAt,
      });
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'pass.started',
        target: project.name,
        details: {
          projectId: project.id,
          runId,
          pass,
          mailboxes: mailboxes.length,
          scheduledAt: request.body.scheduledAt ?? null,
        },
      });
      return reply.status(202).send({
        runId,
        pass,
        mailboxes: mailboxes.length,
        scheduledAt: scheduledAt !== undefined && scheduledAt.getTime() > Date.now() ? scheduledAt : null,
        skipped,
      });
    },
  );

  app.post(
    '/api/projects/:id/passes/stop',
    {
      schema: {
        tags: ['passes'],
        summary:
          'Stop the selected mailboxes: waiting ones never start, running ones stop at their next page',
        params: idParams,
        body: z.object({ mailboxIds: z.array(z.uuid()).min(1).max(100_000) }),
        response: {
          200: z.object({ stopped: z.number().int() }),
          ...errorResponses,
          503: errorResponses[400],
        },
      },
    },
    async (request) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      if (queue === undefined)
        throw new HttpError(503, 'QUEUE_UNAVAILABLE', 'This Ferry process runs no job queue.');
      const stopped = await stopProjectMailboxes(db, project.id, request.body.mailboxIds, agent.email);
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'pass.stopped',
        target: project.name,
        details: { projectId: project.id, mailboxes: stopped },
      });
      return { stopped };
    },
  );

  app.get(
    '/api/projects/:id/passes',
    {
      schema: {
        tags: ['passes'],
        summary: 'Pass history of the project, newest first',
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ passes: z.array(historySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      await settleLicenceUses(db, project.workgroupId, project.id);
      const passes = await projectPassHistory(db, project.id, request.query.limit);
      return { passes: passes.map((p) => ({ ...p, passLabel: PASS_LABELS[p.pass] })) };
    },
  );

  app.get(
    '/api/projects/:id/events',
    {
      schema: {
        tags: ['passes'],
        summary:
          'Live mailbox status and progress as server-sent events ("mailbox" events; reconnect after "end")',
        params: idParams,
        querystring: z.object({
          seconds: z.coerce
            .number()
            .int()
            .min(1)
            .max(600)
            .default(300)
            .describe('How long the stream stays open'),
        }),
      },
    },
    async (request, reply) => {
      const { project } = await projectOf(db, request, request.params.id);
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
      });
      const until = Date.now() + request.query.seconds * 1000;
      const sent = new Map<string, string>();
      // finished_at is stamped before its transaction commits: a window that only moved on from
      // the last tick would miss a mailbox whose commit landed after it. Overlapping windows read
      // such a mailbox again; `sent` keeps each state to one event.
      const overlapMs = 60_000;
      let since = new Date(Date.now() - overlapMs);
      let open = true;
      request.raw.on('close', () => {
        open = false;
      });
      while (open && Date.now() < until) {
        const tick = new Date();
        const changed = await presentMailboxes(db, await activeMailboxes(db, project.id, since));
        for (const mailbox of changed) {
          const text = JSON.stringify(mailbox);
          const key = JSON.stringify({
            ...mailbox,
            progress: mailbox.progress && { ...mailbox.progress, etaSeconds: 0 },
          });
          if (sent.get(mailbox.id) === key) continue;
          sent.set(mailbox.id, key);
          reply.raw.write(`event: mailbox\ndata: ${text}\n\n`);
        }
        since = new Date(tick.getTime() - overlapMs);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      if (open) reply.raw.end('event: end\ndata: {}\n\n');
    },
  );
}
