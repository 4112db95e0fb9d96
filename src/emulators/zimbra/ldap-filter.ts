/** A small RFC 2254 filter evaluator for SearchDirectoryRequest `query` (&, |, !, =, * wildcards, >=, <=). */
export type AttrLookup = (name: string) => readonly string[];

type Filter =
  | { readonly op: '&' | '|'; readonly parts: readonly Filter[] }
  | { readonly op: '!'; readonly part: Filter }
  | { readonly op: '=' | '>=' | '<=' | '~='; readonly attr: string; readonly value: string };

export class LdapFilterError extends Error {}

export function compileLdapFilter(text: string): (lookup: AttrLookup) => boolean {
  const trimmed = text.trim();
  if (trimmed === '') return () => true;
  const source = trimmed.startsWith('(') ? trimmed : `(${trimmed})`;
  const [filter, rest] = parse(source, 0);
  if (rest !== source.length) throw new LdapFilterError(`unexpected text at ${rest} in ${text}`);
  return (lookup) => evaluate(filter, lookup);
}

function parse(s: string, pos: number): [Filter, number] {
  if (s[pos] !== '(') throw new LdapFilterError(`expected "(" at ${pos}`);
  const op = s[pos + 1];
  if (op === '&' || op === '|') {
    const parts: Filter[] = [];
    let p = pos + 2;
    while (s[p] === '(') {
      const [part, next] = parse(s, p);
      parts.push(part);
      p = next;
    }
    if (s[p] !== ')') throw new LdapFilterError(`expected ")" at ${p}`);
    return [{ op, parts }, p + 1];
  }
  if (op === '!') {
    const [part, next] = parse(s, pos + 2);
    if (s[next] !== ')') throw new LdapFilterError(`expected ")" at ${next}`);
    return [{ op, part }, next + 1];
  }
  const close = s.indexOf(')', pos);
  if (close < 0) throw new LdapFilterError('unbalanced parentheses');
  const item = s.slice(pos + 1, close);
  const m = /^([^=<>~]+)(>=|<=|~=|=)(.*)$/s.exec(item);
  if (!m) throw new LdapFilterError(`bad filter item "${item}"`);
  return [{ op: m[2] as '=' | '>=' | '<=' | '~=', attr: (m[1] ?? '').trim(), value: m[3] ?? '' }, close + 1];
}

function evaluate(filter: Filter, lookup: AttrLookup): boolean {
  switch (filter.op) {
    case '&':
      return filter.parts.every((p) => evaluate(p, lookup));
    case '|':
      return filter.parts.some((p) => evaluate(p, lookup));
    case '!':
      return !evaluate(filter.part, lookup);
    case '>=':
      return lookup(filter.attr).some((v) => v.toLowerCase() >= filter.value.toLowerCase());
    case '<=':
      return lookup(filter.attr).some((v) => v.toLowerCase() <= filter.value.toLowerCase());
    case '=':
    case '~=': {
      const values = lookup(filter.attr);
      if (filter.value === '*') return values.length > 0;
      const pattern = new RegExp(
        `^${filter.value
          .split('*')
          .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        'i',
      );
      return values.some((v) => pattern.test(v));
    }
  }
}
