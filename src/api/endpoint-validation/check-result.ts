import { userErrorIn } from '../../domain/errors.ts';
import { OUTBOUND_ADDRESS_REFUSED } from '../../net/outbound-policy.ts';

/** One check of an endpoint validation, in plain words: what was tested, whether it passed, what to do. */
export interface EndpointCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly message: string;
  readonly fix?: string;
  readonly code?: string;
}

export interface EndpointValidation {
  readonly ok: boolean;
  readonly checks: EndpointCheck[];
  /** Microsoft 365: tenant_region_scope of the tenant. */
  readonly region: string | null;
  readonly regionNotice: string | null;
}

/**
 * Why a connection could not be made, from the error chain of a failed fetch. Refused, timed out,
 * reset, or not speaking TLS all read the same "could not connect": a validation must not become a
 * port scanner. The name not resolving, a refusal by the outbound policy and the server's TLS
 * certificate or version are told apart, because the admin can fix them.
 */
export function networkProblem(error: unknown, url: string): { code: string; message: string; fix: string } {
  const { hostname, protocol, port } = new URL(url);
  const host = hostname;
  const hostPort = `${hostname}:${port === '' ? (protocol === 'https:' ? '443' : '80') : port}`;
  const refused = userErrorIn(error);
  if (refused?.code === OUTBOUND_ADDRESS_REFUSED)
    return {
      code: refused.code,
      message: refused.message,
      fix:
        refused.details.category === 'cloud metadata'
          ? 'Enter the address of the server itself.'
          : 'If the server is on your own network, add its network to FERRY_ALLOWED_PRIVATE_NETWORKS where Ferry runs and restart Ferry; otherwise enter its public address.',
    };
  const codes: string[] = [];
  for (let e: unknown = error; e instanceof Error || (typeof e === 'object' && e !== null);) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  const has = (...list: string[]) => codes.some((c) => list.includes(c));
  if (has('ENOTFOUND', 'EAI_AGAIN'))
    return {
      code: 'UNREACHABLE',
      message: `The name ${host} cannot be resolved (DNS).`,
      fix: 'Check the address for typos, or ask for the DNS record to be created.',
    };
  if (has('ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ZIMBRA_TLS_TOO_OLD'))
    return {
      code: 'UNREACHABLE',
      message: `${host} offers only TLS below 1.2, which Ferry refuses.`,
      fix: 'Enable TLS 1.2 or later on the server.',
    };
  if (
    has(
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    )
  )
    return {
      code: 'UNREACHABLE',
      message: `The TLS certificate of ${host} is not signed by a trusted authority.`,
      fix: 'Install a certificate from a public authority on the server, or give Ferry the certificate of the authority that signed it (or the self-signed certificate) in a PEM file named by FERRY_CA_FILE.',
    };
  if (has('CERT_HAS_EXPIRED'))
    return {
      code: 'UNREACHABLE',
      message: `The TLS certificate of ${host} has expired.`,
      fix: 'Renew the certificate on the server.',
    };
  if (has('ERR_TLS_CERT_ALTNAME_INVALID'))
    return {
      code: 'UNREACHABLE',
      message: `The TLS certificate of ${host} is for another name.`,
      fix: 'Use the name the certificate was issued for, or install a certificate for this name.',
    };
  return {
    code: 'UNREACHABLE',
    message: `Ferry could not connect to ${hostPort}.`,
    fix: 'Check the address and the port, that the service runs, and that the firewall lets Ferry in.',
  };
}
