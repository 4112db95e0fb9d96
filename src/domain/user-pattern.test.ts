import { describe, expect, it } from 'vitest';

import { runInWorker } from '../../test/support/run-in-worker.ts';
import { compileUserPattern, userPatternProblem } from './user-pattern.ts';

describe('user-supplied patterns', () => {
  it('match a catastrophic-backtracking pattern in linear time', async () => {
    const module = JSON.stringify(new URL('./user-pattern.ts', import.meta.url).href);
    const result = await runInWorker(
      `const { compileUserPattern } = await import(${module});
       return compileUserPattern('(a+)+$', 'Folder filter').test('${'a'.repeat(40)}!');`,
      5_000,
    );
    expect(result).toBe(false);
  });

  it('keep the meaning of flagless JavaScript patterns', () => {
    const junk = compileUserPattern('^Junk$', 'Folder filter');
    expect(junk.test('Junk')).toBe(true);
    expect(junk.test('junk')).toBe(false);
    expect(junk.test('Junk/Old')).toBe(false);
    expect(compileUserPattern('Old', 'Folder filter').test('Inbox/Old/2020')).toBe(true);
    expect(compileUserPattern('^\\x{c9}quipe', 'Folder filter').test('Équipe/Réunions')).toBe(true);
    const mapping = compileUserPattern('^Inbox/(\\w+)/(?<year>\\d+)', 'FolderMapping');
    expect(mapping.replaceFirst('Inbox/Old/2020/x', 'Archive/$<year>-$1')).toBe('Archive/2020-Old/x');
    expect(mapping.replaceFirst('Inbox/Old/2020', '$$ $&')).toBe('$ Inbox/Old/2020');
  });

  it.each([
    ['(?=x)', 'lookahead `(?=` is not supported'],
    ['Inbox(?!/Old)', 'negative lookahead `(?!` is not supported'],
    ['(?<=a)b', 'lookbehind `(?<=a)b` is not supported'],
    ['(?<!a)b', 'negative lookbehind `(?<!a)b` is not supported'],
    ['(a)\\1', 'a backreference `\\1` is not supported'],
    ['(?<n>a)\\k<n>', 'a named backreference `\\k` is not supported'],
    ['\\u00e9', 'the escape `\\u` is not supported; write a code point as `\\x{00E9}`'],
    ['a++', 'a possessive quantifier `++` is not supported'],
    ['(?>a)', 'an atomic group `(?>` is not supported'],
    ['[unclosed', 'missing closing ]: `[unclosed`'],
  ])('refuse %s naming the construct and the pattern', (pattern, why) => {
    expect(userPatternProblem(pattern, 'Folder filter')).toBe(
      `Folder filter \`${pattern}\`: ${why}. Ferry uses RE2 syntax (no lookaround, no backreferences) so that no pattern can stall a migration.`,
    );
  });
});
