/**
 * What every per-account generator needs to know about the account it fills.
 */
import type { Person } from './people.ts';

export interface AccountContext {
  /** 0-based position among all generated accounts (special accounts come last). */
  readonly index: number;
  readonly seed: number;
  readonly domain: string;
  readonly person: Person;
  /** Other accounts of the same domain. */
  readonly colleagues: readonly Person[];
  /** People outside the domain this account corresponds with. */
  readonly externals: readonly Person[];
  /** Names of the account's tags (tags.json). */
  readonly tags: readonly string[];
}

/** Base instant of the corpus: mail lies in the two years before it, calendars around it. */
export const BASE_MS = Date.UTC(2026, 10, 1);
export const DAY_MS = 86_400_000;
