import { parseCidrList } from '../../src/domain/ip-networks.ts';
import { createOutbound, type Outbound, type OutboundOptions } from '../../src/net/outbound-http.ts';

/**
 * The emulators listen on 127.0.0.1: tests allow loopback explicitly, exactly as an administrator
 * allows an on-premises network with FERRY_ALLOWED_PRIVATE_NETWORKS.
 */
export const LOOPBACK_NETWORKS = '127.0.0.0/8,::1/128';

/** FERRY_ALLOWED_PRIVATE_NETWORKS for Ferry processes a test starts. */
export const LOOPBACK_ENV = { FERRY_ALLOWED_PRIVATE_NETWORKS: LOOPBACK_NETWORKS } as const;

let shared: Outbound | undefined;

/** The outbound layer with loopback allowed; one per test process unless options are given. */
export function loopbackOutbound(options: Partial<OutboundOptions> = {}): Outbound {
  const allowedPrivateNetworks = parseCidrList(LOOPBACK_NETWORKS).networks;
  if (Object.keys(options).length > 0) return createOutbound({ allowedPrivateNetworks, ...options });
  shared ??= createOutbound({ allowedPrivateNetworks });
  return shared;
}
