/**
 * The DNS records a domain needs once its mail lives in Microsoft 365, and whether what resolvers
 * answer already says so. Pure: the lookups are net/dns-records.ts's.
 *
 * Microsoft's values ("Add DNS records to connect your domain",
 * https://learn.microsoft.com/microsoft-365/admin/get-help-with-domains/create-dns-records-at-any-dns-hosting-provider):
 * - MX: `<domain key>.mail.protection.outlook.com`, where the domain key is the domain with every
 *   dot replaced by a hyphen (contoso.com → contoso-com). Domains added since 2024 may be given a
 *   DNSSEC-capable host under `mx.microsoft` instead, whose middle label Microsoft picks
 *   (https://learn.microsoft.com/purview/how-smtp-dane-works): any MX under it counts as
 *   Microsoft's, and the admin center shows the exact one.
 * - CNAME `autodiscover.<domain>` → `autodiscover.outlook.com`.
 * - TXT (SPF) `v=spf1 include:spf.protection.outlook.com -all`; one SPF record per domain (RFC 7208 §3.2).
 * - SRV `_autodiscover._tcp.<domain>`: Microsoft asks for none; Outlook follows one when it finds
 *   no CNAME (https://learn.microsoft.com/exchange/architecture/client-access/autodiscover), so a
 *   record left pointing at Zimbra must go or point at autodiscover.outlook.com:443.
 */

export const DNS_CHECKS = ['mx', 'autodiscover-cname', 'autodiscover-srv', 'spf'] as const;
export type DnsCheckKind = (typeof DNS_CHECKS)[number];

export const AUTODISCOVER_TARGET = 'autodiscover.outlook.com';
export const SPF_INCLUDE = 'include:spf.protection.outlook.com';

/** The MX host Microsoft 365 gives a domain in the global cloud: dots become hyphens. */
export function exchangeOnlineMxHost(domain: string): string {
  return `${normaliseName(domain).replace(/\./g, '-')}.mail.protection.outlook.com`;
}

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** The name each check asks about and the record type. */
export function checkQuery(
  kind: DnsCheckKind,
  domain: string,
): { name: string; type: 'MX' | 'CNAME' | 'SRV' | 'TXT' } {
  const d = normaliseName(domain);
  switch (kind) {
    case 'mx':
      return { name: d, type: 'MX' };
    case 'autodiscover-cname':
      return { name: `autodiscover.${d}`, type: 'CNAME' };
    case 'autodiscover-srv':
      return { name: `_autodiscover._tcp.${d}`, type: 'SRV' };
    case 'spf':
      return { name: d, type: 'TXT' };
  }
}

/** What the domain must publish, in the words of a DNS host's form. */
export function expectedRecord(kind: DnsCheckKind, domain: string): string {
  const d = normaliseName(domain);
  switch (kind) {
    case 'mx':
      return `MX ${d} → 0 ${exchangeOnlineMxHost(d)} (only this MX)`;
    case 'autodiscover-cname':
      return `CNAME autodiscover.${d} → ${AUTODISCOVER_TARGET}`;
    case 'autodiscover-srv':
      return `SRV _autodiscover._tcp.${d}: none, or 0 0 443 ${AUTODISCOVER_TARGET}`;
    case 'spf':
      return `TXT ${d} "v=spf1 ${SPF_INCLUDE} -all" (one SPF record; keep Zimbra's server in it while users are still there)`;
  }
}

/**
 * One resolver's answer, as text: MX "10 host", CNAME "host", SRV "priority weight port target",
 * TXT the joined strings. `records` empty: the name or type does not exist; `error`: no answer.
 */
export interface ResolverAnswer {
  readonly resolver: string;
  readonly records: readonly string[];
  readonly error?: string;
}

function isMicrosoftMx(host: string, domain: string): boolean {
  const h = normaliseName(host);
  return h === exchangeOnlineMxHost(domain) || h.endsWith('.mx.microsoft');
}

/** Whether one resolver's records are what Microsoft 365 needs. */
export function recordsReady(kind: DnsCheckKind, domain: string, records: readonly string[]): boolean {
  switch (kind) {
    case 'mx':
      return (
        records.length > 0 && records.every((record) => isMicrosoftMx(record.split(/\s+/)[1] ?? '', domain))
      );
    case 'autodiscover-cname':
      return records.length > 0 && records.every((record) => normaliseName(record) === AUTODISCOVER_TARGET);
    case 'autodiscover-srv':
      return records.every((record) => {
        const [, , port, target = ''] = record.split(/\s+/);
        return port === '443' && normaliseName(target) === AUTODISCOVER_TARGET;
      });
    case 'spf': {
      const spf = records.filter((record) => /^v=spf1(\s|$)/i.test(record.trim()));
      return spf.length === 1 && spf[0]!.toLowerCase().split(/\s+/).includes(SPF_INCLUDE);
    }
  }
}

/**
 * done: every resolver answers what Microsoft 365 needs; propagating: some do; not_yet: none that
 * answered does; unknown: no resolver answered.
 */
export type PropagationState = 'done' | 'propagating' | 'not_yet' | 'unknown';

export interface DnsCheckResult {
  readonly kind: DnsCheckKind;
  readonly name: string;
  readonly type: string;
  readonly expected: string;
  readonly state: PropagationState;
  readonly answers: readonly (ResolverAnswer & { readonly ready: boolean })[];
}

export function judgeCheck(
  kind: DnsCheckKind,
  domain: string,
  answers: readonly ResolverAnswer[],
): DnsCheckResult {
  const judged = answers.map((answer) => ({
    ...answer,
    ready: answer.error === undefined && recordsReady(kind, domain, answer.records),
  }));
  const answered = judged.filter((answer) => answer.error === undefined);
  const ready = judged.filter((answer) => answer.ready).length;
  const state: PropagationState =
    answered.length === 0
      ? 'unknown'
      : ready === judged.length
        ? 'done'
        : ready > 0
          ? 'propagating'
          : 'not_yet';
  const { name, type } = checkQuery(kind, domain);
  return { kind, name, type, expected: expectedRecord(kind, domain), state, answers: judged };
}

/** The domains mail addresses belong to, lower-cased, each once, sorted. */
export function domainsOf(addresses: Iterable<string>): string[] {
  const domains = new Set<string>();
  for (const address of addresses) {
    const at = address.lastIndexOf('@');
    if (at > 0 && at < address.length - 1) domains.add(normaliseName(address.slice(at + 1)));
  }
  return [...domains].sort();
}
