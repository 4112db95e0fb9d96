import { RE2JS } from 're2js';

import { UserError } from './errors.ts';

/**
 * A regular expression an admin typed (folder filter, FolderMapping). JavaScript's backtracking
 * engine can take exponential time on patterns such as `(a+)+$`, and it runs in the process that
 * also serves the API; RE2 matches in time linear in the input, whatever the pattern.
 */
export interface UserPattern {
  readonly source: string;
  /** Whether the pattern matches anywhere in the text (like `RegExp.test` without flags). */
  test(text: string): boolean;
  /** The text with the first match replaced; `$1`, `$&`, `$<name>`, `$$` as in `String.replace`. */
  replaceFirst(text: string, replacement: string): string;
}

export const USER_PATTERN_SYNTAX =
  'Ferry uses RE2 syntax (no lookaround, no backreferences) so that no pattern can stall a migration.';

/** JavaScript constructs RE2 refuses, recognised from the text RE2 quotes in its error. */
const UNSUPPORTED: readonly {
  readonly quoted: RegExp;
  readonly construct: string;
  readonly hint?: string;
}[] = [
  { quoted: /^\(\?=/, construct: 'lookahead' },
  { quoted: /^\(\?!/, construct: 'negative lookahead' },
  { quoted: /^\(\?<=/, construct: 'lookbehind' },
  { quoted: /^\(\?<!/, construct: 'negative lookbehind' },
  { quoted: /^\(\?>/, construct: 'an atomic group' },
  { quoted: /^\\[1-9]/, construct: 'a backreference' },
  { quoted: /^\\k/, construct: 'a named backreference' },
  { quoted: /^[*+?}]\+$/, construct: 'a possessive quantifier' },
  { quoted: /^\\u/, construct: 'the escape', hint: 'write a code point as `\\x{00E9}`' },
];

/**
 * Compiles a pattern the admin supplied, or refuses it with a message naming what is wrong. As
 * with a JavaScript `RegExp` without flags, matching is case-sensitive and `^`/`$` anchor the
 * whole text.
 */
export function compileUserPattern(pattern: string, label: string): UserPattern {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    throw new UserError(
      'PATTERN_INVALID',
      `${label} \`${pattern}\`: ${reason(error)}. ${USER_PATTERN_SYNTAX}`,
      {
        details: { pattern },
      },
    );
  }
  return {
    source: pattern,
    test: (text) => compiled.test(text),
    replaceFirst: (text, replacement) => compiled.matcher(text).replaceFirst(replacement),
  };
}

/** The problem of a pattern, or undefined when it compiles. */
export function userPatternProblem(pattern: string, label: string): string | undefined {
  try {
    compileUserPattern(pattern, label);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function reason(error: unknown): string {
  const message = (error as Error).message.replace(/^error parsing regexp: /, '');
  const quoted = /`([^`]*)`/.exec(message)?.[1] ?? '';
  const unsupported = UNSUPPORTED.find((u) => u.quoted.test(quoted));
  return unsupported === undefined
    ? message
    : `${unsupported.construct} \`${quoted}\` is not supported${unsupported.hint === undefined ? '' : `; ${unsupported.hint}`}`;
}
