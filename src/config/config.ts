import { isIP } from 'node:net';
import path from 'node:path';

import { z } from 'zod';

import { type IpNetwork, parseCidrList } from '../domain/ip-networks.ts';

/**
 * Ferry's whole configuration, read once from the environment. Each key names its environment
 * variable, its default and its unit; nothing else in Ferry reads process.env.
 */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

interface KeySpec {
  readonly env: string;
  readonly description: string;
  readonly defaultText: string;
  readonly secret?: boolean;
}

export const CONFIG_KEYS = {
  dataDir: {
    env: 'FERRY_DATA_DIR',
    description: 'Directory for the embedded database, the master key and the email outbox (path)',
    defaultText: './data',
  },
  host: { env: 'HOST', description: 'Address the HTTP server listens on', defaultText: '127.0.0.1' },
  port: {
    env: 'PORT',
    description: 'TCP port of the HTTP server (0 picks a free port)',
    defaultText: '8080',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    description:
      'PostgreSQL connection URL of the app role (everything but migrations); unset starts an embedded PostgreSQL in the data dir',
    defaultText: '(embedded)',
    secret: true,
  },
  databaseOwnerUrl: {
    env: 'DATABASE_OWNER_URL',
    description:
      "PostgreSQL connection URL of the role that owns Ferry's tables, used only for migrations and the app role's grants (needs DATABASE_URL)",
    defaultText: '(DATABASE_URL: one role)',
    secret: true,
  },
  masterKey: {
    env: 'FERRY_MASTER_KEY',
    description:
      'Key(s) that encrypt credentials at rest: "id:base64-32-bytes[,id:base64…]", first one current; unset → generated once into <data dir>/master.key',
    defaultText: '(generated)',
    secret: true,
  },
  smtpUrl: {
    env: 'SMTP_URL',
    description:
      'SMTP server for outgoing email (smtp:// or smtps://); unset writes .eml files to <data dir>/outbox',
    defaultText: '(outbox)',
    secret: true,
  },
  publicUrl: {
    env: 'FERRY_PUBLIC_URL',
    description: 'URL agents use to reach Ferry, for links in emails and the setup link',
    defaultText: 'http://HOST:PORT',
  },
  mailFrom: {
    env: 'FERRY_MAIL_FROM',
    description: 'Sender of the emails Ferry sends (notifications, statistics, licences)',
    defaultText: 'Ferry <ferry@localhost>',
  },
  m365AuthorityUrl: {
    env: 'FERRY_M365_AUTHORITY_URL',
    description:
      'Identity authority new Microsoft 365 endpoints use unless they name their own (an identity proxy, or `ferry emulate m365`)',
    defaultText: "(the endpoint's national cloud)",
  },
  m365GraphUrl: {
    env: 'FERRY_M365_GRAPH_URL',
    description:
      'Graph address new Microsoft 365 endpoints use unless they name their own (a proxy, or the emulator)',
    defaultText: "(the endpoint's national cloud)",
  },
  allowedPrivateNetworks: {
    env: 'FERRY_ALLOWED_PRIVATE_NETWORKS',
    description:
      'Private, loopback or link-local networks Ferry may connect to (comma-separated CIDRs, IPv4 and IPv6, e.g. "10.0.0.0/24,fd12::/64"): an on-premises Zimbra, an emulator',
    defaultText: '(none)',
  },
  caFile: {
    env: 'FERRY_CA_FILE',
    description:
      'PEM file of extra certificate authorities Ferry trusts besides the public ones (a self-signed Zimbra certificate)',
    defaultText: '(public CAs only)',
  },
  httpsProxy: {
    env: 'HTTPS_PROXY',
    description: 'Proxy for https:// connections to Zimbra and Microsoft 365 (also read as https_proxy)',
    defaultText: '(direct)',
    secret: true,
  },
  httpProxy: {
    env: 'HTTP_PROXY',
    description: 'Proxy for http:// connections (also read as http_proxy)',
    defaultText: '(direct)',
    secret: true,
  },
  noProxy: {
    env: 'NO_PROXY',
    description: 'Hosts reached without the proxy (comma-separated names, "*.example.com"; also no_proxy)',
    defaultText: '(none)',
  },
  connectionsPerHost: {
    env: 'FERRY_HTTP_CONNECTIONS_PER_HOST',
    description: 'Most connections one Ferry process keeps open to one server (Graph, a Zimbra port)',
    defaultText: '64',
  },
  dnsServers: {
    env: 'FERRY_DNS_SERVERS',
    description:
      'DNS resolvers the cutover assistant asks, each on its own (comma-separated addresses, optional port: "1.1.1.1,8.8.8.8,[2606:4700::1111]:53")',
    defaultText: "(the system's resolvers)",
  },
  logLevel: { env: 'LOG_LEVEL', description: `Log level (${LOG_LEVELS.join(', ')})`, defaultText: 'info' },
  workerMailboxes: {
    env: 'FERRY_WORKER_MAILBOXES',
    description:
      'Mailboxes one worker process migrates at once (each keeps up to 16 items in flight); more workers add mailboxes',
    defaultText: '100',
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

const portSchema = z.coerce
  .number({ error: 'must be a whole number between 0 and 65535' })
  .int('must be a whole number between 0 and 65535')
  .min(0, 'must be a whole number between 0 and 65535')
  .max(65535, 'must be a whole number between 0 and 65535');

const urlSchema = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

const envSchema = z
  .object({
    FERRY_DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
    HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    PORT: portSchema.default(8080),
    DATABASE_URL: urlSchema(['postgres:', 'postgresql:']).optional(),
    DATABASE_OWNER_URL: urlSchema(['postgres:', 'postgresql:']).optional(),
    FERRY_MASTER_KEY: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]+:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]+:[A-Za-z0-9+/]{43}=)*$/,
        'must be "id:base64" with a 32-byte key (44 base64 characters), several separated by commas',
      )
      .optional(),
    SMTP_URL: urlSchema(['smtp:', 'smtps:']).optional(),
    FERRY_PUBLIC_URL: urlSchema(['http:', 'https:']).optional(),
    FERRY_MAIL_FROM: z.string().min(3, 'must be an email address').default('Ferry <ferry@localhost>'),
    FERRY_M365_AUTHORITY_URL: urlSchema(['http:', 'https:']).optional(),
    FERRY_M365_GRAPH_URL: urlSchema(['http:', 'https:']).optional(),
    FERRY_ALLOWED_PRIVATE_NETWORKS: z
      .string()
      .transform((text, ctx) => {
        const { networks, bad } = parseCidrList(text);
        if (bad.length > 0)
          ctx.addIssue({
            code: 'custom',
            message: `must be a comma-separated list of CIDRs such as 10.0.0.0/24 or fd12:3456::/48; not a CIDR: ${bad.map((b) => `"${b}"`).join(', ')}`,
          });
        return networks;
      })
      .default([]),
    FERRY_CA_FILE: z.string().min(1, 'must not be empty').optional(),
    HTTPS_PROXY: urlSchema(['http:', 'https:']).optional(),
    HTTP_PROXY: urlSchema(['http:', 'https:']).optional(),
    NO_PROXY: z.string().optional(),
    FERRY_HTTP_CONNECTIONS_PER_HOST: z.coerce
      .number({ error: 'must be a whole number from 1 to 1024' })
      .int('must be a whole number from 1 to 1024')
      .min(1, 'must be a whole number from 1 to 1024')
      .max(1024, 'must be a whole number from 1 to 1024')
      .default(64),
    FERRY_DNS_SERVERS: z
      .string()
      .transform((text, ctx) => {
        const servers = text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = servers.filter((server) => !isDnsServer(server));
        if (bad.length > 0)
          ctx.addIssue({
            code: 'custom',
            message: `must be a comma-separated list of IP addresses, each with an optional port ("1.1.1.1", "127.0.0.1:5353", "[::1]:53"); not one: ${bad.map((b) => `"${b}"`).join(', ')}`,
          });
        return servers;
      })
      .default([]),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    FERRY_WORKER_MAILBOXES: z.coerce
      .number({ error: 'must be a whole number between 1 and 10000' })
      .int('must be a whole number between 1 and 10000')
      .min(1, 'must be a whole number between 1 and 10000')
      .max(10_000, 'must be a whole number between 1 and 10000')
      .default(100),
  })
  .refine((e) => e.DATABASE_OWNER_URL === undefined || e.DATABASE_URL !== undefined, {
    path: ['DATABASE_OWNER_URL'],
    message: 'needs DATABASE_URL (the app role); the embedded PostgreSQL makes both roles itself',
  });

export interface Config {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string | undefined;
  /** Owner role for migrations and grants; unset: DATABASE_URL does both (one role). */
  readonly databaseOwnerUrl: string | undefined;
  readonly masterKey: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly publicUrl: string | undefined;
  readonly mailFrom: string;
  /** Addresses new Microsoft 365 endpoints get when they name none of their own. */
  readonly m365AuthorityUrl: string | undefined;
  readonly m365GraphUrl: string | undefined;
  /** Networks outbound connections may reach although they are not public (see src/net/). */
  readonly allowedPrivateNetworks: readonly IpNetwork[];
  readonly caFile: string | undefined;
  readonly httpsProxy: string | undefined;
  readonly httpProxy: string | undefined;
  readonly noProxy: string | undefined;
  readonly connectionsPerHost: number;
  /** Resolvers of the cutover assistant's DNS checks; empty: the system's. */
  readonly dnsServers: readonly string[];
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Mailboxes one worker process leases and migrates at once. */
  readonly workerMailboxes: number;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.join('\n')}`);
    this.problems = problems;
  }
}

/** Parses the environment into a frozen Config, or throws ConfigError with one line per problem. */
export function loadConfig(given: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): Config {
  // Proxy variables are spelled both ways in the wild; the upper-case one wins.
  const env: Readonly<Record<string, string | undefined>> = {
    ...given,
    HTTPS_PROXY: given.HTTPS_PROXY ?? given.https_proxy,
    HTTP_PROXY: given.HTTP_PROXY ?? given.http_proxy,
    NO_PROXY: given.NO_PROXY ?? given.no_proxy,
  };
  const present = Object.fromEntries(
    Object.values(CONFIG_KEYS)
      .map((key) => [key.env, env[key.env]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const value = present[name];
        const secret = Object.values(CONFIG_KEYS).some((k) => k.env === name && 'secret' in k && k.secret);
        const shown = value === undefined || secret ? '' : `, got "${value}"`;
        return `${name} ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  return Object.freeze({
    dataDir: path.resolve(cwd, e.FERRY_DATA_DIR),
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseOwnerUrl: e.DATABASE_OWNER_URL,
    masterKey: e.FERRY_MASTER_KEY,
    smtpUrl: e.SMTP_URL,
    publicUrl: e.FERRY_PUBLIC_URL,
    mailFrom: e.FERRY_MAIL_FROM,
    m365AuthorityUrl: e.FERRY_M365_AUTHORITY_URL,
    m365GraphUrl: e.FERRY_M365_GRAPH_URL,
    allowedPrivateNetworks: Object.freeze(e.FERRY_ALLOWED_PRIVATE_NETWORKS),
    caFile: e.FERRY_CA_FILE === undefined ? undefined : path.resolve(cwd, e.FERRY_CA_FILE),
    httpsProxy: e.HTTPS_PROXY,
    httpProxy: e.HTTP_PROXY,
    noProxy: e.NO_PROXY,
    connectionsPerHost: e.FERRY_HTTP_CONNECTIONS_PER_HOST,
    dnsServers: Object.freeze(e.FERRY_DNS_SERVERS),
    logLevel: e.LOG_LEVEL,
    workerMailboxes: e.FERRY_WORKER_MAILBOXES,
  });
}

/** The effective configuration as printable rows, secrets hidden. */
export function describeConfig(
  config: Config,
): { key: string; env: string; value: string; description: string }[] {
  return (Object.keys(CONFIG_KEYS) as ConfigKey[]).map((key) => {
    const spec: KeySpec = CONFIG_KEYS[key];
    const raw = config[key];
    let value: string;
    if (raw === undefined || (typeof raw === 'object' && raw.length === 0)) value = spec.defaultText;
    else if (typeof raw === 'object')
      value = raw.map((item) => (typeof item === 'string' ? item : item.text)).join(',');
    else if (spec.secret) value = key === 'masterKey' ? '[redacted]' : hideUrlPassword(String(raw));
    else value = String(raw);
    return { key, env: spec.env, value, description: spec.description };
  });
}

/** An address Node's resolver takes: IPv4 or IPv6, "[v6]:port" or "v4:port". */
function isDnsServer(server: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(server);
  const withPort = /^([^:]+):(\d{1,5})$/.exec(server);
  const [host, port] = bracketed
    ? [bracketed[1]!, bracketed[2]]
    : withPort
      ? [withPort[1]!, withPort[2]]
      : [server, undefined];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  return isIP(host) !== 0 && (bracketed === null || isIP(host) === 6);
}

function hideUrlPassword(value: string): string {
  const url = new URL(value);
  if (url.password) url.password = 'redacted';
  return url.toString();
}
