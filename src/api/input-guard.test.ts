import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import {
  boundarySchemaOf as schemaOf,
  DEFAULT_MAX_ITEMS,
  DEFAULT_MAX_LENGTH,
  inputProblems,
  MAX_DEPTH,
  textProblem,
} from './input-guard.ts';
import { safeText } from './schemas.ts';

describe('the input guard', () => {
  it('names every field that holds NUL, a lone surrogate or a control character, keys too', () => {
    const schema = schemaOf(z.object({ a: z.string(), list: z.array(z.object({ b: z.string() })) }));
    expect(
      inputProblems(
        { a: 'x\u0000', list: [{ b: 'ok' }, { b: '\ud800' }], ['k\u0007']: 1, c: 'e\u001b[0m' },
        schema,
      ),
    ).toEqual([
      { field: 'a', message: 'contains a NUL character' },
      { field: 'list.1.b', message: 'is not valid Unicode (it holds a lone UTF-16 surrogate)' },
      { field: '', message: 'has a key that contains the control character U+0007' },
      { field: 'c', message: 'contains the control character U+001B' },
    ]);
    expect(inputProblems({ a: 'tab\there\r\nand 😀 İ ß \u202e' }, schema)).toEqual([]);
    expect(inputProblems({ ['k'.repeat(201)]: 1 }, schema)).toEqual([
      { field: '', message: 'has a key longer than 200 characters' },
    ]);
  });

  it('holds each string to the length its field declares, or the default where it declares none', () => {
    const schema = schemaOf(
      z.object({
        short: z.string().max(5),
        long: z.string().max(50_000),
        free: z.string(),
        u: z.union([z.string().max(3), z.number()]),
      }),
    );
    expect(inputProblems({ short: 'x'.repeat(6) }, schema)).toEqual([
      { field: 'short', message: 'is longer than 5 characters (6)' },
    ]);
    expect(inputProblems({ long: 'x'.repeat(50_000), u: 'abc' }, schema)).toEqual([]);
    expect(inputProblems({ free: 'x'.repeat(DEFAULT_MAX_LENGTH + 1) }, schema)).toHaveLength(1);
    expect(inputProblems({ unknown: 'x'.repeat(DEFAULT_MAX_LENGTH + 1) }, schema)).toHaveLength(1);
  });

  it('refuses arrays longer than declared and nesting deeper than MAX_DEPTH', () => {
    const schema = schemaOf(z.object({ ids: z.array(z.string()).max(2), any: z.unknown() }));
    expect(inputProblems({ ids: ['a', 'b', 'c'] }, schema)).toEqual([
      { field: 'ids', message: 'has more than 2 items (3)' },
    ]);
    expect(
      inputProblems({ any: Array.from({ length: DEFAULT_MAX_ITEMS + 1 }, () => 1) }, schema),
    ).toHaveLength(1);
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = [deep];
    expect(inputProblems({ any: deep }, schema)[0]?.message).toBe(`nests deeper than ${MAX_DEPTH} levels`);
  });
});

describe('safeText', () => {
  it('is one line of clean text within its bounds', () => {
    const subject = safeText({ min: 1, max: 10 });
    expect(subject.safeParse(' Moving ').data).toBe('Moving');
    expect(subject.safeParse('a\r\nBcc: x').success).toBe(false);
    expect(subject.safeParse('a\u0000').success).toBe(false);
    expect(subject.safeParse('x'.repeat(11)).success).toBe(false);
    expect(safeText({ max: 10, singleLine: false }).safeParse('a\nb').success).toBe(true);
    expect(textProblem('a\tb', { singleLine: true })).toBe('must be one line, without tabs or line breaks');
  });
});
