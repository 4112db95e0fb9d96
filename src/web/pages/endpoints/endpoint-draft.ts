export type EndpointKind = 'zimbra' | 'm365';
export type NationalCloud = 'global' | 'usGovernment' | 'china';

/** An endpoint as its form holds it; secrets are empty unless the agent types a new one. */
export interface EndpointDraft {
  name: string;
  kind: EndpointKind;
  provideCredentials: boolean;
  serverUrl: string;
  adminUrl: string;
  adminUsername: string;
  adminPassword: string;
  applicationId: string;
  tenantId: string;
  clientSecret: string;
  nationalCloud: NationalCloud;
  authorityUrl: string;
  graphUrl: string;
}

export const KIND_LABELS: Record<EndpointKind, string> = { zimbra: 'Zimbra 6.5+', m365: 'Microsoft 365' };

export const CLOUD_LABELS: Record<NationalCloud, string> = {
  global: 'Microsoft 365 (worldwide)',
  usGovernment: 'Microsoft 365 US Government',
  china: 'Microsoft 365 operated by 21Vianet (China)',
};

export function emptyDraft(kind: EndpointKind): EndpointDraft {
  return {
    name: '',
    kind,
    provideCredentials: true,
    serverUrl: '',
    adminUrl: '',
    adminUsername: '',
    adminPassword: '',
    applicationId: '',
    tenantId: '',
    clientSecret: '',
    nationalCloud: 'global',
    authorityUrl: '',
    graphUrl: '',
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The problems the browser can see before asking the server (empty mandatory fields, a comma in
 * the Zimbra password, an Application ID that is not a GUID); the server checks everything again.
 */
export function draftProblems(
  draft: EndpointDraft,
  secretsSet: { password: boolean; clientSecret: boolean },
) {
  const problems: Partial<Record<keyof EndpointDraft, string>> = {};
  if (draft.name.trim() === '') problems.name = 'Enter a name for the endpoint.';
  if (draft.kind === 'zimbra') {
    if (draft.serverUrl.trim() === '')
      problems.serverUrl = 'Enter the Zimbra server URL, such as https://mail.example.com.';
    if (draft.provideCredentials) {
      if (draft.adminUsername.trim() === '')
        problems.adminUsername = 'Enter the admin account, such as admin@example.com.';
      if (draft.adminPassword === '' && !secretsSet.password)
        problems.adminPassword = 'Enter the admin account’s password.';
      if (draft.adminPassword.includes(','))
        problems.adminPassword =
          'The password contains a comma, and Zimbra migrations fail with such passwords. Change the password of the account in Zimbra and enter the new one.';
    }
  } else {
    if (draft.applicationId.trim() === '')
      problems.applicationId =
        'The Application (client) ID is mandatory: copy it from the app registration’s Overview.';
    else if (!GUID.test(draft.applicationId.trim()))
      problems.applicationId =
        'The Application (client) ID is a GUID, such as 00000000-0000-0000-0000-000000000000.';
    if (draft.tenantId.trim() === '')
      problems.tenantId =
        'The Directory (tenant) ID is mandatory: copy it from the app registration’s Overview.';
    if (draft.provideCredentials && draft.clientSecret === '' && !secretsSet.clientSecret)
      problems.clientSecret =
        'With the API Permissions approach the Client Secret is mandatory: create one under Certificates & secrets.';
  }
  return problems;
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** The body of POST /api/endpoints or PUT /api/endpoints/{id}; an empty secret keeps the stored one. */
export function draftBody(draft: EndpointDraft) {
  if (draft.kind === 'zimbra') {
    return {
      kind: 'zimbra' as const,
      name: draft.name.trim(),
      serverUrl: draft.serverUrl.trim(),
      provideCredentials: draft.provideCredentials,
      ...(draft.adminUrl.trim() === '' ? {} : { adminUrl: draft.adminUrl.trim() }),
      ...(draft.provideCredentials && draft.adminUsername.trim() !== ''
        ? { adminUsername: draft.adminUsername.trim() }
        : {}),
      ...(draft.provideCredentials && draft.adminPassword !== ''
        ? { adminPassword: draft.adminPassword }
        : {}),
    };
  }
  return {
    kind: 'm365' as const,
    name: draft.name.trim(),
    provideCredentials: draft.provideCredentials,
    applicationId: draft.applicationId.trim(),
    tenantId: draft.tenantId.trim(),
    nationalCloud: draft.nationalCloud,
    authorityUrl: orNull(draft.authorityUrl),
    graphUrl: orNull(draft.graphUrl),
    ...(draft.clientSecret !== '' ? { clientSecret: draft.clientSecret } : {}),
  };
}

interface EndpointLike {
  readonly name: string;
  readonly kind: EndpointKind;
  readonly zimbra: {
    serverUrl: string;
    adminUrl: string;
    provideCredentials: boolean;
    adminUsername: string | null;
  } | null;
  readonly m365: {
    applicationId: string;
    tenantId: string;
    provideCredentials: boolean;
    nationalCloud: string;
    authorityUrl: string | null;
    graphUrl: string | null;
  } | null;
}

/** The form of an endpoint the server holds; its secret stays empty (write-only). */
export function draftFromEndpoint(endpoint: EndpointLike): EndpointDraft {
  const draft = { ...emptyDraft(endpoint.kind), name: endpoint.name };
  const { zimbra, m365 } = endpoint;
  if (zimbra !== null) {
    return {
      ...draft,
      provideCredentials: zimbra.provideCredentials,
      serverUrl: zimbra.serverUrl,
      adminUrl: zimbra.adminUrl,
      adminUsername: zimbra.adminUsername ?? '',
    };
  }
  if (m365 !== null) {
    return {
      ...draft,
      provideCredentials: m365.provideCredentials,
      applicationId: m365.applicationId,
      tenantId: m365.tenantId,
      nationalCloud: m365.nationalCloud as NationalCloud,
      authorityUrl: m365.authorityUrl ?? '',
      graphUrl: m365.graphUrl ?? '',
    };
  }
  return draft;
}

/** Whether the endpoint holds a secret (it is never sent back). */
export function secretsOf(endpoint: {
  zimbra: { adminPassword: { set: boolean } } | null;
  m365: { clientSecret: { set: boolean } } | null;
}) {
  return {
    password: endpoint.zimbra?.adminPassword.set ?? false,
    clientSecret: endpoint.m365?.clientSecret.set ?? false,
  };
}
