import { z } from 'zod';

import { appendAudit } from '../../../db/audit-log.ts';
import type { Db } from '../../../db/database.ts';
import {
  createEndpoint,
  deleteEndpoint,
  type EndpointRecord,
  findEndpoint,
  listEndpoints,
  recordEndpointValidation,
  updateEndpoint,
} from '../../../db/endpoints.ts';
import {
  adminConsentUrl,
  defaultAdminUrl,
  ENDPOINT_KIND_LABELS,
  ENDPOINT_KINDS,
  type M365Settings,
  NATIONAL_CLOUD_NAMES,
  passwordCommaProblem,
  regionName,
  regionNotice,
  REQUIRED_GRAPH_PERMISSIONS,
  type ZimbraSettings,
  zmprovCommands,
} from '../../../domain/endpoint-settings.ts';
import type { SecretSealer } from '../../../domain/ports.ts';
import {
  endpointSecretBinding,
  type EndpointSettingsChange,
} from '../../../control/endpoint-secret-binding.ts';
import { clearSourcePasswords, countSourcePasswords } from '../../../db/project-mailboxes.ts';
import { Secret } from '../../../domain/secret.ts';
import type { Outbound } from '../../../net/outbound-http.ts';
import type { App } from '../../app-type.ts';
import { requireAgent } from '../../auth.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import type { EndpointValidation } from '../../endpoint-validation/check-result.ts';
import { validateM365 } from '../../endpoint-validation/m365-check.ts';
import { validationRateLimit } from '../../per-agent-rate-limit.ts';
import { validateZimbra } from '../../endpoint-validation/zimbra-check.ts';
import { HttpError, notFound } from '../../errors.ts';
import { type FieldProblem, invalid } from './access.ts';
import {
  emailAddress,
  errorResponses,
  idParams,
  pageOf,
  pageQuery,
  secretState,
  validationSchema,
} from './schemas.ts';

const TENANT_ID =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' });

/** A secret as written: a new value, null to clear it, or absent to keep the stored one. */
const secretInput = (label: string) =>
  z
    .string()
    .min(1)
    .max(1024)
    .nullable()
    .optional()
    .describe(`${label}: write-only; omit to keep, null to clear`);

const zimbraBody = z.object({
  kind: z.literal('zimbra'),
  name: z.string().trim().min(1).max(200),
  serverUrl: httpUrl.describe('Zimbra server URL, e.g. https://mail.example.com'),
  adminUrl: httpUrl.optional().describe('Admin URL; default https://<server>:7071'),
  provideCredentials: z
    .boolean()
    .default(true)
    .describe(
      'Provide Credentials (admin mode with the migration admin); false = regular-user mode, a password per mailbox',
    ),
  adminUsername: emailAddress.optional().describe('The Zimbra admin account, e.g. migration@example.com'),
  adminPassword: secretInput('Admin password (no commas)'),
});

const m365Body = z.object({
  kind: z.literal('m365'),
  name: z.string().trim().min(1).max(200),
  applicationId: z
    .string()
    .trim()
    .regex(GUID, 'must be the Application (client) ID, a GUID')
    .describe('Application (client) ID (mandatory)'),
  tenantId: z
    .string()
    .trim()
    .regex(TENANT_ID, 'must be the Directory (tenant) ID: a GUID or a domain such as contoso.onmicrosoft.com')
    .describe('Directory (tenant) ID (mandatory)'),
  provideCredentials: z
    .boolean()
    .default(true)
    .describe('Provide Credentials: the Client Secret is then required'),
  clientSecret: secretInput('Client Secret (its Value, not its Secret ID)'),
  nationalCloud: z.enum(NATIONAL_CLOUD_NAMES as [string, ...string[]]).default('global'),
  authorityUrl: httpUrl
    .nullable()
    .optional()
    .describe('Identity address override (identity proxies, emulators)'),
  graphUrl: httpUrl.nullable().optional().describe('Graph address override (proxies, emulators)'),
});

const endpointBody = z.discriminatedUnion('kind', [zimbraBody, m365Body]);
type EndpointBody = z.infer<typeof endpointBody>;

const endpointEditBody = z.discriminatedUnion('kind', [
  zimbraBody.extend({
    clearMailboxPasswords: z
      .boolean()
      .default(false)
      .describe(
        'Confirms that moving the server URL clears the mailbox passwords (regular-user mode) stored for the old server',
      ),
  }),
  m365Body,
]);

export const endpointSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(ENDPOINT_KINDS),
  kindLabel: z.string(),
  zimbra: z
    .object({
      serverUrl: z.string(),
      adminUrl: z.string(),
      provideCredentials: z.boolean(),
      mode: z.enum(['admin', 'user']),
      adminUsername: z.string().nullable(),
      adminPassword: secretState,
    })
    .nullable(),
  m365: z
    .object({
      applicationId: z.string(),
      tenantId: z.string(),
      provideCredentials: z.boolean(),
      clientSecret: secretState,
      nationalCloud: z.string(),
      authorityUrl: z.string().nullable(),
      graphUrl: z.string().nullable(),
    })
    .nullable(),
  region: z.string().nullable().describe('Region of Destination Tenant: detected, read-only'),
  regionName: z.string().nullable(),
  regionNotice: z.string().nullable(),
  validation: validationSchema.nullable(),
  validatedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export function presentEndpoint(endpoint: EndpointRecord): z.infer<typeof endpointSchema> {
  const set = { set: endpoint.secretSealed !== null };
  const zimbra = endpoint.kind === 'zimbra' ? (endpoint.settings as ZimbraSettings) : undefined;
  const m365 = endpoint.kind === 'm365' ? (endpoint.settings as M365Settings) : undefined;
  return {
    id: endpoint.id,
    name: endpoint.name,
    kind: endpoint.kind,
    kindLabel: ENDPOINT_KIND_LABELS[endpoint.kind],
    zimbra:
      zimbra === undefined
        ? null
        : {
            serverUrl: zimbra.serverUrl,
            adminUrl: zimbra.adminUrl,
            provideCredentials: zimbra.provideCredentials,
            mode: zimbra.provideCredentials ? 'admin' : 'user',
            adminUsername: zimbra.adminUsername,
            adminPassword: set,
          },
    m365:
      m365 === undefined
        ? null
        : {
            applicationId: m365.applicationId,
            tenantId: m365.tenantId,
            provideCredentials: m365.provideCredentials,
            clientSecret: set,
            nationalCloud: m365.nationalCloud,
            authorityUrl: m365.authorityUrl,
            graphUrl: m365.graphUrl,
          },
    region: endpoint.region,
    regionName: endpoint.region === null ? null : regionName(endpoint.region),
    regionNotice: endpoint.region === null ? null : regionNotice(endpoint.region),
    validation: endpoint.validation as EndpointValidation | null,
    validatedAt: endpoint.validatedAt,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

const secretOf = (body: EndpointBody) => (body.kind === 'zimbra' ? body.adminPassword : body.clientSecret);

/** Settings and sealed secret from a body, checked; `current` is the stored endpoint whose secret an edit may keep. */
function settingsFrom(
  body: EndpointBody,
  sealer: SecretSealer,
  current: EndpointRecord | undefined,
): { settings: ZimbraSettings | M365Settings; secretSealed: string | null } {
  const problems: FieldProblem[] = [];
  const secretValue = secretOf(body);
  const secretField = body.kind === 'zimbra' ? 'adminPassword' : 'clientSecret';
  const secretSealed =
    secretValue === undefined
      ? (current?.secretSealed ?? null)
      : secretValue === null
        ? null
        : sealer.seal(new Secret(secretValue));
  let settings: ZimbraSettings | M365Settings;
  if (body.kind === 'zimbra') {
    const comma = typeof secretValue === 'string' ? passwordCommaProblem(secretValue) : undefined;
    if (comma !== undefined) problems.push({ field: 'adminPassword', message: comma });
    if (body.provideCredentials) {
      if (body.adminUsername === undefined)
        problems.push({
          field: 'adminUsername',
          message: 'is required with Provide Credentials (admin mode)',
        });
      if (secretSealed === null)
        problems.push({
          field: 'adminPassword',
          message: 'is required with Provide Credentials (admin mode)',
        });
    }
    settings = {
      serverUrl: body.serverUrl.replace(/\/$/, ''),
      adminUrl: (body.adminUrl ?? defaultAdminUrl(body.serverUrl)).replace(/\/$/, ''),
      provideCredentials: body.provideCredentials,
      adminUsername: body.provideCredentials ? (body.adminUsername?.toLowerCase() ?? null) : null,
    };
  } else {
    if (body.provideCredentials && secretSealed === null)
      problems.push({
        field: secretField,
        message:
          'is required with Provide Credentials: the API Permissions approach signs in with the Client Secret',
      });
    settings = {
      applicationId: body.applicationId.toLowerCase(),
      tenantId: body.tenantId.toLowerCase(),
      provideCredentials: body.provideCredentials,
      nationalCloud: body.nationalCloud as M365Settings['nationalCloud'],
      authorityUrl: body.authorityUrl ?? null,
      graphUrl: body.graphUrl ?? null,
    };
  }
  if (problems.length > 0) throw invalid(problems);
  return { settings, secretSealed: body.kind === 'zimbra' && !body.provideCredentials ? null : secretSealed };
}

/** Tests an endpoint now, stores the outcome (and the tenant's region) and returns it. */
export async function validateEndpoint(
  db: Db,
  sealer: SecretSealer,
  outbound: Outbound,
  endpoint: EndpointRecord,
): Promise<EndpointValidation> {
  const secret = endpoint.secretSealed === null ? undefined : sealer.open(endpoint.secretSealed);
  const result =
    endpoint.kind === 'zimbra'
      ? await validateZimbra(endpoint.settings as ZimbraSettings, secret, outbound)
      : await validateM365(endpoint.settings as M365Settings, secret, outbound);
  await recordEndpointValidation(db, endpoint.id, {
    region: result.region,
    validation: result as unknown as Record<string, unknown>,
  });
  return result;
}

const setupSchema = z.object({
  kind: z.enum(ENDPOINT_KINDS),
  m365: z
    .object({
      permissions: z.array(
        z.object({ permission: z.string(), type: z.literal('Application'), why: z.string() }),
      ),
      adminConsentUrl: z.string(),
      steps: z.array(z.string()),
    })
    .nullable(),
  zimbra: z
    .object({
      createAdmin: z.string(),
      promoteAdmin: z.string(),
      ports: z.array(z.string()),
      steps: z.array(z.string()),
    })
    .nullable(),
});

export function endpointRoutes(app: App, { db, sealer, outbound, m365Addresses }: ControlPlaneDeps): void {
  const load = async (workgroupId: string, id: string) => {
    const endpoint = await findEndpoint(db, workgroupId, id);
    if (endpoint === undefined) throw notFound('That endpoint');
    return endpoint;
  };

  app.get(
    '/api/endpoints',
    {
      schema: {
        tags: ['endpoints'],
        summary:
          'The workgroup’s endpoints, searched case-insensitively by name, paged (never capped at ten)',
        querystring: pageQuery.extend({ kind: z.enum(ENDPOINT_KINDS).optional() }),
        response: { 200: pageOf(endpointSchema), ...errorResponses },
      },
    },
    async (request) => {
      const agent = requireAgent(request);
      const { endpoints, total } = await listEndpoints(db, agent.workgroupId, request.query);
      return {
        items: endpoints.map(presentEndpoint),
        total,
        page: request.query.page,
        pageSize: request.query.pageSize,
      };
    },
  );

  app.post(
    '/api/endpoints',
    {
      schema: {
        tags: ['endpoints'],
        summary: 'Add Endpoint: Zimbra 6.5+ (source) or Microsoft 365 (destination); secrets are write-only',
        body: endpointBody,
        response: { 201: endpointSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireAgent(request);
      const body =
        request.body.kind === 'm365' && request.body.nationalCloud === 'global'
          ? {
              ...request.body,
              authorityUrl: request.body.authorityUrl ?? m365Addresses?.authorityUrl ?? null,
              graphUrl: request.body.graphUrl ?? m365Addresses?.graphUrl ?? null,
            }
          : request.body;
      const { settings, secretSealed } = settingsFrom(body, sealer, undefined);
      const endpoint = await db.transaction().execute(async (trx) => {
        const created = await createEndpoint(trx, {
          workgroupId: agent.workgroupId,
          name: request.body.name,
          kind: request.body.kind,
          settings,
          secretSealed,
          createdBy: agent.id,
        });
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'endpoint.created',
          target: created.name,
          details: { endpointId: created.id, kind: created.kind, secretSet: secretSealed !== null },
        });
        return created;
      });
      return reply.status(201).send(presentEndpoint(endpoint));
    },
  );

  app.get(
    '/api/endpoints/:id',
    {
      schema: {
        tags: ['endpoints'],
        summary: 'One endpoint (its secret only as set / not set)',
        params: idParams,
        response: { 200: endpointSchema, ...errorResponses },
      },
    },
    async (request) => presentEndpoint(await load(requireAgent(request).workgroupId, request.params.id)),
  );

  app.put(
    '/api/endpoints/:id',
    {
      schema: {
        tags: ['endpoints'],
        summary:
          'Edit an endpoint; omit a secret to keep it, give a new one to replace it. A change of where a secret is sent (any URL, tenant, national cloud) needs the secret entered again',
        params: idParams,
        body: endpointEditBody,
        response: {
          200: endpointSchema.extend({
            mailboxPasswordsCleared: z
              .number()
              .int()
              .describe(
                'Mailbox passwords (regular-user mode) this edit cleared because the server URL moved',
              ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const agent = requireAgent(request);
      const current = await load(agent.workgroupId, request.params.id);
      const body = request.body;
      if (current.kind !== body.kind)
        throw invalid([
          {
            field: 'kind',
            message: `cannot change: this is a ${ENDPOINT_KIND_LABELS[current.kind]} endpoint`,
          },
        ]);
      const { settings, secretSealed: asEntered } = settingsFrom(body, sealer, current);
      const secretValue = secretOf(body);
      const binding = endpointSecretBinding({
        change: { kind: current.kind, before: current.settings, after: settings } as EndpointSettingsChange,
        secretStored: current.secretSealed !== null,
        secret: secretValue === undefined ? 'omitted' : secretValue === null ? 'cleared' : 'entered',
        mailboxPasswordsStored:
          current.kind === 'zimbra' ? await countSourcePasswords(db, { sourceEndpointId: current.id }) : 0,
        clearMailboxPasswords: body.kind === 'zimbra' && body.clearMailboxPasswords,
      });
      if (binding.problem !== undefined) throw binding.problem;
      // Never keep a stored secret for a destination it was not entered for.
      const secretSealed = binding.secretUnbound && secretValue === undefined ? null : asEntered;
      const updated = await db.transaction().execute(async (trx) => {
        const endpoint = await updateEndpoint(trx, current.id, {
          name: body.name,
          settings,
          secretSealed,
          // The region and the last validation were found at the old destination.
          clearRegion: binding.changed.length > 0,
        });
        const mailboxPasswordsCleared =
          binding.mailboxPasswordsToClear > 0
            ? await clearSourcePasswords(trx, { sourceEndpointId: current.id })
            : 0;
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'endpoint.updated',
          target: endpoint.name,
          details: {
            endpointId: endpoint.id,
            changed: Object.keys(settings).filter(
              (k) =>
                JSON.stringify((settings as unknown as Record<string, unknown>)[k]) !==
                JSON.stringify((current.settings as unknown as Record<string, unknown>)[k]),
            ),
            destinationChanged: binding.changed,
            secretsCleared: [
              ...(binding.secretUnbound
                ? [current.kind === 'zimbra' ? 'adminPassword' : 'clientSecret']
                : []),
              ...(mailboxPasswordsCleared > 0 ? ['mailboxPasswords'] : []),
            ],
            mailboxPasswordsCleared,
            secretReplaced: secretSealed !== current.secretSealed,
          },
        });
        return { endpoint, mailboxPasswordsCleared };
      });
      return {
        ...presentEndpoint(updated.endpoint),
        mailboxPasswordsCleared: updated.mailboxPasswordsCleared,
      };
    },
  );

  app.delete(
    '/api/endpoints/:id',
    {
      schema: {
        tags: ['endpoints'],
        summary: 'Delete an endpoint no project uses',
        params: idParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireAgent(request);
      const endpoint = await load(agent.workgroupId, request.params.id);
      if (!(await deleteEndpoint(db, endpoint.id)))
        throw new HttpError(
          409,
          'ENDPOINT_IN_USE',
          `The endpoint ${endpoint.name} is used by a project; change the project's endpoints first.`,
        );
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'endpoint.deleted',
        target: endpoint.name,
        details: { endpointId: endpoint.id },
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/endpoints/:id/setup',
    {
      schema: {
        tags: ['endpoints'],
        summary:
          'How to prepare the endpoint: Graph application permissions and admin-consent link, or zmprov commands',
        params: idParams,
        response: { 200: setupSchema, ...errorResponses },
      },
    },
    async (request) => {
      const endpoint = await load(requireAgent(request).workgroupId, request.params.id);
      if (endpoint.kind === 'm365') {
        const settings = endpoint.settings as M365Settings;
        return {
          kind: endpoint.kind,
          zimbra: null,
          m365: {
            permissions: REQUIRED_GRAPH_PERMISSIONS.map((p) => ({ ...p, type: 'Application' as const })),
            adminConsentUrl: adminConsentUrl(settings),
            steps: [
              `In the Microsoft Entra admin center, open App registrations → the application ${settings.applicationId} → API permissions.`,
              'Add a permission → Microsoft Graph → Application permissions, and add each permission listed.',
              'Open the admin-consent link as a Global Administrator and accept.',
              'Under Certificates & secrets, create a client secret and enter its Value as the Client Secret of this endpoint.',
            ],
          },
        };
      }
      const settings = endpoint.settings as ZimbraSettings;
      const commands = zmprovCommands(settings);
      return {
        kind: endpoint.kind,
        m365: null,
        zimbra: {
          createAdmin: commands.create,
          promoteAdmin: commands.promote,
          ports: [
            `${settings.serverUrl} — the mail port (SOAP), used in both modes`,
            `${settings.adminUrl} — the admin port, used in admin mode`,
          ],
          steps: [
            'On the Zimbra server, as the zimbra user, create a migration admin or promote an existing account (one of the two commands).',
            'Assigning the admin role in the admin console works only as a Global Administrator.',
            'The password must not contain a comma.',
            'Open both ports to Ferry; Zimbra must offer TLS 1.2 or later.',
          ],
        },
      };
    },
  );

  app.post(
    '/api/endpoints/:id/validate',
    {
      config: { rateLimit: validationRateLimit },
      schema: {
        tags: ['endpoints'],
        summary:
          'Test the endpoint now: each port or credential, in plain words with the fix; detects the tenant region',
        params: idParams,
        response: { 200: validationSchema, ...errorResponses },
      },
    },
    async (request) => {
      const agent = requireAgent(request);
      const endpoint = await load(agent.workgroupId, request.params.id);
      const result = await validateEndpoint(db, sealer, outbound, endpoint);
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'endpoint.validated',
        target: endpoint.name,
        details: { endpointId: endpoint.id, ok: result.ok, region: result.region },
      });
      return result;
    },
  );
}
