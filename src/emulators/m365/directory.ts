import { createHash } from 'node:crypto';
import type { AppConfig, ResolvedConfig, TenantConfig, UserConfig } from './config.ts';
import { createMailbox, type DirectoryUser, type Mailbox } from './mailbox.ts';

/** A GUID derived from a string, so a configured user keeps its object id across restarts. */
function stableGuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Tenants, their apps and users, and the mailboxes of those users. */
export class Directory {
  readonly #tenants: readonly TenantConfig[];
  readonly #users = new Map<string, DirectoryUser>();
  readonly #mailboxes = new Map<string, Mailbox>();

  constructor(config: ResolvedConfig) {
    this.#tenants = config.tenants;
    for (const tenant of config.tenants) for (const user of tenant.users) this.#addUser(tenant, user);
  }

  get tenants(): readonly TenantConfig[] {
    return this.#tenants;
  }

  /** A tenant by GUID or by one of its domains (case-insensitive). */
  tenant(idOrDomain: string): TenantConfig | undefined {
    const key = idOrDomain.toLowerCase();
    return this.#tenants.find(
      (t) => t.id.toLowerCase() === key || t.domains.some((d) => d.toLowerCase() === key),
    );
  }

  app(tenant: TenantConfig, clientId: string): AppConfig | undefined {
    return tenant.apps.find((app) => app.clientId.toLowerCase() === clientId.toLowerCase());
  }

  /** A user of `tenantId` by object id or UPN; auto-creates one where the tenant allows it. */
  user(tenantId: string, idOrUpn: string): DirectoryUser | undefined {
    const key = idOrUpn.toLowerCase();
    const found = [...this.#users.values()].find(
      (u) => u.tenantId === tenantId && (u.id === key || u.userPrincipalName.toLowerCase() === key),
    );
    if (found !== undefined) return found;
    const tenant = this.#tenants.find((t) => t.id === tenantId);
    const domain = key.split('@')[1];
    if (tenant?.autoCreateUsers !== true || domain === undefined) return undefined;
    if (!tenant.domains.some((d) => d.toLowerCase() === domain)) return undefined;
    return this.#addUser(tenant, {
      userPrincipalName: key,
      mailbox: true,
      mfa: false,
      maxMessageSizeMB: 35,
      ...(tenant.autoCreateMailboxQuotaMB === undefined
        ? {}
        : { mailboxQuotaMB: tenant.autoCreateMailboxQuotaMB }),
      ...(tenant.autoCreatePassword === undefined ? {} : { password: tenant.autoCreatePassword }),
    });
  }

  /** A user by UPN in any tenant (state dump). */
  userByUpn(upn: string): DirectoryUser | undefined {
    const key = upn.toLowerCase();
    const found = [...this.#users.values()].find((u) => u.userPrincipalName.toLowerCase() === key);
    if (found !== undefined) return found;
    for (const tenant of this.#tenants) {
      const user = this.user(tenant.id, key);
      if (user !== undefined) return user;
    }
    return undefined;
  }

  mailbox(user: DirectoryUser): Mailbox {
    let mailbox = this.#mailboxes.get(user.id);
    if (mailbox === undefined) {
      mailbox = createMailbox(user);
      this.#mailboxes.set(user.id, mailbox);
    }
    return mailbox;
  }

  userById(id: string): DirectoryUser | undefined {
    return this.#users.get(id);
  }

  #addUser(tenant: TenantConfig, config: UserConfig): DirectoryUser {
    const upn = config.userPrincipalName;
    const user: DirectoryUser = {
      id: (config.id ?? stableGuid(`${tenant.id}/${upn.toLowerCase()}`)).toLowerCase(),
      tenantId: tenant.id,
      userPrincipalName: upn,
      displayName: config.displayName ?? upn.split('@')[0] ?? upn,
      hasMailbox: config.mailbox,
      mfa: config.mfa,
      password: config.password,
      maxMessageSizeMB: config.maxMessageSizeMB,
      mailboxQuotaMB: config.mailboxQuotaMB,
    };
    this.#users.set(user.id, user);
    return user;
  }
}
