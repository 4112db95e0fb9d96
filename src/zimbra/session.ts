import type { Clock } from '../domain/clock.ts';
import { SYSTEM_CLOCK } from '../domain/clock.ts';
import type { Secret } from '../domain/secret.ts';
import { child, integer, text } from './json-element.ts';
import type { SoapTransport } from './soap-transport.ts';
import { ZimbraFaultError, ZimbraUnavailableError } from './zimbra-error.ts';

/**
 * How Ferry gets a token for a mailbox (zimbra.md §2–3):
 * - admin mode: one admin AuthRequest on the admin port, then DelegateAuthRequest per mailbox;
 * - user mode: each user's own AuthRequest with their password.
 * Tokens are renewed before they expire, and once more when Zimbra says AUTH_EXPIRED.
 */
export type SourceCredentials =
  | { readonly mode: 'admin'; readonly adminName: string; readonly adminPassword: Secret }
  | { readonly mode: 'user'; readonly passwords: ReadonlyMap<string, Secret> };

export interface MailboxSession {
  /** Token for mail requests and REST downloads of this mailbox. */
  token(): Promise<string>;
  /**
   * Zimbra refused `rejected` as expired: a fresh token, fetched once however many requests saw the
   * same token refused at the same time.
   */
  renew(rejected: string): Promise<string>;
  /** Which port mail requests go to: delegated tokens work on both; user tokens only on the user port. */
  readonly port: 'user' | 'admin';
}

export interface SessionFactory {
  forMailbox(mailbox: string): MailboxSession;
}

/** Renew this long before Zimbra's expiry, so a request never goes out with a dying token. */
const RENEW_MARGIN_MS = 5 * 60 * 1000;
/** Delegated tokens: ask for 2 h; Zimbra caps it at the user's token lifetime. */
const DELEGATION_SECONDS = 2 * 60 * 60;

interface IssuedToken {
  readonly token: string;
  /** What Zimbra announced; DelegateAuth echoes the requested lifetime even when the account's cap is lower. */
  readonly lifetimeMs: number;
}

interface CachedToken extends IssuedToken {
  readonly issuedAt: number;
}

function fromAuthResponse(response: Parameters<typeof text>[0]): IssuedToken {
  const token = text(response, 'authToken');
  if (token === undefined) throw new ZimbraUnavailableError('Zimbra answered the sign-in without a token.');
  return { token, lifetimeMs: integer(response, 'lifetime') ?? 60 * 60 * 1000 };
}

/**
 * One token at a time for one identity: fetched when missing, renewed before it expires, and once
 * (not once per request) when Zimbra refuses it. A token refused before its announced lifetime
 * teaches the real lifetime (zm-mailbox DelegateAuth.java caps the token at the account's
 * zimbraAuthTokenLifetime but answers the requested one), so later tokens renew on that schedule.
 */
function renewingToken(fetchToken: () => Promise<IssuedToken>, clock: Clock) {
  let current: Promise<CachedToken> | undefined;
  let learnedLifetimeMs = Number.POSITIVE_INFINITY;
  const refresh = () => {
    const issuedAt = clock.now();
    current = fetchToken().then((issued) => ({ ...issued, issuedAt }));
    return current;
  };
  const renewAt = (cached: CachedToken) => {
    const lifetime = Math.min(cached.lifetimeMs, learnedLifetimeMs);
    return cached.issuedAt + lifetime - Math.min(RENEW_MARGIN_MS, lifetime / 10);
  };
  return {
    async token(): Promise<string> {
      const snapshot = current;
      const cached = snapshot === undefined ? undefined : await snapshot.catch(() => undefined);
      if (cached === undefined || renewAt(cached) <= clock.now()) {
        return (await (current === snapshot ? refresh() : current!)).token;
      }
      return cached.token;
    },
    async renew(rejected: string): Promise<string> {
      const snapshot = current;
      const cached = snapshot === undefined ? undefined : await snapshot.catch(() => undefined);
      if (cached === undefined || cached.token === rejected) {
        if (cached !== undefined) {
          const lived = clock.now() - cached.issuedAt;
          if (lived < cached.lifetimeMs)
            learnedLifetimeMs = Math.min(learnedLifetimeMs, Math.max(lived, 1_000));
        }
        if (current === snapshot) void refresh();
      }
      return (await current!).token;
    },
  };
}

export function createSessionFactory(
  transport: SoapTransport,
  credentials: SourceCredentials,
  clock: Clock = SYSTEM_CLOCK,
): SessionFactory {
  const adminToken = renewingToken(async () => {
    if (credentials.mode !== 'admin') throw new Error('admin token requested in user mode');
    const response = await transport.call({
      port: 'admin',
      request: 'AuthRequest',
      namespace: 'urn:zimbraAdmin',
      body: { name: credentials.adminName, password: credentials.adminPassword.reveal() },
      rateKey: credentials.adminName,
    });
    return fromAuthResponse(response);
  }, clock);

  const sessions = new Map<string, MailboxSession>();
  const createSession = (mailbox: string): MailboxSession => {
    if (credentials.mode === 'admin') {
      const delegate = async (): Promise<IssuedToken> => {
        const call = async (adminAuthToken: string) =>
          transport.call({
            port: 'admin',
            request: 'DelegateAuthRequest',
            namespace: 'urn:zimbraAdmin',
            body: { duration: DELEGATION_SECONDS, account: { by: 'name', _content: mailbox } },
            authToken: adminAuthToken,
            rateKey: credentials.adminName,
          });
        const used = await adminToken.token();
        let response;
        try {
          response = await call(used);
        } catch (error) {
          if (!(error instanceof ZimbraFaultError) || !error.fault.code.startsWith('service.AUTH_')) {
            throw error;
          }
          response = await call(await adminToken.renew(used));
        }
        return fromAuthResponse(response);
      };
      return { port: 'user', ...renewingToken(delegate, clock) };
    }
    const password = credentials.passwords.get(mailbox.toLowerCase());
    const signIn = async (): Promise<IssuedToken> => {
      if (password === undefined) {
        throw new ZimbraFaultError(
          {
            code: 'account.AUTH_FAILED',
            reason: `no password was given for ${mailbox}`,
            request: 'AuthRequest',
          },
          { user: mailbox },
        );
      }
      const response = await transport.call({
        port: 'user',
        request: 'AuthRequest',
        namespace: 'urn:zimbraAccount',
        body: { account: { by: 'name', _content: mailbox }, password: { _content: password.reveal() } },
        rateKey: mailbox,
      });
      if (
        text(child(response, 'twoFactorAuthRequired'), '_content') === 'true' ||
        text(response, 'twoFactorAuthRequired') === 'true'
      ) {
        throw new ZimbraFaultError(
          {
            code: 'account.TWO_FACTOR_AUTH_FAILED',
            reason: `${mailbox} requires two-factor authentication`,
            request: 'AuthRequest',
          },
          { user: mailbox },
        );
      }
      return fromAuthResponse(response);
    };
    return { port: 'user', ...renewingToken(signIn, clock) };
  };

  return {
    /** One session per mailbox, so its token is reused until it nears expiry. */
    forMailbox(mailbox) {
      const key = mailbox.toLowerCase();
      let session = sessions.get(key);
      if (session === undefined) {
        session = createSession(mailbox);
        sessions.set(key, session);
      }
      return session;
    },
  };
}
