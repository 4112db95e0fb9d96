import type { ZimbraSettings } from '../../domain/endpoint-settings.ts';
import type { Secret } from '../../domain/secret.ts';
import type { Outbound } from '../../net/outbound-http.ts';
import { createSoapTransport, type SoapCall } from '../../zimbra/soap-transport.ts';
import { faultAdvice, ZimbraFaultError } from '../../zimbra/zimbra-error.ts';
import { type EndpointCheck, type EndpointValidation, networkProblem } from './check-result.ts';

const TIMEOUT_MS = 10_000;

/**
 * Tests the two ports a Zimbra migration uses (seed guide, "Test Mailbox Access"): the mail port
 * (user SOAP) and, in admin mode, the admin port (admin AuthRequest), each on its own so the
 * agent learns which one is unreachable.
 */
export async function validateZimbra(
  settings: ZimbraSettings,
  adminPassword: Secret | undefined,
  outbound: Outbound,
): Promise<EndpointValidation> {
  const transport = createSoapTransport({
    url: settings.serverUrl,
    adminUrl: settings.adminUrl,
    maxAttempts: 1,
    fetch: (input, init) => outbound.fetch(input, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) }),
  });
  const adminMode =
    settings.provideCredentials && settings.adminUsername !== null && adminPassword !== undefined;
  const checks: EndpointCheck[] = [];
  const mailPort = `mail port (${settings.serverUrl})`;
  if (adminMode) {
    // The migration admin is an account too: signing in on the mail port proves the port and the password.
    checks.push(
      await attempt(mailPort, settings.serverUrl, () =>
        transport.call(userAuth(settings.adminUsername!, adminPassword)),
      ),
    );
    checks.push(
      await attempt(`admin port (${settings.adminUrl})`, settings.adminUrl, () =>
        transport.call({
          port: 'admin',
          request: 'AuthRequest',
          namespace: 'urn:zimbraAdmin',
          body: { name: settings.adminUsername!, password: adminPassword.reveal() },
          rateKey: settings.adminUsername!,
        }),
      ),
    );
  } else {
    // Regular-user mode has no account to sign in with yet: any SOAP answer proves the port is Zimbra's.
    checks.push(
      await attempt(mailPort, settings.serverUrl, async () => {
        try {
          await transport.call({
            port: 'user',
            request: 'NoOpRequest',
            namespace: 'urn:zimbraMail',
            body: {},
            rateKey: 'ferry-check',
          });
        } catch (error) {
          if (!(error instanceof ZimbraFaultError)) throw error;
        }
      }),
    );
  }
  return { ok: checks.every((c) => c.ok), checks, region: null, regionNotice: null };
}

function userAuth(name: string, password: Secret): SoapCall {
  return {
    port: 'user',
    request: 'AuthRequest',
    namespace: 'urn:zimbraAccount',
    body: { account: { by: 'name', _content: name }, password: { _content: password.reveal() } },
    rateKey: name,
  };
}

async function attempt(check: string, url: string, run: () => Promise<unknown>): Promise<EndpointCheck> {
  try {
    await run();
    return { check, ok: true, message: `Zimbra answered on the ${check.split(' (')[0]}.` };
  } catch (error) {
    if (error instanceof ZimbraFaultError) {
      // Only the fault code is used, and only when Ferry has its own words for it: the fault's
      // reason is the remote server's text, never repeated.
      const advice = faultAdvice(error.code);
      return {
        check,
        ok: false,
        code: advice === undefined ? 'ZIMBRA_FAULT' : error.code,
        message: advice ?? `Zimbra refused the request on the ${check.split(' (')[0]}.`,
        fix:
          error.code === 'service.PERM_DENIED'
            ? 'Make the account a global admin: zmprov ma <account> zimbraIsAdminAccount TRUE'
            : 'Check the admin username and password (the password must not contain a comma).',
      };
    }
    const problem = networkProblem(error, url);
    return {
      check,
      ok: false,
      code: problem.code,
      message: `The ${check} cannot be used. ${problem.message}`,
      fix: problem.fix,
    };
  }
}
