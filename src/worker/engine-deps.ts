import { X509Certificate } from 'node:crypto';

import type { Logger } from '../config/logger.ts';
import type { Db } from '../db/database.ts';
import { SYSTEM_CLOCK } from '../domain/clock.ts';
import { type M365EndpointSettings, NATIONAL_CLOUDS, type PassEndpoints } from '../domain/endpoints.ts';
import { UserError } from '../domain/errors.ts';
import type { MigrationStore } from '../domain/migration-store.ts';
import type { SecretSealer } from '../domain/ports.ts';
import { Secret } from '../domain/secret.ts';
import type { ByteBudget } from '../engine/byte-budget.ts';
import type { EngineDeps } from '../engine/migrate-mailbox.ts';
import { createThrottleLedger } from '../engine/throttle-ledger.ts';
import { STAMP_PROPERTY_ID } from '../engine/migrate-message.ts';
import { createGraphDestination } from '../graph/graph-destination.ts';
import { type BudgetLimits } from '../graph/mailbox-budget.ts';
import type { Outbound } from '../net/outbound-http.ts';
import { type CertificateCredential, createTokenProvider } from '../graph/token-provider.ts';
import { createGraphTransport } from '../graph/transport.ts';
import { createSessionFactory } from '../zimbra/session.ts';
import { createSoapTransport } from '../zimbra/soap-transport.ts';
import { createZimbraSource } from '../zimbra/zimbra-source.ts';

/** The token scope of the Graph a URL belongs to; custom URLs (emulators, proxies) stand in for the global Graph. */
export function graphScopeFor(graphUrl: string): string {
  const origin = new URL(graphUrl).origin;
  const cloud = Object.values(NATIONAL_CLOUDS).find((c) => c.graphUrl === origin);
  return `${cloud?.graphUrl ?? NATIONAL_CLOUDS.global.graphUrl}/.default`;
}

export function createEngineDeps(
  endpoints: PassEndpoints,
  store: MigrationStore,
  limits: BudgetLimits,
  memory: ByteBudget,
  logger: Logger,
  outbound: Outbound,
): EngineDeps {
  const { source, destination } = endpoints;
  const soap = createSoapTransport({ url: source.url, adminUrl: source.adminUrl, fetch: outbound.fetch });
  const sessions = createSessionFactory(
    soap,
    source.username !== undefined
      ? { mode: 'admin', adminName: source.username, adminPassword: new Secret(source.password ?? '') }
      : {
          mode: 'user',
          passwords: new Map(
            Object.entries(source.userPasswords).map(([user, pw]) => [user.toLowerCase(), new Secret(pw)]),
          ),
        },
  );
  const getToken = createTokenProvider(
    {
      authorityUrl: destination.authorityUrl,
      tenantId: destination.tenantId,
      clientId: destination.clientId,
      credential: appCredential(destination),
      scope: graphScopeFor(destination.graphUrl),
    },
    { fetch: outbound.fetch },
  );
  const transport = createGraphTransport({
    graphUrl: destination.graphUrl,
    getToken,
    limits,
    fetch: outbound.fetch,
  });
  return {
    source: createZimbraSource(soap, sessions, SYSTEM_CLOCK, (message) => logger.warn(message)),
    destination: createGraphDestination({ transport, stampPropertyId: STAMP_PROPERTY_ID }),
    store,
    memory,
    throttleLedger: createThrottleLedger(),
  };
}

/** Engine dependencies per pass run, built once from the run's sealed endpoints. */
export function createEngineDepsCache(
  db: Db,
  sealer: SecretSealer,
  store: MigrationStore,
  limits: BudgetLimits,
  memory: ByteBudget,
  logger: Logger,
  outbound: Outbound,
) {
  const cache = new Map<string, Promise<EngineDeps>>();
  return (runId: string): Promise<EngineDeps> => {
    let deps = cache.get(runId);
    if (deps === undefined) {
      deps = db
        .selectFrom('pass_runs')
        .select('endpoints_sealed')
        .where('id', '=', runId)
        .executeTakeFirstOrThrow()
        .then((row) =>
          createEngineDeps(
            JSON.parse(sealer.open(row.endpoints_sealed).reveal()) as PassEndpoints,
            store,
            limits,
            memory,
            logger,
            outbound,
          ),
        );
      cache.set(runId, deps);
    }
    return deps;
  };
}

/** The app's secret, or its certificate's thumbprint and private key. */
function appCredential(destination: M365EndpointSettings): Secret | CertificateCredential {
  const certificate = destination.clientCertificate;
  if (certificate === undefined) return new Secret(destination.clientSecret ?? '');
  let thumbprintSha256: string;
  try {
    thumbprintSha256 = new X509Certificate(certificate.certificatePem).fingerprint256.replaceAll(':', '');
  } catch (cause) {
    throw new UserError(
      'CERTIFICATE_INVALID',
      `The client certificate of application ${destination.clientId} is not a readable PEM certificate.`,
      { cause },
    );
  }
  return {
    thumbprintSha256,
    privateKey: new Secret(certificate.privateKeyPem),
    x5c: certificate.certificatePem,
  };
}
