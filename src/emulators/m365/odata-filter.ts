import { GraphError } from './errors.ts';
import { canonicalPropertyId } from './extended-properties.ts';

/** The subset of OData $filter that Graph's Outlook resources accept and Ferry needs. */
type Node =
  | { kind: 'literal'; value: unknown }
  | { kind: 'path'; segments: string[] }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'lambda'; collection: string[]; quantifier: 'any' | 'all'; variable: string; body: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'not'; operand: Node };

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

const invalid = (detail: string): GraphError =>
  new GraphError(400, 'BadRequest', `Invalid filter clause: ${detail}`);

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      i += 1;
    } else if ('(),:'.includes(ch)) {
      tokens.push(ch);
      i += 1;
    } else if (ch === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw invalid('unterminated string literal');
        if (text[i] === "'" && text[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (text[i] === "'") {
          i += 1;
          break;
        } else {
          value += text[i];
          i += 1;
        }
      }
      tokens.push(`'${value}`);
    } else {
      const pattern = /[0-9-]/.test(ch) ? /^[0-9A-Za-z:.+-]+/ : /^[A-Za-z0-9_./@$]+/;
      const word = pattern.exec(text.slice(i))?.[0];
      if (word === undefined) throw invalid(`unexpected character '${ch}'`);
      tokens.push(word);
      i += word.length;
    }
  }
  return tokens;
}

class Parser {
  readonly #tokens: string[];
  #pos = 0;

  constructor(tokens: string[]) {
    this.#tokens = tokens;
  }

  parse(): Node {
    const node = this.#or();
    if (this.#pos < this.#tokens.length) throw invalid(`unexpected '${this.#tokens[this.#pos]}'`);
    return node;
  }

  #peek(): string | undefined {
    return this.#tokens[this.#pos];
  }

  #next(): string {
    const token = this.#tokens[this.#pos];
    if (token === undefined) throw invalid('unexpected end of expression');
    this.#pos += 1;
    return token;
  }

  #expect(token: string): void {
    if (this.#next() !== token) throw invalid(`expected '${token}'`);
  }

  #or(): Node {
    let left = this.#and();
    while (this.#peek() === 'or') {
      this.#pos += 1;
      left = { kind: 'binary', op: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): Node {
    let left = this.#unary();
    while (this.#peek() === 'and') {
      this.#pos += 1;
      left = { kind: 'binary', op: 'and', left, right: this.#unary() };
    }
    return left;
  }

  #unary(): Node {
    if (this.#peek() === 'not') {
      this.#pos += 1;
      return { kind: 'not', operand: this.#unary() };
    }
    const left = this.#operand();
    const op = this.#peek();
    if (op !== undefined && COMPARISONS.has(op)) {
      this.#pos += 1;
      return { kind: 'binary', op, left, right: this.#operand() };
    }
    return left;
  }

  #operand(): Node {
    const token = this.#next();
    if (token === '(') {
      const inner = this.#or();
      this.#expect(')');
      return inner;
    }
    if (token.startsWith("'")) return { kind: 'literal', value: token.slice(1) };
    if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
    if (token === 'null') return { kind: 'literal', value: null };
    if (/^-?\d+(\.\d+)?$/.test(token)) return { kind: 'literal', value: Number(token) };
    if (/^\d{4}-\d{2}-\d{2}/.test(token)) return { kind: 'literal', value: token };
    const lambda = /^(.+)\/(any|all)$/.exec(token);
    if (lambda?.[1] !== undefined && this.#peek() === '(') {
      this.#pos += 1;
      const variable = this.#next();
      this.#expect(':');
      const body = this.#or();
      this.#expect(')');
      return {
        kind: 'lambda',
        collection: lambda[1].split('/'),
        quantifier: lambda[2] as 'any' | 'all',
        variable,
        body,
      };
    }
    if (this.#peek() === '(') {
      this.#pos += 1;
      const args: Node[] = [];
      while (this.#peek() !== ')') {
        args.push(/^Edm\./.test(this.#peek() ?? '') ? { kind: 'literal', value: this.#next() } : this.#or());
        if (this.#peek() === ',') this.#pos += 1;
      }
      this.#expect(')');
      return { kind: 'call', name: token.toLowerCase(), args };
    }
    if (!/^[A-Za-z_@]/.test(token)) throw invalid(`unexpected '${token}'`);
    return { kind: 'path', segments: token.split('/') };
  }
}

export type FilterPredicate = (item: Record<string, unknown>) => boolean;

/** Compiles a $filter into a predicate over an item's Graph JSON (with its extended properties). */
export function compileFilter(text: string): FilterPredicate {
  const ast = new Parser(tokenize(text)).parse();
  return (item) => truthy(evaluate(ast, item, new Map()));
}

function truthy(value: unknown): boolean {
  return value === true;
}

function evaluate(node: Node, item: Record<string, unknown>, scope: Map<string, unknown>): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'path':
      return resolve(node.segments, item, scope);
    case 'not':
      return !truthy(evaluate(node.operand, item, scope));
    case 'lambda': {
      const collection = resolve(node.collection, item, scope);
      const members = Array.isArray(collection) ? (collection as unknown[]) : [];
      const test = (member: unknown): boolean =>
        truthy(evaluate(node.body, item, new Map([...scope, [node.variable, member]])));
      return node.quantifier === 'any' ? members.some(test) : members.every(test);
    }
    case 'call':
      return call(
        node.name,
        node.args.map((arg) => evaluate(arg, item, scope)),
      );
    case 'binary': {
      if (node.op === 'and') {
        return truthy(evaluate(node.left, item, scope)) && truthy(evaluate(node.right, item, scope));
      }
      if (node.op === 'or') {
        return truthy(evaluate(node.left, item, scope)) || truthy(evaluate(node.right, item, scope));
      }
      return compare(node.op, evaluate(node.left, item, scope), evaluate(node.right, item, scope));
    }
  }
}

function resolve(segments: string[], item: Record<string, unknown>, scope: Map<string, unknown>): unknown {
  const [first, ...rest] = segments;
  let current: unknown = first !== undefined && scope.has(first) ? scope.get(first) : item[first ?? ''];
  for (const segment of first !== undefined && scope.has(first) ? rest : segments.slice(1)) {
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[segment]
        : undefined;
  }
  return current;
}

function call(name: string, args: unknown[]): unknown {
  const [a, b] = args;
  const text = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '');
  switch (name) {
    case 'startswith':
      return typeof a === 'string' && text(a).startsWith(text(b));
    case 'endswith':
      return typeof a === 'string' && text(a).endsWith(text(b));
    case 'contains':
      return typeof a === 'string' && text(a).includes(text(b));
    case 'cast':
      return typeof b === 'string' && /^Edm\.(Int32|Int64|Double)$/.test(b) ? Number(a) : a;
    default:
      throw invalid(`unsupported function '${name}'`);
  }
}

function compare(op: string, left: unknown, right: unknown): boolean {
  let a = left;
  let b = right;
  const leftId = typeof a === 'string' ? canonicalPropertyId(a) : undefined;
  const rightId = typeof b === 'string' ? canonicalPropertyId(b) : undefined;
  if (leftId !== undefined && rightId !== undefined) {
    a = leftId;
    b = rightId;
  } else if (typeof a === 'string' && typeof b === 'string') {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  switch (op) {
    case 'eq':
      return a === b || (a === undefined && b === null);
    case 'ne':
      return !(a === b || (a === undefined && b === null));
    default: {
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      const x = a;
      const y = b as number | string;
      return op === 'gt' ? x > y : op === 'ge' ? x >= y : op === 'lt' ? x < y : x <= y;
    }
  }
}
