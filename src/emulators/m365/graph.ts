import type { GraphContext, Services } from './context.ts';
import { GraphError, errorResponse, type GraphResponse } from './errors.ts';
import { withinQuota } from './exchange-faults.ts';
import { immutableIds, regularIds } from './item-store.ts';
import type { Mailbox } from './mailbox.ts';
import { ok } from './odata-query.ts';
import { attachmentRoutes } from './resources/attachments.ts';
import { calendarRoutes } from './resources/calendars.ts';
import { contactRoutes } from './resources/contacts.ts';
import { distributionListRoutes } from './resources/distribution-lists.ts';
import { occurrenceRoutes } from './resources/event-occurrences.ts';
import { eventRoutes } from './resources/events.ts';
import { mailFolderRoutes } from './resources/mail-folders.ts';
import { mailboxSettingsRoutes } from './resources/mailbox-settings.ts';
import { messageRuleRoutes } from './resources/message-rules.ts';
import { messageRoutes } from './resources/messages.ts';
import { mimeRoutes } from './resources/mime-import.ts';
import { todoRoutes } from './resources/todo.ts';
import { matchRoute, type Area, type Route } from './router.ts';
import type { TokenGrant } from './tokens.ts';

const ROUTES: readonly Route[] = [
  ...mailFolderRoutes,
  ...messageRoutes,
  ...mimeRoutes,
  ...attachmentRoutes,
  ...contactRoutes,
  ...distributionListRoutes,
  ...calendarRoutes,
  ...occurrenceRoutes,
  ...eventRoutes,
  ...todoRoutes,
  ...mailboxSettingsRoutes,
  ...messageRuleRoutes,
];

/** Application permissions that allow a route's area: reads take either, writes need ReadWrite. */
const PERMISSIONS: Readonly<Record<Area, { read: string[]; write: string[] }>> = {
  Mail: { read: ['Mail.Read', 'Mail.ReadWrite'], write: ['Mail.ReadWrite'] },
  MailAdvanced: { read: ['Mail-Advanced.ReadWrite.All'], write: ['Mail-Advanced.ReadWrite.All'] },
  Contacts: { read: ['Contacts.Read', 'Contacts.ReadWrite'], write: ['Contacts.ReadWrite'] },
  Calendars: { read: ['Calendars.Read', 'Calendars.ReadWrite'], write: ['Calendars.ReadWrite'] },
  Tasks: { read: ['Tasks.Read.All', 'Tasks.ReadWrite.All'], write: ['Tasks.ReadWrite.All'] },
  MailboxSettings: {
    read: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'],
    write: ['MailboxSettings.ReadWrite'],
  },
};

/** One Graph request below /v1.0 or /beta, e.g. path "/users/a@b/messages". */
export interface GraphCall {
  readonly method: string;
  readonly version: 'v1.0' | 'beta';
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
}

/** A routed call: either answered already (user lookups, errors) or bound to a mailbox handler. */
export type Prepared =
  | { kind: 'answer'; response: GraphResponse }
  | { kind: 'mailbox'; mailbox: Mailbox; route: Route; params: Record<string, string>; segments: string[] };

const accessDenied = (): GraphError =>
  new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

function presentUser(call: GraphCall, user: Mailbox['user']): GraphResponse {
  const full: Record<string, unknown> = {
    businessPhones: [],
    displayName: user.displayName,
    givenName: null,
    jobTitle: null,
    mail: user.hasMailbox ? user.userPrincipalName : null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
    accountEnabled: true,
    proxyAddresses: user.hasMailbox ? [`SMTP:${user.userPrincipalName}`] : [],
    assignedPlans: user.hasMailbox
      ? [
          {
            assignedDateTime: '2024-01-01T00:00:00Z',
            capabilityStatus: 'Enabled',
            service: 'exchange',
            servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0',
          },
        ]
      : [],
  };
  const select = call.query
    .get('$select')
    ?.split(',')
    .map((s) => s.trim().toLowerCase());
  const body = Object.fromEntries(
    Object.entries(full).filter(
      ([name]) => select === undefined || name === 'id' || select.includes(name.toLowerCase()),
    ),
  );
  return ok({
    '@odata.context': `https://graph.microsoft.com/${call.version}/$metadata#users/$entity`,
    ...body,
  });
}

/** Routes a call and checks the caller may make it: user, permission, mailbox. Throws GraphError. */
export function prepare(services: Services, call: GraphCall, grant: TokenGrant): Prepared {
  const segments = call.path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  let [root, userKey, ...rest] = segments;
  if (root?.toLowerCase() === 'me') {
    if (grant.userId === undefined) {
      throw new GraphError(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    }
    rest = userKey === undefined ? [] : [userKey, ...rest];
    userKey = grant.userId;
    root = 'users';
  }
  if (root?.toLowerCase() !== 'users' || userKey === undefined) {
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${root ?? ''}'.`);
  }
  const user = services.directory.user(grant.tenantId, userKey);
  if (user === undefined) {
    throw new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${userKey}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  if (rest.length === 0) {
    if (call.method !== 'GET') {
      throw new GraphError(405, 'Request_BadRequest', 'The OData request is not supported.');
    }
    if (
      !grant.permissions.has('User.Read.All') &&
      !grant.permissions.has('User.ReadWrite.All') &&
      grant.userId !== user.id
    ) {
      throw new GraphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    }
    return { kind: 'answer', response: presentUser(call, user) };
  }
  const { route, params } = matchRoute(ROUTES, call.method, rest, call.version === 'beta');
  const needed = PERMISSIONS[route.area];
  if (!(call.method === 'GET' ? needed.read : needed.write).some((p) => grant.permissions.has(p))) {
    throw accessDenied();
  }
  if (grant.userId !== undefined && grant.userId !== user.id) throw accessDenied();
  if (!user.hasMailbox) {
    throw new GraphError(
      404,
      'MailboxNotEnabledForRESTAPI',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    );
  }
  return { kind: 'mailbox', mailbox: services.directory.mailbox(user), route, params, segments };
}

/** Runs a prepared mailbox call; errors become Microsoft's error body. */
export async function run(
  services: Services,
  call: GraphCall,
  grant: TokenGrant,
  prepared: Extract<Prepared, { kind: 'mailbox' }>,
  body: Buffer,
  requestId: string,
): Promise<GraphResponse> {
  const immutable = /IdType\s*=\s*"?ImmutableId"?/i.test(call.headers.prefer ?? '');
  const ctx: GraphContext = {
    method: call.method,
    version: call.version,
    segments: prepared.segments,
    query: call.query,
    headers: call.headers,
    body,
    grant,
    params: prepared.params,
    mailbox: prepared.mailbox,
    ids: immutable ? immutableIds : regularIds,
    services,
  };
  try {
    const handle = () => prepared.route.handler(ctx);
    const response = await (call.method === 'POST'
      ? withinQuota(ctx.mailbox, body.length, handle)
      : handle());
    if (immutable) response.headers['Preference-Applied'] = 'IdType="ImmutableId"';
    return response;
  } catch (error) {
    return toErrorResponse(error, requestId, call.headers['client-request-id'] ?? requestId);
  }
}

export function toErrorResponse(error: unknown, requestId: string, clientRequestId: string): GraphResponse {
  const graphError =
    error instanceof GraphError
      ? error
      : new GraphError(500, 'generalException', 'General exception while processing.');
  return errorResponse(graphError, requestId, clientRequestId);
}
