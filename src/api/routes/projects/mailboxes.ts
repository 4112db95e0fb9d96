import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { z } from 'zod';

import { appendAudit } from '../../../db/audit-log.ts';
import type { Db } from '../../../db/database.ts';
import { findEndpoint } from '../../../db/endpoints.ts';
import {
  addMailboxes,
  deleteMailbox,
  existingSources,
  findMailbox,
  findMailboxBySource,
  listMailboxes,
  MAILBOX_SORTS,
  PROJECT_MAILBOX_STATUSES,
  type ProjectMailbox,
  updateMailbox,
} from '../../../db/project-mailboxes.ts';
import { mailboxPassHistory, mailboxProgress, settleLicenceUses } from '../../../db/project-passes.ts';
import type { ProjectRecord } from '../../../db/projects.ts';
import { passwordCommaProblem, type ZimbraSettings } from '../../../domain/endpoint-settings.ts';
import { mailboxKey } from '../../../domain/mailbox-address.ts';
import { type MailboxList, mailboxListSteps } from '../../../domain/mailbox-list.ts';
import { Secret } from '../../../domain/secret.ts';
import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { HttpError, notFound } from '../../errors.ts';
import { invalid, projectOf } from './access.ts';
import { emailAddress, errorResponses, idParams, mailboxParams, pageOf, pageQuery } from './schemas.ts';

export const STATUS_LABELS: Record<(typeof PROJECT_MAILBOX_STATUSES)[number], string> = {
  not_started: 'Not Started',
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  completed_with_errors: 'Completed with errors',
  failed: 'Failed',
  stopped: 'Stopped',
};

const progressSchema = z.object({
  itemsDone: z.number().int(),
  itemsPlanned: z.number().int(),
  bytesDone: z.number().int(),
  foldersDone: z.number().int(),
  foldersTotal: z.number().int(),
  etaSeconds: z.number().int().nullable(),
});

export const mailboxSchema = z.object({
  id: z.uuid(),
  source: z.string(),
  destination: z.string(),
  sourcePassword: z.object({ set: z.boolean() }),
  status: z.enum(PROJECT_MAILBOX_STATUSES),
  statusLabel: z.string(),
  lastPass: z.string().nullable(),
  lastError: z.string().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  scheduledAt: z.date().nullable(),
  progress: progressSchema
    .nullable()
    .describe('While Running: items and bytes done, folders, estimated time left'),
  createdAt: z.date(),
});

/** Mailboxes as the API shows them, with the progress of those running. */
export async function presentMailboxes(db: Db, mailboxes: readonly ProjectMailbox[]) {
  const running = mailboxes.filter((m) => m.status === 'running' && m.lastRunMailboxId !== null);
  const progress = await mailboxProgress(
    db,
    running.map((m) => m.lastRunMailboxId!),
  );
  return mailboxes.map((m): z.infer<typeof mailboxSchema> => {
    const p =
      m.status === 'running' && m.lastRunMailboxId !== null ? progress.get(m.lastRunMailboxId) : undefined;
    const elapsed = m.startedAt === null ? 0 : Date.now() - m.startedAt.getTime();
    const etaSeconds =
      p === undefined || p.itemsDone === 0 || p.itemsPlanned <= p.itemsDone
        ? null
        : Math.round(((elapsed / p.itemsDone) * (p.itemsPlanned - p.itemsDone)) / 1000);
    return {
      id: m.id,
      source: m.source,
      destination: m.destination,
      sourcePassword: { set: m.hasSourcePassword },
      status: m.status,
      statusLabel: STATUS_LABELS[m.status],
      lastPass: m.lastPass,
      lastError: m.lastError,
      startedAt: m.startedAt,
      finishedAt: m.finishedAt,
      scheduledAt: m.scheduledAt,
      progress: p === undefined ? null : { ...p, etaSeconds },
      createdAt: m.createdAt,
    };
  });
}

const mailboxBody = z.object({
  source: emailAddress.describe('Source username: the user mailbox, never the Zimbra admin account'),
  destination: emailAddress.describe('Destination UPN in Microsoft 365'),
  sourcePassword: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe('Regular-user mode only: the mailbox’s Zimbra password (write-only, no commas)'),
});

const bulkBody = z.object({
  csv: z
    .string()
    .min(1)
    .max(10 * 1024 * 1024)
    .describe('The Zimbra admin-console export (Search → Download) or source,destination lines'),
  destinationDomain: z
    .string()
    .trim()
    .regex(/^@?[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'is not a domain such as contoso.com')
    .optional()
    .describe('Rewrite every destination to this domain (required for the Zimbra export, which names none)'),
});

const previewSchema = z.object({
  format: z.enum(['pairs', 'zimbra-export']),
  rows: z.array(z.object({ line: z.number().int(), source: z.string(), destination: z.string() })),
  problems: z.array(z.object({ line: z.number().int(), message: z.string() })),
  skipped: z
    .array(z.object({ line: z.number().int(), source: z.string(), reason: z.string() }))
    .describe('Lines left out, not refused: the Zimbra admin account and system accounts of the export'),
  ok: z.boolean().describe('Whether Bulk Add would import every row'),
});

type Preview = z.infer<typeof previewSchema>;

/**
 * The preview as JSON (previewSchema), a slice at a time: one JSON.stringify of 100,000 rows held
 * the server up for a third of a second.
 */
async function* previewJson(preview: Preview): AsyncGenerator<string> {
  const SLICE = 2_000;
  yield `{"format":${JSON.stringify(preview.format)},"ok":${preview.ok}`;
  for (const key of ['rows', 'problems', 'skipped'] as const) {
    const list: readonly object[] = preview[key];
    yield `,"${key}":[`;
    for (let i = 0; i < list.length; i += SLICE) {
      yield `${i === 0 ? '' : ','}${list
        .slice(i, i + SLICE)
        .map((item) => JSON.stringify(item))
        .join(',')}`;
      await nextTurn();
    }
    yield ']';
  }
  yield '}';
}

/** Parses a list, letting other requests run between slices: a 10 MB list never holds the server up. */
async function readList(
  body: z.infer<typeof bulkBody>,
  adminAccounts: readonly string[],
): Promise<MailboxList> {
  const steps = mailboxListSteps(body.csv, { destinationDomain: body.destinationDomain, adminAccounts });
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await nextTurn();
  }
}

/** Checks a mailbox list against the project: parse problems, the admin account, sources already there. */
async function previewList(db: Db, project: ProjectRecord, body: z.infer<typeof bulkBody>) {
  const admin = await adminAccount(db, project);
  const list = await readList(body, admin === null ? [] : [admin]);
  const problems = [...list.problems];
  const existing = await existingSources(
    db,
    project.id,
    list.rows.map((r) => r.source),
  );
  for (const [index, row] of list.rows.entries()) {
    if (index % 5000 === 4999) await nextTurn();
    if (existing.has(mailboxKey(row.source)))
      problems.push({ line: row.line, message: `${row.source} is already in the project` });
  }
  if (list.rows.length === 0 && problems.length === 0)
    problems.push({ line: 1, message: 'the list names no user mailbox' });
  problems.sort((a, b) => a.line - b.line);
  return {
    format: list.format,
    rows: [...list.rows],
    problems,
    skipped: [...list.skipped],
    ok: problems.length === 0,
  };
}

async function adminAccount(db: Db, project: ProjectRecord): Promise<string | null> {
  const source = await findEndpoint(db, project.workgroupId, project.sourceEndpointId);
  const admin = (source?.settings as ZimbraSettings | undefined)?.adminUsername;
  return admin === undefined || admin === null ? null : mailboxKey(admin);
}

export function mailboxRoutes(app: App, { db, sealer }: ControlPlaneDeps): void {
  app.get(
    '/api/projects/:id/mailboxes',
    {
      schema: {
        tags: ['mailboxes'],
        summary: 'The project’s mailboxes with their status: searched, filtered by status, sorted, paged',
        params: idParams,
        querystring: pageQuery.extend({
          status: z.enum(PROJECT_MAILBOX_STATUSES).optional(),
          sort: z.enum(MAILBOX_SORTS).default('source'),
          order: z.enum(['asc', 'desc']).default('asc'),
        }),
        response: { 200: pageOf(mailboxSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      await settleLicenceUses(db, project.workgroupId, project.id);
      const { mailboxes, total } = await listMailboxes(db, project.id, request.query);
      return {
        items: await presentMailboxes(db, mailboxes),
        total,
        page: request.query.page,
        pageSize: request.query.pageSize,
      };
    },
  );

  app.post(
    '/api/projects/:id/mailboxes',
    {
      schema: {
        tags: ['mailboxes'],
        summary: 'Add one mailbox: source username and destination UPN',
        params: idParams,
        body: mailboxBody,
        response: { 201: mailboxSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const sealed = await checkedPassword(db, project, request.body);
      const result = await addMailboxes(db, project, [
        { source: request.body.source, destination: request.body.destination, sourcePasswordSealed: sealed },
      ]);
      if ('duplicates' in result)
        throw new HttpError(
          409,
          'MAILBOX_EXISTS',
          `${request.body.source} is already in the project ${project.name}.`,
        );
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'mailbox.added',
        target: request.body.source,
        details: { projectId: project.id, destination: request.body.destination },
      });
      const added = await findMailboxBySource(db, project.id, request.body.source);
      return reply.status(201).send((await presentMailboxes(db, [added!]))[0]!);
    },
  );

  app.post(
    '/api/projects/:id/mailboxes/bulk-preview',
    {
      schema: {
        tags: ['mailboxes'],
        summary: 'Bulk Add, step 1: preview the rows a CSV would add, with every bad or duplicate line',
        params: idParams,
        body: bulkBody,
        response: { 200: previewSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { project } = await projectOf(db, request, request.params.id);
      const preview = await previewList(db, project, request.body);
      return reply
        .type('application/json; charset=utf-8')
        .send(Readable.from(previewJson(preview)) as unknown as Preview);
    },
  );

  app.post(
    '/api/projects/:id/mailboxes/bulk',
    {
      schema: {
        tags: ['mailboxes'],
        summary: 'Bulk Add: import every row of the CSV, or none when any line is bad',
        params: idParams,
        body: bulkBody,
        response: { 201: z.object({ added: z.number().int() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const preview = await previewList(db, project, request.body);
      if (!preview.ok) {
        throw new HttpError(
          400,
          'CSV_ROW_INVALID',
          `The list has ${preview.problems.length} bad line(s); nothing was imported: ${preview.problems
            .slice(0, 10)
            .map((p) => `line ${p.line}: ${p.message}`)
            .join('; ')}${preview.problems.length > 10 ? '; …' : ''}`,
          { details: { problems: preview.problems } },
        );
      }
      const result = await addMailboxes(db, project, preview.rows);
      if ('duplicates' in result)
        throw new HttpError(
          409,
          'MAILBOX_EXISTS',
          'Another agent added some of these mailboxes meanwhile; preview again.',
          {
            details: { duplicates: result.duplicates },
          },
        );
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'mailbox.bulk-added',
        target: project.name,
        details: { projectId: project.id, added: result.added, format: preview.format },
      });
      return reply.status(201).send({ added: result.added });
    },
  );

  app.get(
    '/api/projects/:id/mailboxes/:mailboxId',
    {
      schema: {
        tags: ['mailboxes'],
        summary: 'One mailbox with its status, progress and pass history',
        params: mailboxParams,
        response: {
          200: mailboxSchema.extend({
            passes: z.array(
              z.object({
                runId: z.uuid(),
                pass: z.string(),
                status: z.string(),
                error: z.string().nullable(),
                startedBy: z.uuid().nullable(),
                scheduledAt: z.date().nullable(),
                createdAt: z.date(),
                startedAt: z.date().nullable(),
                finishedAt: z.date().nullable(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      await settleLicenceUses(db, project.workgroupId, project.id);
      const mailbox = await findMailbox(db, project.id, request.params.mailboxId);
      if (mailbox === undefined) throw notFound('That mailbox');
      const history = await mailboxPassHistory(db, mailbox.id);
      return {
        ...(await presentMailboxes(db, [mailbox]))[0]!,
        passes: history.map(({ runMailboxId: _, ...entry }) => entry),
      };
    },
  );

  app.put(
    '/api/projects/:id/mailboxes/:mailboxId',
    {
      schema: {
        tags: ['mailboxes'],
        summary: 'Edit a mailbox (not while it is in a pass); omit sourcePassword to keep it',
        params: mailboxParams,
        body: mailboxBody,
        response: { 200: mailboxSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      if ((await findMailbox(db, project.id, request.params.mailboxId)) === undefined)
        throw notFound('That mailbox');
      const sealed = await checkedPassword(db, project, request.body);
      const outcome = await updateMailbox(db, project.id, request.params.mailboxId, {
        source: request.body.source,
        destination: request.body.destination,
        ...(sealed === null ? {} : { sourcePasswordSealed: sealed }),
      });
      if (outcome === 'duplicate')
        throw new HttpError(
          409,
          'MAILBOX_EXISTS',
          `${request.body.source} is already in the project ${project.name}.`,
        );
      if (outcome === 'busy')
        throw new HttpError(
          409,
          'MAILBOX_BUSY',
          'The mailbox is in a pass now; stop it or wait for it to finish.',
        );
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'mailbox.updated',
        target: request.body.source,
        details: {
          projectId: project.id,
          destination: request.body.destination,
          passwordReplaced: sealed !== null,
        },
      });
      return (
        await presentMailboxes(db, [(await findMailbox(db, project.id, request.params.mailboxId))!])
      )[0]!;
    },
  );

  app.delete(
    '/api/projects/:id/mailboxes/:mailboxId',
    {
      schema: {
        tags: ['mailboxes'],
        summary: 'Remove a mailbox from the project (not while it is in a pass)',
        params: mailboxParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const mailbox = await findMailbox(db, project.id, request.params.mailboxId);
      if (mailbox === undefined) throw notFound('That mailbox');
      await settleLicenceUses(db, project.workgroupId, project.id);
      if ((await deleteMailbox(db, mailbox.id)) === 'busy')
        throw new HttpError(
          409,
          'MAILBOX_BUSY',
          'The mailbox is in a pass now; stop it or wait for it to finish.',
        );
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'mailbox.removed',
        target: mailbox.source,
        details: { projectId: project.id },
      });
      return reply.status(204).send(null);
    },
  );

  async function checkedPassword(
    db: Db,
    project: ProjectRecord,
    body: z.infer<typeof mailboxBody>,
  ): Promise<string | null> {
    const admin = await adminAccount(db, project);
    if (admin !== null && mailboxKey(body.source) === admin)
      throw invalid([
        {
          field: 'source',
          message: 'is the Zimbra admin account: add the user mailbox to migrate, not the admin',
        },
      ]);
    if (body.sourcePassword === undefined) return null;
    const source = await findEndpoint(db, project.workgroupId, project.sourceEndpointId);
    if ((source?.settings as ZimbraSettings | undefined)?.provideCredentials !== false)
      throw invalid([
        {
          field: 'sourcePassword',
          message: 'is only for regular-user mode: the source endpoint signs in as the admin',
        },
      ]);
    const comma = passwordCommaProblem(body.sourcePassword);
    if (comma !== undefined) throw invalid([{ field: 'sourcePassword', message: comma }]);
    return sealer.seal(new Secret(body.sourcePassword));
  }
}
