/** Everything a request handler may consult: the directory, tokens, lifetimes and the version. */
import type { TokenStore } from './auth-tokens.ts';
import type { Account, Directory } from './model.ts';

export interface Lifetimes {
  readonly userMs: number;
  readonly adminMs: number;
  readonly delegatedMs: number;
}

export interface EmulatorState {
  /** Replaced as a whole when the data directory is reloaded. */
  directory: Directory;
  readonly tokens: TokenStore;
  readonly lifetimes: Lifetimes;
  readonly nextTrace: () => string;
  /** Base URLs of the two listeners, for soapURL/rest attributes. */
  readonly urls: { user: string; admin: string };
}

export function accountByName(state: EmulatorState, name: string): Account | undefined {
  const lower = name.trim().toLowerCase();
  const email = lower.includes('@') ? lower : `${lower}@${state.directory.defaultDomain}`;
  return state.directory.accounts.get(email);
}

export function accountById(state: EmulatorState, id: string): Account | undefined {
  for (const account of state.directory.accounts.values()) if (account.id === id) return account;
  return undefined;
}

/** Resolves an {"by":"name|id","_content":…} selector. */
export function accountBySelector(
  state: EmulatorState,
  by: string | undefined,
  value: string,
): Account | undefined {
  return by === 'id' ? accountById(state, value) : accountByName(state, value);
}
