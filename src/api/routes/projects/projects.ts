import { z } from 'zod';

import { appendAudit } from '../../../db/audit-log.ts';
import { findCustomer } from '../../../db/customers.ts';
import type { Db } from '../../../db/database.ts';
import { type EndpointRecord, findEndpoint } from '../../../db/endpoints.ts';
import {
  activeMailboxes,
  clearSourcePasswords,
  countSourcePasswords,
} from '../../../db/project-mailboxes.ts';
import { sourceSwitchBinding } from '../../../control/endpoint-secret-binding.ts';
import { settleLicenceUses } from '../../../db/project-passes.ts';
import {
  createProject,
  deleteProject,
  listProjects,
  type ProjectRecord,
  saveProjectOptions,
  updateProject,
} from '../../../db/projects.ts';
import { ITEM_TYPES } from '../../../domain/migration.ts';
import {
  type AdvancedOptions,
  checkAdvancedOptions,
  DEFAULT_ADVANCED_OPTIONS,
  ENDPOINT_SUPPORT_KEYS,
  PERFORMANCE_GUIDANCE,
} from '../../../domain/project-options.ts';
import type { M365Settings, ZimbraSettings } from '../../../domain/endpoint-settings.ts';
import type { Agent } from '../../../domain/agents.ts';
import type { App } from '../../app-type.ts';
import { requireAgent } from '../../auth.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { validationRateLimit } from '../../per-agent-rate-limit.ts';
import { HttpError, notFound } from '../../errors.ts';
import { invalid, projectOf, projectScope } from './access.ts';
import { endpointSchema, presentEndpoint, validateEndpoint } from './endpoints.ts';
import {
  emailAddress,
  errorResponses,
  idParams,
  pageOf,
  pageQuery,
  safeText,
  validationSchema,
} from './schemas.ts';

const projectBody = z.object({
  name: safeText({ min: 1, max: 200 }).describe('Project name'),
  customerId: z.uuid().describe('The Customer the project migrates'),
  sourceEndpointId: z.uuid().describe('A Zimbra 6.5+ endpoint'),
  destinationEndpointId: z.uuid().describe('A Microsoft 365 endpoint'),
});

const projectEditBody = projectBody.extend({
  clearMailboxPasswords: z
    .boolean()
    .default(false)
    .describe(
      'Confirms that a source endpoint at another server clears the mailbox passwords (regular-user mode) stored for the old one',
    ),
});

export const projectSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  customerId: z.uuid(),
  sourceEndpointId: z.uuid(),
  destinationEndpointId: z.uuid(),
  createdBy: z.uuid().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

function presentProject(project: ProjectRecord): z.infer<typeof projectSchema> {
  return {
    id: project.id,
    name: project.name,
    customerId: project.customerId,
    sourceEndpointId: project.sourceEndpointId,
    destinationEndpointId: project.destinationEndpointId,
    createdBy: project.createdBy,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
  };
}

export function projectOptions(project: ProjectRecord): AdvancedOptions {
  return { ...DEFAULT_ADVANCED_OPTIONS, ...project.options };
}

const dateOnly = z.iso.date('must be a date as YYYY-MM-DD');

const optionsBody = z.object({
  support: z
    .array(z.string().trim().min(1).max(2000))
    .max(200)
    .default([])
    .describe('Support tab: Key=Value lines'),
  maxConcurrentMigrations: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe(`Performance tab. ${PERFORMANCE_GUIDANCE}`),
  useImpersonation: z
    .boolean()
    .default(true)
    .describe(
      'Source/Destination tab: Use Impersonation to Authenticate (required by the API Permissions approach)',
    ),
  itemTypes: z.array(z.enum(ITEM_TYPES)).default([...ITEM_TYPES]),
  folderFilter: z
    .string()
    .max(1000)
    .nullable()
    .default(null)
    .describe('Folders whose path matches this RE2 pattern (no lookaround, no backreferences) are left out'),
  receivedAfter: dateOnly.nullable().default(null),
  receivedBefore: dateOnly.nullable().default(null),
  maxMessageSizeMB: z.number().int().min(1).max(150).default(35),
  logSubjects: z.boolean().default(false).describe('Log the subjects of items that fail'),
  notificationRecipients: z.array(emailAddress).max(50).default([]),
});

const optionsSchema = optionsBody.required().extend({
  endpointSupport: z
    .array(z.object({ key: z.enum(ENDPOINT_SUPPORT_KEYS), value: z.string(), masked: z.boolean() }))
    .describe('View-only Support options derived from the endpoints; secrets text-masked'),
  performanceGuidance: z.string(),
});

/**
 * The view-only ModernAuth*Import Support options: from the destination endpoint, the secret
 * masked. The *Export ones describe a Microsoft 365 source; a project's source is Zimbra.
 */
function endpointSupport(destination: EndpointRecord | undefined) {
  if (destination === undefined) return [];
  const settings = destination.settings as M365Settings;
  const secret = destination.secretSealed === null ? '' : '********';
  return [
    { key: 'ModernAuthClientIdImport' as const, value: settings.applicationId, masked: false },
    { key: 'ModernAuthTenantIdImport' as const, value: settings.tenantId, masked: false },
    { key: 'ModernAuthClientSecretImport' as const, value: secret, masked: true },
  ];
}

/** The binding rule when a project's source endpoint changes: stored mailbox passwords stay with their server. */
async function sourceSwitch(
  db: Db,
  agent: Agent,
  project: ProjectRecord,
  sourceEndpointId: string,
  clearMailboxPasswords: boolean,
) {
  if (sourceEndpointId === project.sourceEndpointId) return { mailboxPasswordsToClear: 0 };
  const before = await findEndpoint(db, agent.workgroupId, project.sourceEndpointId);
  const after = await findEndpoint(db, agent.workgroupId, sourceEndpointId);
  if (before === undefined || after === undefined) throw notFound('A source endpoint of the project');
  const binding = sourceSwitchBinding({
    before: before.settings as ZimbraSettings,
    after: after.settings as ZimbraSettings,
    mailboxPasswordsStored: await countSourcePasswords(db, { projectId: project.id }),
    clearMailboxPasswords,
  });
  if (binding.problem !== undefined) throw binding.problem;
  return binding;
}

async function checkedReferences(db: Db, agent: Agent, body: z.infer<typeof projectBody>) {
  const problems: { field: string; message: string }[] = [];
  const customer = await findCustomer(db, agent.workgroupId, body.customerId);
  if (customer === undefined)
    problems.push({ field: 'customerId', message: 'is not a customer of your workgroup' });
  const source = await findEndpoint(db, agent.workgroupId, body.sourceEndpointId);
  if (source?.kind !== 'zimbra')
    problems.push({ field: 'sourceEndpointId', message: 'is not a Zimbra 6.5+ endpoint of your workgroup' });
  const destination = await findEndpoint(db, agent.workgroupId, body.destinationEndpointId);
  if (destination?.kind !== 'm365')
    problems.push({
      field: 'destinationEndpointId',
      message: 'is not a Microsoft 365 endpoint of your workgroup',
    });
  if (problems.length > 0) throw invalid(problems);
}

export function projectCrudRoutes(app: App, { db, sealer, outbound }: ControlPlaneDeps): void {
  app.get(
    '/api/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Mailbox projects the agent may see (Project Sharing), searched by name, paged',
        querystring: pageQuery,
        response: {
          200: pageOf(projectSchema.extend({ mailboxCount: z.number().int() })),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const agent = requireAgent(request);
      const { projects, total } = await listProjects(db, await projectScope(db, agent), request.query);
      return {
        items: projects.map((p) => ({ ...presentProject(p), mailboxCount: p.mailboxCount })),
        total,
        page: request.query.page,
        pageSize: request.query.pageSize,
      };
    },
  );

  app.post(
    '/api/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Create Project (Mailbox Project): name, Customer, source and destination endpoints',
        body: projectBody,
        response: { 201: projectSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireAgent(request);
      await checkedReferences(db, agent, request.body);
      const project = await db.transaction().execute(async (trx) => {
        const created = await createProject(trx, {
          ...request.body,
          workgroupId: agent.workgroupId,
          createdBy: agent.id,
        });
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'project.created',
          target: created.name,
          details: { projectId: created.id },
        });
        return created;
      });
      return reply.status(201).send(presentProject(project));
    },
  );

  app.get(
    '/api/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'One mailbox project',
        params: idParams,
        response: { 200: projectSchema, ...errorResponses },
      },
    },
    async (request) => presentProject((await projectOf(db, request, request.params.id)).project),
  );

  app.put(
    '/api/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary:
          'Edit a project: name, Customer, endpoints. A source endpoint at another server needs clearMailboxPasswords while mailbox passwords are stored',
        params: idParams,
        body: projectEditBody,
        response: {
          200: projectSchema.extend({
            mailboxPasswordsCleared: z
              .number()
              .int()
              .describe(
                'Mailbox passwords (regular-user mode) cleared because the source moved to another server',
              ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const { clearMailboxPasswords, ...change } = request.body;
      await checkedReferences(db, agent, change);
      const switched = await sourceSwitch(db, agent, project, change.sourceEndpointId, clearMailboxPasswords);
      const updated = await db.transaction().execute(async (trx) => {
        const saved = await updateProject(trx, project.id, change);
        const mailboxPasswordsCleared =
          switched.mailboxPasswordsToClear > 0
            ? await clearSourcePasswords(trx, { projectId: project.id })
            : 0;
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'project.updated',
          target: saved.name,
          details: {
            projectId: saved.id,
            ...change,
            ...(mailboxPasswordsCleared > 0
              ? { secretsCleared: ['mailboxPasswords'], mailboxPasswordsCleared }
              : {}),
          },
        });
        return { saved, mailboxPasswordsCleared };
      });
      return { ...presentProject(updated.saved), mailboxPasswordsCleared: updated.mailboxPasswordsCleared };
    },
  );

  app.delete(
    '/api/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Delete a project and its mailboxes (pass history and licence log stay)',
        params: idParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const busy = await activeMailboxes(db, project.id, new Date());
      if (busy.length > 0)
        throw new HttpError(
          409,
          'PROJECT_BUSY',
          `${busy.length} mailbox(es) of ${project.name} are in a pass now; stop them before deleting the project.`,
        );
      // Completed passes use their licences before the project's records of them go.
      await settleLicenceUses(db, project.workgroupId, project.id);
      await deleteProject(db, project.id);
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'project.deleted',
        target: project.name,
        details: { projectId: project.id },
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/projects/:id/validate',
    {
      config: { rateLimit: validationRateLimit },
      schema: {
        tags: ['projects'],
        summary:
          'Save and Go to Summary: validate both endpoints (credentials, Modern Authentication) and detect the tenant region',
        params: idParams,
        response: {
          200: z.object({
            ok: z.boolean(),
            source: validationSchema,
            destination: validationSchema,
            regionNotice: z.string().nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const source = await findEndpoint(db, agent.workgroupId, project.sourceEndpointId);
      const destination = await findEndpoint(db, agent.workgroupId, project.destinationEndpointId);
      if (source === undefined || destination === undefined) throw notFound('An endpoint of the project');
      const [sourceResult, destinationResult] = await Promise.all([
        validateEndpoint(db, sealer, outbound, source),
        validateEndpoint(db, sealer, outbound, destination),
      ]);
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'project.validated',
        target: project.name,
        details: {
          projectId: project.id,
          source: sourceResult.ok,
          destination: destinationResult.ok,
          region: destinationResult.region,
        },
      });
      return {
        ok: sourceResult.ok && destinationResult.ok,
        source: sourceResult,
        destination: destinationResult,
        regionNotice: destinationResult.regionNotice,
      };
    },
  );

  app.get(
    '/api/projects/:id/options',
    {
      schema: {
        tags: ['projects'],
        summary: 'Advanced Options: Support, Performance, Source/Destination, filters, notifications',
        params: idParams,
        response: { 200: optionsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const destination = await findEndpoint(db, agent.workgroupId, project.destinationEndpointId);
      return {
        ...projectOptions(project),
        support: [...projectOptions(project).support],
        itemTypes: [...projectOptions(project).itemTypes],
        notificationRecipients: [...projectOptions(project).notificationRecipients],
        endpointSupport: endpointSupport(destination),
        performanceGuidance: PERFORMANCE_GUIDANCE,
      };
    },
  );

  app.put(
    '/api/projects/:id/options',
    {
      schema: {
        tags: ['projects'],
        summary: 'Save Advanced Options; any bad option refuses them all, with the reason per field',
        params: idParams,
        body: optionsBody,
        response: { 200: optionsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const options: AdvancedOptions = request.body;
      const problems = checkAdvancedOptions(options);
      if (problems.length > 0) throw invalid(problems, 'OPTIONS_INVALID');
      await db.transaction().execute(async (trx) => {
        await saveProjectOptions(trx, project.id, options);
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'project.options-saved',
          target: project.name,
          details: { projectId: project.id, maxConcurrentMigrations: options.maxConcurrentMigrations },
        });
      });
      const destination = await findEndpoint(db, agent.workgroupId, project.destinationEndpointId);
      return {
        ...request.body,
        endpointSupport: endpointSupport(destination),
        performanceGuidance: PERFORMANCE_GUIDANCE,
      };
    },
  );

  app.get(
    '/api/projects/:id/summary',
    {
      schema: {
        tags: ['projects'],
        summary:
          'The project summary: its endpoints (secrets as set / not set) and the Region of Destination Tenant',
        params: idParams,
        response: {
          200: z.object({
            project: projectSchema,
            source: endpointSchema.nullable(),
            destination: endpointSchema.nullable(),
            regionNotice: z.string().nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const source = await findEndpoint(db, agent.workgroupId, project.sourceEndpointId);
      const destination = await findEndpoint(db, agent.workgroupId, project.destinationEndpointId);
      const presentedDestination = destination === undefined ? null : presentEndpoint(destination);
      return {
        project: presentProject(project),
        source: source === undefined ? null : presentEndpoint(source),
        destination: presentedDestination,
        regionNotice: presentedDestination?.regionNotice ?? null,
      };
    },
  );
}
