import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

import { UserError } from '../domain/errors.ts';
import { type AddressCategory, type IpNetwork, judgeAddress } from '../domain/ip-networks.ts';

export const OUTBOUND_ADDRESS_REFUSED = 'OUTBOUND_ADDRESS_REFUSED';

/** A connection Ferry will not make: the address is not public and its network is not allowed. */
export class OutboundRefusedError extends UserError {
  constructor(host: string, address: string, category: AddressCategory, hostNetwork: string) {
    const what = `${/^[aeiou]/.test(category) ? 'an' : 'a'} ${category} address`;
    const where =
      host === address
        ? `Connecting to ${address} is not allowed: it is ${what}.`
        : `Connecting to ${host} is not allowed: it resolves to ${address}, ${what}.`;
    const how =
      category === 'cloud metadata'
        ? 'Ferry never connects to cloud metadata services: they hand out the credentials of the machine Ferry runs on.'
        : `Ferry does not connect to private, loopback or link-local addresses unless allowed: set FERRY_ALLOWED_PRIVATE_NETWORKS=${hostNetwork} (a comma-separated list of CIDRs, e.g. 10.0.0.0/24) if this server is on your private network.`;
    super(OUTBOUND_ADDRESS_REFUSED, `${where} ${how}`, { details: { host, address, category } });
  }
}

export interface OutboundPolicy {
  /** The refusal for connecting to `address` (which `host` resolved to), or undefined when allowed. */
  check(host: string, address: string): OutboundRefusedError | undefined;
}

export function createOutboundPolicy(allowed: readonly IpNetwork[]): OutboundPolicy {
  return {
    check(host, address) {
      const verdict = judgeAddress(address, allowed);
      return verdict.refused === undefined
        ? undefined
        : new OutboundRefusedError(host, address, verdict.refused, verdict.hostNetwork);
    },
  };
}

/** Every address a name has (what the operating system's resolver returns: hosts file, DNS). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, order: 'verbatim' });

/**
 * A `lookup` for net/tls.connect that resolves once, refuses the name when any of its addresses is
 * refused, and hands the socket exactly the addresses it checked: the socket never resolves again,
 * so a name cannot change between the check and the connection.
 */
export function checkingLookup(policy: OutboundPolicy, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        for (const { address } of found) {
          const refusal = policy.check(hostname, address);
          if (refusal !== undefined) return callback(refusal, '', 0);
        }
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family === undefined ? found : found.filter((a) => a.family === family);
        const first = usable[0];
        if (first === undefined) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = 'ENOTFOUND';
          return callback(error, '', 0);
        }
        if (options.all === true) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
