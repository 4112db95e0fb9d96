import { describe, expect, it } from 'vitest';

import { passwordProblem } from './password-policy.ts';

describe('passwordProblem', () => {
  it('refuses fewer than 12 characters and accepts 12', () => {
    expect(passwordProblem('a'.repeat(5) + ' ' + 'b'.repeat(5))).toMatch(/at least 12 characters/);
    expect(passwordProblem('tide pools 7')).toBeUndefined();
  });

  it('counts code points, not UTF-16 units: 11 emoji are too short, 256 are allowed', () => {
    expect(passwordProblem('🦀'.repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem('🦀'.repeat(256))).toBeUndefined();
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
  });

  it('refuses commonly used passwords in any case', () => {
    for (const password of ['password1234', 'PASSWORD1234', 'qwertyuiop12'])
      expect(passwordProblem(password)).toBe(
        'This password is on a list of commonly used passwords; choose another.',
      );
  });

  it('accepts a long passphrase and 128 characters', () => {
    expect(passwordProblem('correct horse battery')).toBeUndefined();
    expect(passwordProblem('k'.repeat(64) + 'z'.repeat(64))).toBeUndefined();
  });
});
