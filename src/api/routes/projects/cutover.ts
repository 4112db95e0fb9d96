import { z } from 'zod';

import { findEndpoint } from '../../../db/endpoints.ts';
import { finishedPassWork, remainingWork } from '../../../db/estimate-inputs.ts';
import { findMailboxes } from '../../../db/project-mailboxes.ts';
import { mailboxStatistics } from '../../../db/project-statistics.ts';
import type { Db } from '../../../db/database.ts';
import type { ProjectRecord } from '../../../db/projects.ts';
import { exchangeRoutingScript, zimbraForwardingScript } from '../../../domain/coexistence-commands.ts';
import { DNS_CHECKS, domainsOf } from '../../../domain/cutover-dns.ts';
import { estimateProject, MICROSOFT_MAILBOX_LIMITS } from '../../../domain/duration-estimate.ts';
import type { M365Settings, ZimbraSettings } from '../../../domain/endpoint-settings.ts';
import { createDnsChecker } from '../../../net/dns-records.ts';
import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { perAgentRateLimit } from '../../per-agent-rate-limit.ts';
import { invalid, projectOf } from './access.ts';
import { projectOptions } from './projects.ts';
import { errorResponses, idParams } from './schemas.ts';
import { type ZimbraSize, zimbraSizes } from './zimbra-sizes.ts';

/** Mailboxes one worker process runs at once unless told otherwise (FERRY_WORKER_MAILBOXES). */
export const DEFAULT_WORKER_MAILBOXES = 100;
/** More domains than this in one project is a mistake in its mailbox list, not a cutover. */
const MAX_DOMAINS = 50;
/** Each check asks every resolver four questions per domain: enough to watch a change, not to flood them. */
const dnsRateLimit = perAgentRateLimit(30, 'DNS records can be checked');

const estimateBody = z.object({
  mailboxIds: z
    .array(z.uuid())
    .min(1)
    .max(100_000)
    .optional()
    .describe('The mailboxes the pass would run (default: all of the project)'),
  workers: z
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(1)
    .describe('Worker processes (ferry worker / ferry start)'),
  mailboxesPerWorker: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(DEFAULT_WORKER_MAILBOXES)
    .describe('Mailboxes each worker runs at once'),
  askZimbra: z
    .boolean()
    .default(false)
    .describe('Size the mailboxes no pass has listed yet from Zimbra’s folder list (item counts and sizes)'),
});

const mailboxEstimateSchema = z.object({
  mailboxId: z.uuid(),
  source: z.string(),
  known: z
    .boolean()
    .describe('False: its size is unknown (no pass has listed its folders, Zimbra not asked)'),
  sizedFrom: z
    .enum(['passes', 'zimbra'])
    .nullable()
    .describe(
      'passes: what is left after the recorded passes; zimbra: the whole mailbox as Zimbra counts it',
    ),
  sizeError: z.string().nullable().describe('Why Zimbra could not size it, when asked'),
  messages: z.number().int(),
  messageBytes: z.number().int(),
  contacts: z.number().int(),
  events: z.number().int(),
  tasks: z.number().int(),
  requests: z.number().int(),
  uploadBytes: z.number().int(),
  durationMs: z.number().int(),
  binding: z.enum(['requests', 'upload', 'concurrency']),
});

const dnsCheckSchema = z.object({
  kind: z.enum(DNS_CHECKS),
  name: z.string(),
  type: z.string(),
  expected: z.string(),
  state: z.enum(['done', 'propagating', 'not_yet', 'unknown']),
  answers: z.array(
    z.object({
      resolver: z.string(),
      records: z.array(z.string()),
      error: z.string().optional(),
      ready: z.boolean(),
    }),
  ),
});

const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
    'is not a host name',
  );

const commandsBody = z.object({
  mailboxIds: z.array(z.uuid()).min(1).max(10_000).describe('The batch: mailboxes migrated to Microsoft 365'),
  batchName: z.string().trim().min(1).max(100).default('this batch'),
  forwardingDomain: hostName.describe(
    'Where Zimbra forwards: the tenant’s "<tenant>.onmicrosoft.com" or a routing domain whose MX is Exchange Online',
  ),
  keepLocalCopy: z
    .boolean()
    .default(false)
    .describe('Also deliver to the Zimbra mailbox (zimbraPrefMailLocalDeliveryDisabled FALSE)'),
  zimbraSmartHost: hostName.describe('The Zimbra MTA Exchange Online relays mail for users not moved yet to'),
  sharedDomains: z
    .array(hostName)
    .min(1)
    .max(MAX_DOMAINS)
    .optional()
    .describe('Default: the project’s domains'),
});

/** The project's domains: its mailboxes' Microsoft 365 domains and Zimbra domains. */
async function projectDomains(db: Db, projectId: string) {
  const rows = await db
    .selectFrom('project_mailboxes')
    .select(['source', 'destination'])
    .where('project_id', '=', projectId)
    .execute();
  const destination = new Set(domainsOf(rows.map((r) => r.destination)));
  const source = new Set(domainsOf(rows.map((r) => r.source)));
  return [...new Set([...destination, ...source])].sort().map((domain) => ({
    domain,
    roles: [
      ...(destination.has(domain) ? ['destination' as const] : []),
      ...(source.has(domain) ? ['source' as const] : []),
    ],
  }));
}

/** Defaults the page offers: the tenant's onmicrosoft domain when the endpoint names it, Zimbra's host. */
async function commandDefaults(db: Db, project: ProjectRecord) {
  const source = await findEndpoint(db, project.workgroupId, project.sourceEndpointId);
  const destination = await findEndpoint(db, project.workgroupId, project.destinationEndpointId);
  const tenant = (destination?.settings as M365Settings | undefined)?.tenantId ?? '';
  const serverUrl = (source?.settings as ZimbraSettings | undefined)?.serverUrl ?? '';
  const zimbraHost = URL.canParse(serverUrl) ? new URL(serverUrl).hostname || null : null;
  return {
    forwardingDomain: /\.onmicrosoft\.com$/i.test(tenant) ? tenant.toLowerCase() : null,
    zimbraSmartHost: zimbraHost,
  };
}

export function cutoverRoutes(app: App, deps: ControlPlaneDeps): void {
  const { db, dnsServers } = deps;
  const dns = createDnsChecker(dnsServers ?? []);

  app.post(
    '/api/projects/:id/estimate',
    {
      schema: {
        tags: ['cutover'],
        summary:
          'Duration estimate at Microsoft’s per-mailbox ceiling: each mailbox, and the project at its Maximum concurrent migrations and workers',
        params: idParams,
        body: estimateBody,
        response: {
          200: z.object({
            durationMs: z.number().int(),
            slots: z.number().int().describe('Mailboxes in flight at once'),
            unknownMailboxes: z
              .number()
              .int()
              .describe('Mailboxes no pass has listed yet, left out of the total'),
            mailboxes: z.array(mailboxEstimateSchema),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      const { mailboxIds, workers, mailboxesPerWorker, askZimbra } = request.body;
      if (mailboxIds !== undefined) {
        const ids = [...new Set(mailboxIds)];
        const found = await findMailboxes(db, project.id, ids);
        if (found.length !== ids.length)
          throw invalid([{ field: 'mailboxIds', message: 'are not all mailboxes of this project' }]);
      }
      const recorded = await remainingWork(db, project.id, mailboxIds);
      const unsized = recorded.filter((r) => !r.known);
      const fromZimbra =
        askZimbra && unsized.length > 0
          ? await zimbraSizes(
              deps,
              project,
              await findMailboxes(
                db,
                project.id,
                unsized.map((r) => r.mailboxId),
              ),
            )
          : new Map<string, ZimbraSize>();
      const remaining = recorded.map((r) => {
        const sized = fromZimbra.get(r.source);
        if (r.known || sized === undefined)
          return { ...r, sizedFrom: r.known ? ('passes' as const) : null, sizeError: null };
        return 'work' in sized
          ? { ...r, known: true, work: sized.work, sizedFrom: 'zimbra' as const, sizeError: null }
          : { ...r, sizedFrom: null, sizeError: sized.error };
      });
      const known = remaining.filter((r) => r.known);
      const estimate = estimateProject(
        known.map((r) => r.work),
        {
          maxConcurrentMigrations: projectOptions(project).maxConcurrentMigrations,
          workers,
          mailboxesPerWorker,
        },
      );
      return {
        durationMs: estimate.durationMs,
        slots: estimate.slots,
        unknownMailboxes: remaining.length - known.length,
        mailboxes: remaining.map((r) => {
          const index = known.indexOf(r);
          const e = estimate.mailboxes[index];
          return {
            mailboxId: r.mailboxId,
            source: r.source,
            known: r.known,
            sizedFrom: r.sizedFrom,
            sizeError: r.sizeError,
            messages: r.work.messages,
            messageBytes: r.work.messageBytes,
            contacts: r.work.contacts,
            events: r.work.events,
            tasks: r.work.tasks,
            requests: e?.requests ?? 0,
            uploadBytes: e?.uploadBytes ?? 0,
            durationMs: e?.durationMs ?? 0,
            binding: e?.binding ?? 'concurrency',
          };
        }),
      };
    },
  );

  app.get(
    '/api/projects/:id/estimate/passes',
    {
      schema: {
        tags: ['cutover'],
        summary: 'Finished passes: the estimate for what each moved, against its measured duration',
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: {
          200: z.object({
            passes: z.array(
              z.object({
                runId: z.uuid(),
                pass: z.string(),
                mailboxes: z.number().int(),
                items: z.number().int(),
                bytes: z.number().int(),
                estimatedMs: z.number().int(),
                measuredMs: z.number().int(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      const passes = await finishedPassWork(db, project.id, request.query.limit);
      return {
        passes: passes.map((p) => ({
          runId: p.runId,
          pass: p.pass,
          mailboxes: p.mailboxes.length,
          items: p.mailboxes.reduce((n, m) => n + m.messages + m.contacts + m.events + m.tasks, 0),
          bytes: p.mailboxes.reduce((n, m) => n + m.messageBytes, 0),
          estimatedMs: estimateProject(
            p.mailboxes,
            {
              maxConcurrentMigrations: p.maxConcurrent,
              workers: 1,
              mailboxesPerWorker: DEFAULT_WORKER_MAILBOXES,
            },
            MICROSOFT_MAILBOX_LIMITS,
          ).durationMs,
          measuredMs: p.finishedAt.getTime() - p.startedAt.getTime(),
        })),
      };
    },
  );

  app.get(
    '/api/projects/:id/cutover',
    {
      schema: {
        tags: ['cutover'],
        summary:
          'Cutover assistant: the project’s domains, the resolvers asked, defaults for the coexistence commands',
        params: idParams,
        response: {
          200: z.object({
            domains: z.array(
              z.object({ domain: z.string(), roles: z.array(z.enum(['destination', 'source'])) }),
            ),
            resolvers: z.array(z.string()),
            defaults: z.object({
              forwardingDomain: z.string().nullable(),
              zimbraSmartHost: z.string().nullable(),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      return {
        domains: await projectDomains(db, project.id),
        resolvers: [...dns.resolvers],
        defaults: await commandDefaults(db, project),
      };
    },
  );

  app.get(
    '/api/projects/:id/cutover/dns',
    {
      config: { rateLimit: dnsRateLimit },
      schema: {
        tags: ['cutover'],
        summary:
          'MX, Autodiscover (CNAME, SRV) and SPF of each domain of the project, asked of every configured resolver: now, needed, propagated',
        params: idParams,
        response: {
          200: z.object({
            checkedAt: z.date(),
            resolvers: z.array(z.string()),
            domains: z.array(
              z.object({
                domain: z.string(),
                roles: z.array(z.enum(['destination', 'source'])),
                state: z
                  .enum(['done', 'propagating', 'not_yet', 'unknown'])
                  .describe('The least advanced of its checks'),
                checks: z.array(dnsCheckSchema),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      const domains = (await projectDomains(db, project.id)).slice(0, MAX_DOMAINS);
      const order = ['unknown', 'not_yet', 'propagating', 'done'] as const;
      const reports = await Promise.all(
        domains.map(async ({ domain, roles }) => {
          const { checks } = await dns.check(domain);
          const state = order[Math.min(...checks.map((c) => order.indexOf(c.state)))] ?? 'unknown';
          return {
            domain,
            roles,
            state,
            checks: checks.map((c) => ({
              ...c,
              answers: c.answers.map((a) => ({ ...a, records: [...a.records] })),
            })),
          };
        }),
      );
      return { checkedAt: new Date(), resolvers: [...dns.resolvers], domains: reports };
    },
  );

  app.post(
    '/api/projects/:id/cutover/commands',
    {
      schema: {
        tags: ['cutover'],
        summary:
          'Coexistence commands for a batch: Zimbra forwarding for its migrated users, Exchange Online routing for the users still on Zimbra',
        params: idParams,
        body: commandsBody,
        response: {
          200: z.object({
            zimbra: z.object({ filename: z.string(), script: z.string() }),
            exchange: z.object({ filename: z.string(), script: z.string() }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      const body = request.body;
      const ids = [...new Set(body.mailboxIds)];
      const mailboxes = await findMailboxes(db, project.id, ids);
      if (mailboxes.length !== ids.length)
        throw invalid([{ field: 'mailboxIds', message: 'are not all mailboxes of this project' }]);
      const batch = {
        name: body.batchName,
        users: mailboxes.map((m) => ({ source: m.source, destination: m.destination })),
        forwardingDomain: body.forwardingDomain,
        keepLocalCopy: body.keepLocalCopy,
        sharedDomains: body.sharedDomains ?? domainsOf(mailboxes.map((m) => m.destination)),
        zimbraSmartHost: body.zimbraSmartHost,
        generatedAt: new Date(),
      };
      const stem = `${project.name}-${body.batchName}`.replace(/[^\w.-]+/g, '-').slice(0, 80);
      return {
        zimbra: { filename: `${stem}-zimbra-forwarding.sh`, script: zimbraForwardingScript(batch) },
        exchange: { filename: `${stem}-exchange-routing.ps1`, script: exchangeRoutingScript(batch) },
      };
    },
  );

  app.get(
    '/api/projects/:id/cutover/comparison',
    {
      schema: {
        tags: ['cutover'],
        summary:
          'Final comparison: per mailbox, items Zimbra holds (latest folder plans) against items in Microsoft 365',
        params: idParams,
        response: {
          200: z.object({
            mailboxes: z.array(
              z.object({
                mailboxId: z.uuid(),
                source: z.string(),
                destination: z.string(),
                lastPass: z.string().nullable(),
                status: z.string(),
                sourceItems: z.number().int(),
                destinationItems: z.number().int(),
                failedItems: z.number().int(),
                verdict: z.enum(['complete', 'failed-items', 'incomplete', 'not-migrated']),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      const statistics = await mailboxStatistics(db, project.id);
      return {
        mailboxes: statistics.map((m) => {
          const sum = (pick: (f: (typeof m.folders)[number]) => number) =>
            m.folders.reduce((n, f) => n + pick(f), 0);
          const sourceItems = sum((f) => f.source);
          const destinationItems = sum((f) => f.atDestination);
          const failedItems = sum((f) => f.failed);
          return {
            mailboxId: m.mailboxId,
            source: m.source,
            destination: m.destination,
            lastPass: m.lastPass,
            status: m.status,
            sourceItems,
            destinationItems,
            failedItems,
            verdict:
              m.folders.length === 0
                ? ('not-migrated' as const)
                : failedItems > 0
                  ? ('failed-items' as const)
                  : destinationItems >= sourceItems
                    ? ('complete' as const)
                    : ('incomplete' as const),
          };
        }),
      };
    },
  );
}
