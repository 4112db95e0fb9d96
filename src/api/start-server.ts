import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import { countAgents } from '../db/agents.ts';
import type { Db } from '../db/database.ts';
import type { Mailer, SecretSealer } from '../domain/ports.ts';
import { measureQueueRoundTrip, type JobQueue } from '../db/job-queue.ts';
import { createSetupToken } from '../db/setup-tokens.ts';
import { hashToken, newToken } from '../secrets/tokens.ts';
import type { Outbound } from '../net/outbound-http.ts';
import { buildApp } from './build-app.ts';

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

const SETUP_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;
const QUEUE_PING_TIMEOUT_MS = 5_000;

export async function startServer(options: {
  config: Config;
  db: Db;
  queue: JobQueue;
  logger: Logger;
  version: string;
  webDir: string;
  sealer: SecretSealer;
  mailer: Mailer;
  outbound: Outbound;
  /** Where the one-time setup link is printed for the person starting Ferry. */
  announce: (line: string) => void;
}): Promise<RunningServer> {
  const { config, db, queue } = options;
  const listenUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const app = await buildApp({
    db,
    logger: options.logger,
    version: options.version,
    measureQueue: () => measureQueueRoundTrip(queue, QUEUE_PING_TIMEOUT_MS),
    secureCookies: config.publicUrl?.startsWith('https:') ?? false,
    webDir: options.webDir,
    sealer: options.sealer,
    mailer: options.mailer,
    outbound: options.outbound,
    queue,
    publicUrl: (config.publicUrl ?? listenUrl).replace(/\/$/, ''),
    m365Addresses: { authorityUrl: config.m365AuthorityUrl, graphUrl: config.m365GraphUrl },
    dnsServers: config.dnsServers,
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = address !== null && typeof address === 'object' ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const publicUrl = (config.publicUrl ?? url).replace(/\/$/, '');
  options.announce(`Ferry is listening on ${url}`);

  if ((await countAgents(db)) === 0) {
    const token = newToken();
    await createSetupToken(db, hashToken(token), new Date(Date.now() + SETUP_LINK_LIFETIME_MS));
    options.announce(
      `No agent exists yet. Create the first Administrator within 24 hours at:\n  ${publicUrl}/setup?token=${token}\nor run: ferry admin create --email you@example.com --name "Your Name"`,
    );
  }
  return { url, close: () => app.close() };
}
