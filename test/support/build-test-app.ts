import { Writable } from 'node:stream';

import { buildApp } from '../../src/api/build-app.ts';
import { createLogger } from '../../src/config/logger.ts';
import type { Db } from '../../src/db/database.ts';
import type { JobQueue } from '../../src/db/job-queue.ts';
import type { Mailer, OutgoingEmail } from '../../src/domain/ports.ts';
import type { Outbound } from '../../src/net/outbound-http.ts';
import { parseKeyRing } from '../../src/secrets/master-key.ts';
import { createSecretBox } from '../../src/secrets/secret-box.ts';
import { loopbackOutbound } from './loopback-outbound.ts';

/** A mailer that keeps what it was asked to send, for tests that check emails without SMTP. */
export function recordingMailer(): Mailer & { readonly sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return {
    sent,
    send(email) {
      sent.push(email);
      return Promise.resolve();
    },
  };
}

/** The API on a test database, with every log line captured so tests can check what was logged. */
export async function buildTestApp(
  db: Db,
  options: {
    mailer?: Mailer;
    queue?: JobQueue;
    publicUrl?: string;
    /** A directory with a built console (index.html), to test what the console is served with. */
    webDir?: string;
    m365Addresses?: { authorityUrl: string | undefined; graphUrl: string | undefined };
    /** Loopback (the emulators) is allowed unless a test brings its own outbound layer. */
    outbound?: Outbound;
    /** Resolvers for the cutover assistant (a test DNS server). */
    dnsServers?: readonly string[];
  } = {},
) {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const app = await buildApp({
    db,
    logger: createLogger('trace', sink),
    version: 'test',
    measureQueue: undefined,
    secureCookies: false,
    webDir: options.webDir,
    sealer: createSecretBox(parseKeyRing(`test:${Buffer.alloc(32, 7).toString('base64')}`)),
    mailer: options.mailer ?? recordingMailer(),
    outbound: options.outbound ?? loopbackOutbound(),
    queue: options.queue,
    publicUrl: options.publicUrl ?? 'http://ferry.test',
    ...(options.m365Addresses === undefined ? {} : { m365Addresses: options.m365Addresses }),
    ...(options.dnsServers === undefined ? {} : { dnsServers: options.dnsServers }),
  });
  await app.ready();
  return { app, logLines };
}

/** Cookies from a response's set-cookie headers, as a Cookie header and a map. */
export function cookiesOf(setCookie: string | string[] | undefined): {
  header: string;
  values: Record<string, string>;
} {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  const values = Object.fromEntries(
    list.map((c) => {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1))];
    }),
  );
  return {
    header: Object.entries(values)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('; '),
    values,
  };
}
