import type { Config } from '../config/config.ts';
import { createOutbound, type Outbound } from '../net/outbound-http.ts';

/** The process's one outbound HTTP layer, as the configuration describes it. */
export function outboundFor(config: Config): Outbound {
  return createOutbound({
    allowedPrivateNetworks: config.allowedPrivateNetworks,
    caFile: config.caFile,
    httpsProxy: config.httpsProxy,
    httpProxy: config.httpProxy,
    noProxy: config.noProxy,
    connectionsPerHost: config.connectionsPerHost,
  });
}
