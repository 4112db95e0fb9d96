import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../../src/domain/errors.ts';
import { Secret } from '../../src/domain/secret.ts';
import { startM365Emulator, type RunningM365Emulator } from '../../src/emulators/m365/server.ts';
import { GraphRequestError } from '../../src/graph/graph-error.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { createTokenProvider } from '../../src/graph/token-provider.ts';
import { createGraphTransport } from '../../src/graph/transport.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';
const CERT_CLIENT = '55555555-5555-4555-8555-555555555555';
const UPN = 'alice@contoso.com';

let emulator: RunningM365Emulator;

/** A self-signed certificate and its key, as an admin uploads one to the app registration. */
function selfSignedCertificate(): { certificatePem: string; privateKeyPem: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-cert-'));
  const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=ferry-test',
    ],
    { stdio: 'ignore' },
  );
  return { certificatePem: readFileSync(cert, 'utf8'), privateKeyPem: readFileSync(key, 'utf8') };
}
const registered = selfSignedCertificate();
const stranger = selfSignedCertificate();

beforeAll(async () => {
  emulator = await startM365Emulator({
    config: {
      tenants: [
        {
          id: TENANT,
          domains: ['contoso.com'],
          region: 'EU',
          apps: [
            { clientId: CLIENT, secret: 'app-secret', permissions: ['Mail.ReadWrite', 'User.Read.All'] },
            {
              clientId: CERT_CLIENT,
              certificatePem: registered.certificatePem,
              permissions: ['Mail.ReadWrite', 'User.Read.All'],
            },
          ],
          users: [
            { userPrincipalName: UPN, mailbox: true },
            { userPrincipalName: 'nobox@contoso.com', mailbox: false },
          ],
        },
      ],
    },
    // Every request takes 40 ms, so parallel requests really overlap and concurrency limits bite.
    faults: 'slow=1:40',
  });
});

afterAll(() => emulator.close());

const credentials = (secret: string) => ({
  authorityUrl: emulator.authorityUrl,
  tenantId: TENANT,
  clientId: CLIENT,
  credential: new Secret(secret),
  scope: 'https://graph.microsoft.com/.default',
});

describe('Graph client against the emulated Microsoft 365', () => {
  it('stays within the mailbox concurrency limit, so parallel work is never throttled', async () => {
    const transport = createGraphTransport({
      graphUrl: emulator.graphUrl,
      getToken: createTokenProvider(credentials('app-secret'), { fetch: loopbackOutbound().fetch }),
      limits: MICROSOFT_LIMITS,
      fetch: loopbackOutbound().fetch,
    });
    const responses = await Promise.all(
      Array.from({ length: 16 }, () =>
        transport.request<{ value: unknown[] }>({
          method: 'GET',
          path: `/v1.0/users/${UPN}/mailFolders`,
          mailbox: UPN,
        }),
      ),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const stats = (await (await fetch(`${emulator.graphUrl}/_emulator/stats`)).json()) as {
      mailboxes: Record<string, { throttled429: number; maxConcurrency: number }>;
    };
    expect(stats.mailboxes[UPN]).toMatchObject({ throttled429: 0, maxConcurrency: 4 });
    expect(transport.stats(UPN)).toMatchObject({ requests: 16, throttled: 0 });
  });

  it('is throttled by the emulator when the same burst ignores the limit (the check above can fail)', async () => {
    const getToken = createTokenProvider(credentials('app-secret'), { fetch: loopbackOutbound().fetch });
    const token = await getToken(false);
    const statuses = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const response = await fetch(`${emulator.graphUrl}/v1.0/users/${UPN}/mailFolders`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await response.body?.cancel();
        return response.status;
      }),
    );
    expect(statuses).toContain(429);
  });

  it('reports a mailbox that is not enabled with Graph’s own code and request ids', async () => {
    const transport = createGraphTransport({
      graphUrl: emulator.graphUrl,
      getToken: createTokenProvider(credentials('app-secret'), { fetch: loopbackOutbound().fetch }),
      limits: MICROSOFT_LIMITS,
      fetch: loopbackOutbound().fetch,
    });
    const error = await transport
      .request({
        method: 'GET',
        path: '/v1.0/users/nobox@contoso.com/mailFolders',
        mailbox: 'nobox@contoso.com',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as GraphRequestError).failure.graphCode).toBe('MailboxNotEnabledForRESTAPI');
    expect((error as GraphRequestError).failure.requestId).toBeDefined();
  });

  it('explains a wrong client secret in plain words', async () => {
    const error = await createTokenProvider(credentials('wrong-secret'), { fetch: loopbackOutbound().fetch })(
      false,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('AADSTS7000215');
  });

  it('signs in with a certificate instead of a secret, and names a certificate the app does not know', async () => {
    const withCertificate = (pem: { certificatePem: string; privateKeyPem: string }) =>
      createTokenProvider(
        {
          authorityUrl: emulator.authorityUrl,
          tenantId: TENANT,
          clientId: CERT_CLIENT,
          credential: {
            thumbprintSha256: new X509Certificate(pem.certificatePem).fingerprint256.replaceAll(':', ''),
            privateKey: new Secret(pem.privateKeyPem),
            x5c: undefined,
          },
          scope: 'https://graph.microsoft.com/.default',
        },
        { fetch: loopbackOutbound().fetch },
      );
    const transport = createGraphTransport({
      graphUrl: emulator.graphUrl,
      getToken: withCertificate(registered),
      limits: MICROSOFT_LIMITS,
      fetch: loopbackOutbound().fetch,
    });
    const answer = await transport.request({ method: 'GET', path: `/v1.0/users/${UPN}`, mailbox: UPN });
    expect(answer.status).toBe(200);
    const error = await withCertificate(stranger)(false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain('700027');
  });
});
