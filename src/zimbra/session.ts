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
  token(forceRenew?: boolean): Promise<string>;
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

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

function fromAuthResponse(response: Parameters<typeof text>[0], now: number): CachedToken {
  const token = text(response, 'authToken');
  if (token === undefined) throw new ZimbraUnavailableError('Zimbra answered the sign-in without a token.');
  const lifetime = integer(response, 'lifetime') ?? 60 * 60 * 1000;
  return { token, expiresAt: now + lifetime };
}

export function createSessionFactory(
  transport: SoapTransport,
  credentials: SourceCredentials,
  clock: Clock = SYSTEM_CLOCK,
): SessionFactory {
  const withRenewal = (fetchToken: () => Promise<CachedToken>) => {
    let current: Promise<CachedToken> | undefined;
    return async (forceRenew = false): Promise<string> => {
      const cached = current === undefined ? undefined : await current.catch(() => undefined);
      let next = current;
      if (
        next === undefined ||
        forceRenew ||
        cached === undefined ||
        cached.expiresAt - RENEW_MARGIN_MS <= clock.now()
      ) {
        next = fetchToken();
        current = next;
      }
      return (await next).token;
    };
  };

  const adminToken = withRenewal(async () => {
    if (credentials.mode !== 'admin') throw new Error('admin token requested in user mode');
    const response = await transport.call({
      port: 'admin',
      request: 'AuthRequest',
      namespace: 'urn:zimbraAdmin',
      body: { name: credentials.adminName, password: credentials.adminPassword.reveal() },
      rateKey: credentials.adminName,
    });
    return fromAuthResponse(response, clock.now());
  });

  const sessions = new Map<string, MailboxSession>();
  const createSession = (mailbox: string): MailboxSession => {
    if (credentials.mode === 'admin') {
      const delegate = async (): Promise<CachedToken> => {
        const call = async (renewAdmin: boolean) =>
          transport.call({
            port: 'admin',
            request: 'DelegateAuthRequest',
            namespace: 'urn:zimbraAdmin',
            body: { duration: DELEGATION_SECONDS, account: { by: 'name', _content: mailbox } },
            authToken: await adminToken(renewAdmin),
            rateKey: credentials.adminName,
          });
        let response;
        try {
          response = await call(false);
        } catch (error) {
          if (!(error instanceof ZimbraFaultError) || !error.fault.code.startsWith('service.AUTH_')) {
            throw error;
          }
          response = await call(true);
        }
        return fromAuthResponse(response, clock.now());
      };
      return { port: 'user', token: withRenewal(delegate) };
    }
    const password = credentials.passwords.get(mailbox.toLowerCase());
    const signIn = async (): Promise<CachedToken> => {
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
      return fromAuthResponse(response, clock.now());
    };
    return { port: 'user', token: withRenewal(signIn) };
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
