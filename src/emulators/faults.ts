/**
 * Fault injection shared by both emulators (`--faults SPEC`), deterministic for a given seed.
 *
 * SPEC is a comma-separated list of rules:
 *
 *   seed=N                     seed of the random generator (default 1)
 *   KIND=WHEN[:PARAM][~PATH]   inject KIND on the requests WHEN says, optionally only where the
 *                              request path matches the regular expression PATH
 *
 * KIND   500 | 503 | 504       answer with that status (in the server's own error format) without
 *                              handling the request
 *        reset                 handle the request, send the response headers and part of the body
 *                              (PARAM bytes, default half), then destroy the socket
 *        slow                  delay the response by PARAM milliseconds (default 1000)
 *        revoke                revoke the caller's token before handling the request (401 / AUTH_EXPIRED)
 * WHEN   0.05                  probability per matching request
 *        @N                    only the Nth matching request (1-based)
 *        @N/M                  the Nth matching request and every Mth after it
 *
 * Kinds only the emulated Microsoft 365 knows (Exchange's own transient faults; the emulated Zimbra
 * refuses them), documented with their sources in src/emulators/m365/exchange-faults.ts:
 *
 *        busy                  503 ErrorServerBusy, not handled; Retry-After only when PARAM seconds given
 *        storeunavailable      500 ErrorMailboxStoreUnavailable, not handled
 *        commit-503            handle the request (the item is created), then answer 503 instead;
 *                              PARAM: Retry-After seconds, 0 for none (default 2, as for 503)
 *        commit-504            handle the request, then answer 504 instead
 *        commit-drop           handle the request, then close the connection before any byte of the answer
 *        expire                an attachment upload session expires at this PUT: it and every later
 *                              PUT to the session are answered 404 (no effect on other requests)
 *
 * For 503 the PARAM is the Retry-After in seconds, 0 for none (default 2).
 *
 * Example: seed=7,503=0.02,reset=@10/100,slow=0.1:1500~/messages,commit-504=@3~/events$
 */
export const FAULT_KINDS = ['500', '503', '504', 'reset', 'slow', 'revoke'] as const;
/** The kinds the emulated Microsoft 365 accepts on top of FAULT_KINDS. */
export const EXCHANGE_FAULT_KINDS = [
  ...FAULT_KINDS,
  'busy',
  'storeunavailable',
  'commit-503',
  'commit-504',
  'commit-drop',
  'expire',
] as const;
export type FaultKind = (typeof EXCHANGE_FAULT_KINDS)[number];

export interface FaultRule {
  readonly kind: FaultKind;
  readonly when: { readonly probability: number } | { readonly first: number; readonly every?: number };
  readonly param: number | undefined;
  readonly path: RegExp | undefined;
}

export interface FaultPlan {
  readonly seed: number;
  readonly rules: readonly FaultRule[];
}

export interface Fault {
  readonly kind: FaultKind;
  /**
   * Milliseconds for `slow`; bytes of body to send before the reset for `reset` (undefined: half);
   * Retry-After seconds for `503`, `commit-503` and `busy`.
   */
  readonly param: number | undefined;
}

export class FaultSpecError extends Error {}

/** Parses SPEC; `kinds` are the fault kinds the emulator that reads it knows. */
export function parseFaultSpec(spec: string, kinds: readonly FaultKind[] = FAULT_KINDS): FaultPlan {
  let seed = 1;
  const rules: FaultRule[] = [];
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new FaultSpecError(`fault rule "${part}" has no "=": expected KIND=WHEN`);
    const key = part.slice(0, eq);
    let rest = part.slice(eq + 1);
    if (key === 'seed') {
      seed = parseInteger(rest, `seed in "${part}"`);
      continue;
    }
    if (!(kinds as readonly string[]).includes(key)) {
      throw new FaultSpecError(`unknown fault kind "${key}" (expected one of ${kinds.join(', ')})`);
    }
    let path: RegExp | undefined;
    const tilde = rest.indexOf('~');
    if (tilde >= 0) {
      try {
        path = new RegExp(rest.slice(tilde + 1));
      } catch {
        throw new FaultSpecError(`path filter in "${part}" is not a valid regular expression`);
      }
      rest = rest.slice(0, tilde);
    }
    const [whenText = '', paramText] = rest.split(':');
    const param = paramText === undefined ? undefined : parseInteger(paramText, `parameter in "${part}"`);
    rules.push({ kind: key as FaultKind, when: parseWhen(whenText, part), param, path });
  }
  return { seed, rules };
}

function parseWhen(text: string, part: string): FaultRule['when'] {
  if (text.startsWith('@')) {
    const [first, every] = text.slice(1).split('/');
    const firstN = parseInteger(first ?? '', `schedule in "${part}"`);
    if (firstN < 1) throw new FaultSpecError(`schedule in "${part}" counts from 1`);
    if (every === undefined) return { first: firstN };
    const everyN = parseInteger(every, `schedule in "${part}"`);
    if (everyN < 1) throw new FaultSpecError(`repeat interval in "${part}" must be at least 1`);
    return { first: firstN, every: everyN };
  }
  const probability = Number(text);
  if (text === '' || !Number.isFinite(probability) || probability < 0 || probability > 1) {
    throw new FaultSpecError(
      `"${text}" in "${part}" is neither a probability (0..1) nor a schedule (@N or @N/M)`,
    );
  }
  return { probability };
}

function parseInteger(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new FaultSpecError(`${what} must be a whole number, got "${text}"`);
  return Number(text);
}

/** mulberry32: small, fast and good enough to make fault schedules and latencies reproducible. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultInjector {
  /** The fault to inject into the request for `path`, if any. Call once per request. */
  decide(path: string): Fault | undefined;
}

export function createFaultInjector(plan: FaultPlan): FaultInjector {
  const random = createRandom(plan.seed);
  const seen = plan.rules.map(() => 0);
  return {
    decide(path) {
      let chosen: Fault | undefined;
      plan.rules.forEach((rule, index) => {
        if (rule.path && !rule.path.test(path)) return;
        const count = (seen[index] ?? 0) + 1;
        seen[index] = count;
        const hit =
          'probability' in rule.when
            ? random() < rule.when.probability
            : count === rule.when.first ||
              (rule.when.every !== undefined &&
                count > rule.when.first &&
                (count - rule.when.first) % rule.when.every === 0);
        if (hit && chosen === undefined) chosen = { kind: rule.kind, param: rule.param };
      });
      return chosen;
    },
  };
}

export const NO_FAULTS: FaultInjector = { decide: () => undefined };
