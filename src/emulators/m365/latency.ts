import { createRandom } from '../faults.ts';

/**
 * Service time of the emulated Exchange Online, served while the request counts as in flight, so the
 * 4-concurrent limit bounds a mailbox's rate as it does against Microsoft (4 in flight at 300 ms each
 * is about 13 requests/s).
 *
 * Microsoft publishes no response times for Outlook resources [U]: the defaults below are an
 * assumption (typical round trips of a migration tool against Exchange Online: reads around
 * 100 ms, creates a few hundred ms and more for large bodies, upload-session ranges bound by bytes).
 * Every number is configurable.
 *
 * SPEC (`--latency`): `off` | `default` | comma-separated rules applied on top of the defaults:
 *
 *   KIND=BASE[+PERMIB]   milliseconds per request of KIND, plus PERMIB ms per MiB of request body
 *   jitter=F             each delay is multiplied by a uniform factor in [1 - F, 1 + F] (0 ≤ F < 1)
 *   seed=N               seed of the jitter (reproducible runs)
 *
 * KIND  get      GET
 *       message  POST creating a message or an attachment (messages, importMime, attachments)
 *       item     any other POST (events, contacts, tasks, folders, upload sessions …)
 *       update   PATCH or PUT on Graph
 *       delete   DELETE
 *       upload   PUT of a byte range to an attachment upload session
 *
 * Example: `message=400+300,jitter=0.1,seed=7`
 */
export const LATENCY_KINDS = ['get', 'message', 'item', 'update', 'delete', 'upload'] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];

export interface LatencyRule {
  readonly baseMs: number;
  readonly perMiBMs: number;
}

export interface LatencyPlan {
  readonly rules: Readonly<Record<LatencyKind, LatencyRule>>;
  readonly jitter: number;
  readonly seed: number;
}

/** The documented default [U: assumption, see above]. */
export const EXCHANGE_ONLINE_LATENCY: LatencyPlan = {
  rules: {
    get: { baseMs: 110, perMiBMs: 0 },
    message: { baseMs: 250, perMiBMs: 250 },
    item: { baseMs: 250, perMiBMs: 0 },
    update: { baseMs: 150, perMiBMs: 250 },
    delete: { baseMs: 120, perMiBMs: 0 },
    upload: { baseMs: 100, perMiBMs: 250 },
  },
  jitter: 0.25,
  seed: 1,
};

export class LatencySpecError extends Error {}

/** The plan a `--latency` value names; undefined for `off`. Throws LatencySpecError on bad input. */
export function parseLatency(spec: string): LatencyPlan | undefined {
  const text = spec.trim();
  if (text === 'off') return undefined;
  const rules: Record<LatencyKind, LatencyRule> = { ...EXCHANGE_ONLINE_LATENCY.rules };
  let { jitter, seed } = EXCHANGE_ONLINE_LATENCY;
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '' || part === 'default') continue;
    const [key = '', value] = part.split('=');
    if (value === undefined) {
      throw new LatencySpecError(`latency rule "${part}" has no "=": expected KIND=MS[+MS_PER_MIB]`);
    }
    if (key === 'seed') {
      if (!/^\d+$/.test(value)) throw new LatencySpecError(`seed in "${part}" must be a whole number`);
      seed = Number(value);
    } else if (key === 'jitter') {
      jitter = Number(value);
      if (value === '' || !(jitter >= 0 && jitter < 1)) {
        throw new LatencySpecError(`jitter in "${part}" must be a fraction from 0 to below 1`);
      }
    } else if ((LATENCY_KINDS as readonly string[]).includes(key)) {
      const match = /^(\d+)(?:\+(\d+))?$/.exec(value);
      if (match === null) {
        throw new LatencySpecError(`"${part}" must be KIND=MS or KIND=MS+MS_PER_MIB (whole milliseconds)`);
      }
      rules[key as LatencyKind] = { baseMs: Number(match[1]), perMiBMs: Number(match[2] ?? 0) };
    } else {
      throw new LatencySpecError(
        `unknown latency rule "${key}" (expected seed, jitter or one of ${LATENCY_KINDS.join(', ')})`,
      );
    }
  }
  return { rules, jitter, seed };
}

/** The kind of a Graph request to the route `pattern` (e.g. "mailFolders/:folder/messages"). */
export function latencyKind(method: string, pattern: string): LatencyKind {
  if (method === 'GET') return 'get';
  if (method === 'DELETE') return 'delete';
  if (method === 'PATCH' || method === 'PUT') return 'update';
  const created = pattern
    .split('/')
    .filter((part) => !part.startsWith(':'))
    .at(-1);
  return ['messages', 'importmime', 'attachments'].includes(created?.toLowerCase() ?? '')
    ? 'message'
    : 'item';
}

export interface Latency {
  /** Milliseconds to serve a request of `kind` carrying `bodyBytes`. */
  delayMs(kind: LatencyKind, bodyBytes: number): number;
  readonly plan: LatencyPlan;
}

export function createLatency(plan: LatencyPlan): Latency {
  const random = createRandom(plan.seed);
  return {
    plan,
    delayMs(kind, bodyBytes) {
      const rule = plan.rules[kind];
      const nominal = rule.baseMs + (rule.perMiBMs * bodyBytes) / (1024 * 1024);
      return Math.max(0, Math.round(nominal * (1 + plan.jitter * (2 * random() - 1))));
    },
  };
}
