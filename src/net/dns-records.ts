import { getServers, promises as dns } from 'node:dns';

import {
  checkQuery,
  DNS_CHECKS,
  type DnsCheckResult,
  judgeCheck,
  type ResolverAnswer,
} from '../domain/cutover-dns.ts';

/** How long one resolver may take per query, and how often it is asked before it counts as silent. */
const TIMEOUT_MS = 3_000;
const TRIES = 2;

/** Answers that mean "no such record", not "no answer". */
const NO_RECORD = new Set(['ENODATA', 'ENOTFOUND']);

export interface DomainDnsReport {
  readonly domain: string;
  readonly checks: DnsCheckResult[];
}

export interface DnsChecker {
  /** The resolvers asked, as configured ("1.1.1.1", "127.0.0.1:5353"). */
  readonly resolvers: readonly string[];
  check(domain: string): Promise<DomainDnsReport>;
}

/**
 * Asks every resolver on its own (FERRY_DNS_SERVERS, or the system's), so a change counts as done
 * only when all of them answer it: one resolver with a cached old record keeps the check open.
 */
export function createDnsChecker(servers: readonly string[]): DnsChecker {
  const resolvers = servers.length > 0 ? [...servers] : getServers();
  const clients = resolvers.map((server) => {
    const resolver = new dns.Resolver({ timeout: TIMEOUT_MS, tries: TRIES });
    resolver.setServers([server]);
    return { server, resolver };
  });

  async function ask(
    resolver: InstanceType<typeof dns.Resolver>,
    name: string,
    type: 'MX' | 'CNAME' | 'SRV' | 'TXT',
  ): Promise<string[]> {
    switch (type) {
      case 'MX':
        return (await resolver.resolveMx(name))
          .sort((a, b) => a.priority - b.priority)
          .map((r) => `${r.priority} ${r.exchange}`);
      case 'CNAME':
        return resolver.resolveCname(name);
      case 'SRV':
        return (await resolver.resolveSrv(name)).map((r) => `${r.priority} ${r.weight} ${r.port} ${r.name}`);
      case 'TXT':
        return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
    }
  }

  return {
    resolvers,
    async check(domain) {
      const checks = await Promise.all(
        DNS_CHECKS.map(async (kind) => {
          const { name, type } = checkQuery(kind, domain);
          const answers = await Promise.all(
            clients.map(async ({ server, resolver }): Promise<ResolverAnswer> => {
              try {
                return { resolver: server, records: await ask(resolver, name, type) };
              } catch (error) {
                const code = (error as NodeJS.ErrnoException).code ?? 'EFAIL';
                if (NO_RECORD.has(code)) return { resolver: server, records: [] };
                return { resolver: server, records: [], error: resolverError(code) };
              }
            }),
          );
          return judgeCheck(kind, domain, answers);
        }),
      );
      return { domain, checks };
    },
  };
}

function resolverError(code: string): string {
  switch (code) {
    case 'ETIMEOUT':
      return 'the resolver did not answer in time';
    case 'ECONNREFUSED':
      return 'the resolver refused the connection';
    case 'ESERVFAIL':
      return 'the resolver could not get an answer from the domain’s name servers (SERVFAIL)';
    case 'EREFUSED':
      return 'the resolver refused the query';
    default:
      return `the lookup failed (${code})`;
  }
}
