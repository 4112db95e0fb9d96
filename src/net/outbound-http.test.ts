import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../domain/errors.ts';
import { parseCidrList } from '../domain/ip-networks.ts';
import { createOutbound, type Outbound } from './outbound-http.ts';
import { OutboundRefusedError, type Resolve } from './outbound-policy.ts';

const LOOPBACK = parseCidrList('127.0.0.0/8').networks;

/** Names only these tests know, so no real DNS is involved. */
const NAMES: Record<string, string[]> = {
  'mail.example.test': ['127.0.0.1'],
  'private.example.test': ['10.0.0.5'],
  'mixed.example.test': ['93.184.216.34', '10.0.0.5'],
  'public.example.test': ['93.184.216.34'],
  'direct.example.test': ['127.0.0.1'],
};
const resolve: Resolve = (hostname) => {
  const addresses = NAMES[hostname];
  if (addresses === undefined)
    return Promise.reject(
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
    );
  return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
};

let server: Server;
let port = 0;
const seen: string[] = [];
const opened: Outbound[] = [];

beforeAll(async () => {
  // Answers as a web server, and as a forward proxy (an absolute URL in the request line).
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end(`answered ${req.url ?? ''}`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await Promise.all(opened.map((o) => o.close()));
  await new Promise<void>((done) => server.close(() => done()));
});

const outbound = (options: Partial<Parameters<typeof createOutbound>[0]> = {}) => {
  const created = createOutbound({ allowedPrivateNetworks: [], resolve, ...options });
  opened.push(created);
  return created;
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the request went through'),
    (error: unknown) => (error as { cause?: unknown }).cause ?? error,
  );

describe('direct connections', () => {
  it('refuse a name resolving to a private address, naming the name, the address and the allow-list entry', async () => {
    const refusal = await failure(outbound().fetch('http://private.example.test/'));
    expect(refusal).toBeInstanceOf(OutboundRefusedError);
    expect((refusal as UserError).message).toBe(
      'Connecting to private.example.test is not allowed: it resolves to 10.0.0.5, a private address. Ferry does not connect to private, loopback or link-local addresses unless allowed: set FERRY_ALLOWED_PRIVATE_NETWORKS=10.0.0.5/32 (a comma-separated list of CIDRs, e.g. 10.0.0.0/24) if this server is on your private network.',
    );
  });

  it('refuse a name when any one of its addresses is refused', async () => {
    expect(await failure(outbound().fetch('http://mixed.example.test/'))).toBeInstanceOf(
      OutboundRefusedError,
    );
  });

  it('refuse addresses written in the URL, IPv4-mapped IPv6 included', async () => {
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      'http://169.254.169.254/',
    ])
      expect(await failure(outbound().fetch(url)), url).toBeInstanceOf(OutboundRefusedError);
    expect(seen).toEqual([]);
  });

  it('connect to exactly the address that was checked, when its network is allowed', async () => {
    const response = await outbound({ allowedPrivateNetworks: LOOPBACK }).fetch(
      `http://mail.example.test:${port}/hello`,
    );
    expect(await response.text()).toBe('answered /hello');
  });
});

describe('through a proxy', () => {
  const proxied = () => outbound({ httpProxy: `http://127.0.0.1:${port}`, noProxy: 'direct.example.test' });

  it('sends public targets to the proxy (which Ferry reaches although it is on loopback)', async () => {
    const response = await proxied().fetch('http://public.example.test/x');
    expect(await response.text()).toBe('answered http://public.example.test/x');
  });

  it('refuses a target whose name resolves to a private address before the proxy hears of it', async () => {
    const before = seen.length;
    expect(await failure(proxied().fetch('http://private.example.test/'))).toBeInstanceOf(
      OutboundRefusedError,
    );
    expect(await failure(proxied().fetch('http://10.9.9.9/'))).toBeInstanceOf(OutboundRefusedError);
    expect(seen.length).toBe(before);
  });

  it('leaves a name Ferry cannot resolve itself to the proxy', async () => {
    const response = await proxied().fetch('http://only-the-proxy-knows.test/');
    expect(await response.text()).toBe('answered http://only-the-proxy-knows.test/');
  });

  it('still checks hosts in NO_PROXY at connect time', async () => {
    expect(await failure(proxied().fetch(`http://direct.example.test:${port}/`))).toBeInstanceOf(
      OutboundRefusedError,
    );
  });
});

describe('FERRY_CA_FILE', () => {
  it('makes a self-signed server certificate trusted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ferry-ca-'));
    const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2'].concat([
        '-subj',
        '/CN=zimbra.example.test',
        '-addext',
        'subjectAltName=DNS:mail.example.test',
      ]),
      { stdio: 'ignore' },
    );
    const tlsServer = createTlsServer({ cert: readFileSync(cert), key: readFileSync(key) }, (_req, res) =>
      res.end('over tls'),
    );
    await new Promise<void>((done) => tlsServer.listen(0, '127.0.0.1', done));
    const url = `https://mail.example.test:${(tlsServer.address() as AddressInfo).port}/`;
    try {
      const untrusted = await failure(outbound({ allowedPrivateNetworks: LOOPBACK }).fetch(url));
      expect((untrusted as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      const trusting = outbound({ allowedPrivateNetworks: LOOPBACK, caFile: cert });
      expect(await (await trusting.fetch(url)).text()).toBe('over tls');
    } finally {
      await new Promise<void>((done) => tlsServer.close(() => done()));
    }
  });

  it('must name a readable PEM file', () => {
    const notPem = path.join(tmpdir(), `ferry-ca-${process.pid}.txt`);
    writeFileSync(notPem, 'hello');
    expect(() => createOutbound({ allowedPrivateNetworks: [], caFile: notPem })).toThrow(
      expect.objectContaining({ code: 'CA_FILE_INVALID' }),
    );
    expect(() => createOutbound({ allowedPrivateNetworks: [], caFile: '/nonexistent/ca.pem' })).toThrow(
      UserError,
    );
  });
});
