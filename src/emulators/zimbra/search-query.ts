/**
 * Zimbra search query language (store/docs/query.md) compiled to an item predicate: AND (implicit or
 * explicit), OR, NOT/-, parentheses, field terms (in:, inid:, under:, underid:, before:, after:, date:,
 * is:, tag:, has:, item:, subject:, from:, to:, cc:, larger:, smaller:, modseq:) and free words.
 * Absolute dates are en_US (mm/dd/yyyy) or ISO and day-granular in UTC; a pure number is epoch ms.
 */
import type { Item, Mailbox } from './model.ts';
import { compileTerm } from './search-terms.ts';
import { faults } from './soap-faults.ts';

export type Predicate = (item: Item) => boolean;

export interface CompiledQuery {
  readonly matches: Predicate;
  /** The query names a folder (so Trash/Junk are not excluded implicitly). */
  readonly hasFolderTerm: boolean;
  /** Folder ids when the query is only `inid:X [OR inid:Y]` (the calendar fast path). */
  readonly onlyInids: readonly number[] | undefined;
}

type Node =
  | { kind: 'and' | 'or'; parts: Node[] }
  | { kind: 'not'; part: Node }
  | { kind: 'term'; field: string | undefined; value: string; column: number };

function tokenize(query: string): { text: string; column: number; quoted: boolean }[] {
  const tokens: { text: string; column: number; quoted: boolean }[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ text: c, column: i, quoted: false });
      i++;
      continue;
    }
    const start = i;
    let text = '';
    let quoted = false;
    while (i < query.length && !/[\s()]/.test(query[i] ?? '')) {
      if (query[i] === '"') {
        if (i === start) quoted = true;
        const close = query.indexOf('"', i + 1);
        const end = close < 0 ? query.length : close;
        text += query.slice(i + 1, end);
        i = end + 1;
      } else if (query[i] === '{') {
        const close = query.indexOf('}', i);
        const end = close < 0 ? query.length : close + 1;
        text += query.slice(i, end);
        i = end;
      } else {
        text += query[i];
        i++;
      }
    }
    tokens.push({ text, column: start, quoted });
  }
  return tokens;
}

export function compileQuery(query: string, mailbox: Mailbox, now: number): CompiledQuery {
  const tokens = tokenize(query);
  let pos = 0;
  const error = (message: string): never => {
    const token = tokens[pos];
    throw faults.queryParseError(query, token?.text ?? '', token?.column ?? query.length, message);
  };
  const parseOr = (): Node => {
    const parts = [parseAnd()];
    while (tokens[pos]?.text.toUpperCase() === 'OR' && !tokens[pos]?.quoted) {
      pos++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? (parts[0] as Node) : { kind: 'or', parts };
  };
  const parseAnd = (): Node => {
    const parts: Node[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos];
      if (!t || t.text === ')' || (t.text.toUpperCase() === 'OR' && !t.quoted)) break;
      if (t.text.toUpperCase() === 'AND' && !t.quoted) {
        pos++;
        continue;
      }
      parts.push(parseUnary());
    }
    if (parts.length === 0) error('expected a search term');
    return parts.length === 1 ? (parts[0] as Node) : { kind: 'and', parts };
  };
  const parseUnary = (): Node => {
    const t = tokens[pos];
    if (!t) return error('unexpected end of query');
    if (!t.quoted && t.text.toUpperCase() === 'NOT') {
      pos++;
      return { kind: 'not', part: parseUnary() };
    }
    if (t.text === '(') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.text !== ')') error('missing )');
      pos++;
      return inner;
    }
    pos++;
    if (!t.quoted && t.text.startsWith('-') && t.text.length > 1) {
      return { kind: 'not', part: termOf(t.text.slice(1), t.column + 1, false) };
    }
    return termOf(t.text, t.column, t.quoted);
  };
  const termOf = (text: string, column: number, quoted: boolean): Node => {
    const colon = text.indexOf(':');
    if (!quoted && colon > 0 && /^[a-zA-Z-]+$/.test(text.slice(0, colon))) {
      return {
        kind: 'term',
        field: text.slice(0, colon).toLowerCase(),
        value: text.slice(colon + 1),
        column,
      };
    }
    return { kind: 'term', field: undefined, value: text, column };
  };
  const root = tokens.length === 0 ? ({ kind: 'and', parts: [] } as Node) : parseOr();
  if (pos < tokens.length) error('unexpected token');
  const compileNode = (node: Node): Predicate => {
    switch (node.kind) {
      case 'and': {
        const parts = node.parts.map(compileNode);
        return (item) => parts.every((p) => p(item));
      }
      case 'or': {
        const parts = node.parts.map(compileNode);
        return (item) => parts.some((p) => p(item));
      }
      case 'not': {
        const part = compileNode(node.part);
        return (item) => !part(item);
      }
      case 'term':
        return compileTerm(node, mailbox, now, (message) => {
          throw faults.queryParseError(
            query,
            `${node.field ?? ''}${node.field ? ':' : ''}${node.value}`,
            node.column,
            message,
          );
        });
    }
  };
  const folderFields = new Set(['in', 'inid', 'under', 'underid']);
  const terms: { field: string | undefined; value: string }[] = [];
  const collect = (node: Node): void => {
    if (node.kind === 'term') terms.push(node);
    else if (node.kind === 'not') collect(node.part);
    else node.parts.forEach(collect);
  };
  collect(root);
  const onlyOr = (node: Node): boolean =>
    node.kind === 'term' ? node.field === 'inid' : node.kind === 'or' && node.parts.every(onlyOr);
  return {
    matches: compileNode(root),
    hasFolderTerm: terms.some(
      (t) => folderFields.has(t.field ?? '') || (t.field === 'is' && t.value.toLowerCase() === 'anywhere'),
    ),
    onlyInids: terms.length > 0 && onlyOr(root) ? terms.map((t) => Number(t.value)) : undefined,
  };
}
