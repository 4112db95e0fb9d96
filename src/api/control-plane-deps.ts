import type { Logger } from '../config/logger.ts';
import type { Db } from '../db/database.ts';
import type { JobQueue } from '../db/job-queue.ts';
import type { Mailer, SecretSealer } from '../domain/ports.ts';
import type { Outbound } from '../net/outbound-http.ts';

/** What the control-plane routes need besides the database: sealing credentials, mail, the job queue. */
export interface ControlPlaneDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly sealer: SecretSealer;
  readonly mailer: Mailer;
  /** Connections to Zimbra and Microsoft 365 (endpoint validation), under the outbound policy. */
  readonly outbound: Outbound;
  /** Starts passes; undefined in tests that never start one. */
  readonly queue: JobQueue | undefined;
  /** The address agents reach the console at, for links in emails ("http://localhost:8080"). */
  readonly publicUrl: string;
  /** FERRY_DNS_SERVERS: the resolvers the cutover assistant asks; empty or absent: the system's. */
  readonly dnsServers?: readonly string[];
  /** FERRY_M365_AUTHORITY_URL / FERRY_M365_GRAPH_URL: addresses for new Microsoft 365 endpoints that name none. */
  readonly m365Addresses?: {
    readonly authorityUrl: string | undefined;
    readonly graphUrl: string | undefined;
  };
}
