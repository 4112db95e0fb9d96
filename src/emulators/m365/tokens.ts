import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/** What an access token grants: an app (app-only) or an app acting for one user (delegated). */
export interface TokenGrant {
  readonly tenantId: string;
  readonly clientId: string;
  readonly permissions: ReadonlySet<string>;
  /** Object id of the signed-in user for delegated (password grant) tokens. */
  readonly userId?: string;
}

interface TokenRecord extends TokenGrant {
  readonly expiresAt: number;
  revoked: boolean;
}

export type TokenCheck = { ok: true; grant: TokenGrant } | { ok: false; message: string };

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Issues JWT-shaped access tokens (header.payload.signature, like Entra's) and remembers them, so a
 * Graph call can be checked for expiry and revocation without verifying signatures.
 */
export class TokenStore {
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #key = randomBytes(32);
  readonly #lifetimeSec: number;

  constructor(lifetimeSec: number) {
    this.#lifetimeSec = lifetimeSec;
  }

  get lifetimeSec(): number {
    return this.#lifetimeSec;
  }

  issue(grant: TokenGrant): string {
    const now = Math.floor(Date.now() / 1000);
    const roles = [...grant.permissions];
    const payload = {
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${grant.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + this.#lifetimeSec,
      appid: grant.clientId,
      tid: grant.tenantId,
      uti: randomUUID(),
      ver: '1.0',
      ...(grant.userId === undefined
        ? { roles, oid: randomUUID() }
        : { scp: roles.join(' '), oid: grant.userId }),
    };
    const unsigned = `${base64url({ typ: 'JWT', alg: 'RS256', kid: 'ferry-emulator' })}.${base64url(payload)}`;
    const token = `${unsigned}.${createHmac('sha256', this.#key).update(unsigned).digest('base64url')}`;
    this.#tokens.set(token, { ...grant, expiresAt: Date.now() + this.#lifetimeSec * 1000, revoked: false });
    return token;
  }

  check(authorization: string | undefined): TokenCheck {
    if (authorization === undefined || authorization.trim() === '') {
      return { ok: false, message: 'Access token is empty.' };
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const record = match?.[1] === undefined ? undefined : this.#tokens.get(match[1]);
    if (record === undefined) {
      const malformed = match?.[1]?.split('.').length !== 3;
      return {
        ok: false,
        message: malformed
          ? 'IDX14100: JWT is not well formed, there are no dots (.).'
          : 'Access token validation failure. Invalid audience.',
      };
    }
    if (record.revoked) return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
    if (Date.now() >= record.expiresAt) {
      return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
    }
    return { ok: true, grant: record };
  }

  /** Invalidates the bearer token in `authorization` (fault `revoke`). */
  revoke(authorization: string | undefined): void {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    const record = token === undefined ? undefined : this.#tokens.get(token);
    if (record !== undefined) record.revoked = true;
  }
}
