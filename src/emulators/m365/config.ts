import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Every application permission the emulator knows; the default app gets all of them. */
export const KNOWN_PERMISSIONS = [
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail-Advanced.ReadWrite.All',
  'Contacts.Read',
  'Contacts.ReadWrite',
  'Calendars.Read',
  'Calendars.ReadWrite',
  'Tasks.Read.All',
  'Tasks.ReadWrite.All',
  'User.Read.All',
  'MailboxSettings.Read',
  'MailboxSettings.ReadWrite',
] as const;

const appSchema = z.object({
  clientId: z.string().min(1),
  /** The app's client secret; an app may have a certificate instead, or both. */
  secret: z.string().min(1).optional(),
  /** PEM certificate registered on the app: client assertions signed with its key are accepted. */
  certificatePem: z.string().optional(),
  /** When the secret expired (AADSTS7000222 after this instant). */
  secretExpiresAt: z.string().datetime({ offset: true }).optional(),
  permissions: z.array(z.string()),
});

const userSchema = z.object({
  userPrincipalName: z.string().includes('@'),
  id: z.string().optional(),
  displayName: z.string().optional(),
  mailbox: z.boolean().default(true),
  mfa: z.boolean().default(false),
  password: z.string().optional(),
  /** MaxSendSize/MaxReceiveSize of the mailbox (Exchange Online default 35 MB, at most 150). */
  maxMessageSizeMB: z.number().positive().max(150).default(35),
  /** ProhibitSendReceiveQuota: creates past it get ErrorQuotaExceeded (none when unset). */
  mailboxQuotaMB: z.number().positive().optional(),
});

const tenantSchema = z.object({
  id: z.string().uuid(),
  domains: z.array(z.string().min(1)).min(1),
  region: z.string().default('NA'),
  apps: z.array(appSchema).default([]),
  users: z.array(userSchema).default([]),
  /** Create a user (with a mailbox) the first time a UPN in one of the tenant's domains is used. */
  autoCreateUsers: z.boolean().default(false),
  /** Password given to auto-created users (password grant). */
  autoCreatePassword: z.string().optional(),
  /** Mailbox quota of auto-created users, in MB (none when unset). */
  autoCreateMailboxQuotaMB: z.number().positive().optional(),
});

export const m365EmulatorConfigSchema = z.object({ tenants: z.array(tenantSchema).min(1) });

export type M365EmulatorConfig = z.input<typeof m365EmulatorConfigSchema>;
export type ResolvedConfig = z.output<typeof m365EmulatorConfigSchema>;
export type TenantConfig = ResolvedConfig['tenants'][number];
export type AppConfig = TenantConfig['apps'][number];
export type UserConfig = TenantConfig['users'][number];

/** Parses the JSON text of a `--config` file; throws a readable Error when it does not fit. */
export function parseM365Config(text: string): ResolvedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`emulator config is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = m365EmulatorConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`emulator config is invalid: ${issues.join('; ')}`);
  }
  return parsed.data;
}

export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-000000000001';
export const DEFAULT_CLIENT_ID = '00000000-0000-4000-8000-0000000000a1';

/** The tenant used without --config: fixed ids so a demo can be wired, a fresh secret per start. */
export function defaultConfig(): ResolvedConfig {
  return m365EmulatorConfigSchema.parse({
    tenants: [
      {
        id: DEFAULT_TENANT_ID,
        domains: ['contoso.onmicrosoft.com', 'contoso.com'],
        region: 'NA',
        apps: [
          {
            clientId: DEFAULT_CLIENT_ID,
            secret: randomBytes(24).toString('base64url'),
            permissions: [...KNOWN_PERMISSIONS],
          },
        ],
        users: [],
        autoCreateUsers: true,
        autoCreatePassword: randomBytes(12).toString('base64url'),
      },
    ],
  });
}
