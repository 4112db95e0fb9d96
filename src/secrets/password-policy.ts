import { createRequire } from 'node:module';

import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../domain/agents.ts';

/**
 * The rules for a password an agent chooses (OWASP ASVS 2.1): length in Unicode code points, and
 * not one of the ~49,000 commonly used passwords of zxcvbn's list. No composition rules.
 */
let common: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  if (common === undefined) {
    // Loaded on first use: the list costs a few MB that a worker or a CLI command never needs.
    const { dictionary } = createRequire(import.meta.url)('@zxcvbn-ts/language-common') as {
      dictionary: Record<string, string[]>;
    };
    common = new Set((dictionary['passwords-common'] ?? []).map((word) => word.toLowerCase()));
  }
  return common;
}

/** Why the password cannot be used, for the person choosing it; undefined when it can. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH)
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long; a few words make a good one.`;
  if (length > MAX_PASSWORD_LENGTH)
    return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  if (commonPasswords().has(password.toLowerCase()))
    return 'This password is on a list of commonly used passwords; choose another.';
  return undefined;
}
