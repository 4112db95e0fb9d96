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

/** Why a connection could not be made, from the error chain of a failed fetch. */
export function networkProblem(error: unknown, host: string): { message: string; fix: string } {
  const codes: string[] = [];
  for (let e: unknown = error; e instanceof Error || (typeof e === 'object' && e !== null);) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if ((e as { name?: string }).name === 'TimeoutError') codes.push('TIMEOUT');
    e = (e as { cause?: unknown }).cause;
  }
  const has = (...list: string[]) => codes.some((c) => list.includes(c));
  if (has('ENOTFOUND', 'EAI_AGAIN'))
    return {
      message: `The name ${host} cannot be resolved (DNS).`,
      fix: 'Check the address for typos, or ask for the DNS record to be created.',
    };
  if (has('ECONNREFUSED'))
    return {
      message: `${host} refused the connection: nothing listens on that port.`,
      fix: 'Check the port, and that the service runs and the firewall lets Ferry in.',
    };
  if (has('TIMEOUT', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ABORT_ERR'))
    return {
      message: `${host} did not answer in time.`,
      fix: 'Open the port to Ferry in the firewall, or check that the server is up.',
    };
  if (has('ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ZIMBRA_TLS_TOO_OLD'))
    return {
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
      message: `The TLS certificate of ${host} is not signed by a trusted authority.`,
      fix: 'Install a certificate from a public authority on the server (or give Ferry the CA with NODE_EXTRA_CA_CERTS).',
    };
  if (has('CERT_HAS_EXPIRED'))
    return {
      message: `The TLS certificate of ${host} has expired.`,
      fix: 'Renew the certificate on the server.',
    };
  if (has('ERR_TLS_CERT_ALTNAME_INVALID'))
    return {
      message: `The TLS certificate of ${host} is for another name.`,
      fix: 'Use the name the certificate was issued for, or install a certificate for this name.',
    };
  return {
    message: `${host} could not be reached: ${error instanceof Error ? error.message : String(error)}.`,
    fix: 'Check the address and the network path from Ferry to the server.',
  };
}
