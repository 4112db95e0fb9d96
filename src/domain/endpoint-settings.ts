import { NATIONAL_CLOUDS } from './endpoints.ts';

/**
 * Endpoints as agents enter them (MigrationWiz "Add Endpoint"): Zimbra 6.5+ as the source,
 * Microsoft 365 as the destination. Secrets are kept apart from these settings, sealed.
 */
export const ENDPOINT_KINDS = ['zimbra', 'm365'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export const ENDPOINT_KIND_LABELS: Record<EndpointKind, string> = {
  zimbra: 'Zimbra 6.5+',
  m365: 'Microsoft 365',
};

export type NationalCloud = keyof typeof NATIONAL_CLOUDS;
export const NATIONAL_CLOUD_NAMES = Object.keys(NATIONAL_CLOUDS) as NationalCloud[];

export interface ZimbraSettings {
  readonly serverUrl: string;
  readonly adminUrl: string;
  /** Provide Credentials: admin mode with the migration admin; otherwise regular-user mode (a password per mailbox). */
  readonly provideCredentials: boolean;
  readonly adminUsername: string | null;
}

export interface M365Settings {
  readonly applicationId: string;
  readonly tenantId: string;
  readonly provideCredentials: boolean;
  readonly nationalCloud: NationalCloud;
  /** Overrides of the cloud's identity and Graph addresses (identity proxies, emulators). */
  readonly authorityUrl: string | null;
  readonly graphUrl: string | null;
}

/** The admin port of Zimbra (zimbraAdminPort) when the agent gives only the server URL. */
export const ZIMBRA_ADMIN_PORT = 7071;

export function defaultAdminUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  return `https://${url.hostname}:${ZIMBRA_ADMIN_PORT}`;
}

/** The seed guide: "The password for the migration service account cannot contain commas." */
export function passwordCommaProblem(password: string): string | undefined {
  return password.includes(',')
    ? 'must not contain a comma: Zimbra migrations fail with such passwords. Change the password of the account in Zimbra and enter the new one'
    : undefined;
}

export function cloudAddresses(settings: M365Settings): { authorityUrl: string; graphUrl: string } {
  const cloud = NATIONAL_CLOUDS[settings.nationalCloud];
  return {
    authorityUrl: (settings.authorityUrl ?? cloud.authorityUrl).replace(/\/$/, ''),
    graphUrl: (settings.graphUrl ?? cloud.graphUrl).replace(/\/$/, ''),
  };
}

/** The token scope: the Graph of the endpoint's cloud (an address override stands in for that cloud's Graph). */
export function graphScope(settings: M365Settings): string {
  return `${NATIONAL_CLOUDS[settings.nationalCloud].graphUrl}/.default`;
}

/** Application permissions (type Application, with admin consent) the engine uses, and why. */
export const REQUIRED_GRAPH_PERMISSIONS = [
  { permission: 'Mail.ReadWrite', why: 'create mail, folders, attachments and extended properties' },
  { permission: 'Contacts.ReadWrite', why: 'create contacts and contact folders' },
  { permission: 'Calendars.ReadWrite', why: 'create calendars and events' },
  { permission: 'Tasks.ReadWrite.All', why: 'create Microsoft To Do lists and tasks' },
  { permission: 'User.Read.All', why: 'find each destination user and check its mailbox' },
  {
    permission: 'MailboxSettings.ReadWrite',
    why: 'create categories from Zimbra tags, inbox rules from Zimbra filters, and the out-of-office reply',
  },
] as const;

/** The admin-consent link a Global Administrator opens to grant the app its permissions in the tenant. */
export function adminConsentUrl(settings: M365Settings): string {
  const { authorityUrl } = cloudAddresses(settings);
  return `${authorityUrl}/${encodeURIComponent(settings.tenantId)}/adminconsent?client_id=${encodeURIComponent(settings.applicationId)}`;
}

/** zmprov commands that create a migration admin or promote an account (zimbra.md §11.2, seed guide). */
export function zmprovCommands(settings: ZimbraSettings): { create: string; promote: string } {
  const domain = settings.adminUsername?.split('@')[1] ?? new URL(settings.serverUrl).hostname;
  const admin = settings.adminUsername ?? `migration@${domain}`;
  return {
    create: `zmprov ca migration@${domain} '<password without commas>' zimbraIsAdminAccount TRUE`,
    promote: `zmprov ma ${admin} zimbraIsAdminAccount TRUE`,
  };
}

/** tenant_region_scope values (microsoft-graph.md §2) as agents read them. */
const REGIONS: Record<string, string> = {
  NA: 'North America',
  EU: 'Europe',
  AS: 'Asia',
  OC: 'Oceania',
  SA: 'South America',
  AF: 'Africa',
  WW: 'Worldwide',
  USGov: 'US Government',
  USG: 'US Government',
  DE: 'Germany',
};

export function isKnownRegion(scope: string): boolean {
  return Object.hasOwn(REGIONS, scope);
}

export function regionName(scope: string): string {
  return REGIONS[scope] ?? scope;
}

/** The seed guide's notice, shown on the project whenever its endpoints are edited. */
export function regionNotice(scope: string): string {
  return `Automatically detected destination tenant's region and assigned to the 'Ferry Datacenter' in ${regionName(scope)}.`;
}
