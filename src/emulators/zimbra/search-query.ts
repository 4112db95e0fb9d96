/**
 * Zimbra search query language (store/docs/query.md) compiled to an item predicate: AND (implicit or
 * explicit), OR, NOT/-, parentheses, field terms (in:, inid:, under:, underid:, before:, after:, date:,
 * is:, tag:, has:, item:, subject:, from:, to:, cc:, larger:, smaller:, modseq:) and free words.
 * Absolute dates are en_US (mm/dd/yyyy) or ISO and day-granular in UTC; a pure number is epoch ms.
 */
import { folderByPath, subtreeIds } from './folders.ts';
import type { Item, Mailbox } from './model.ts';
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

const DAY = 86_400_000;

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

function compileTerm(
  term: { field: string | undefined; value: string },
  mailbox: Mailbox,
  now: number,
  fail: (message: string) => never,
): Predicate {
  const value = term.value;
  const lower = value.toLowerCase();
  switch (term.field) {
    case undefined:
    case 'content':
      return (item) => searchableText(item).includes(lower);
    case 'inid':
      return (item) => item.folderId === Number(value);
    case 'underid': {
      const folder = mailbox.folders.get(Number(value));
      const ids = new Set(folder ? subtreeIds(folder) : []);
      return (item) => ids.has(item.folderId);
    }
    case 'in':
    case 'under': {
      const folder = folderByPath(mailbox, value);
      if (!folder) throw faults.noSuchFolderPath(value);
      const ids = new Set(term.field === 'under' ? subtreeIds(folder) : [folder.id]);
      return (item) => ids.has(item.folderId);
    }
    case 'before':
    case 'after':
    case 'date': {
      const range = parseDateRange(value, now) ?? fail(`invalid date: ${value}`);
      if (term.field === 'before') return (item) => item.date < range.start;
      if (term.field === 'after') return (item) => item.date >= range.end;
      return (item) => item.date >= range.start && item.date < range.end;
    }
    case 'is':
      return isPredicate(lower, fail);
    case 'tag':
      return (item) => item.tags.some((t) => t.toLowerCase() === lower);
    case 'has':
      if (lower === 'attachment') return (item) => item.flags.includes('a');
      return fail(`unknown has: value ${value}`);
    case 'item':
      return itemPredicate(lower);
    case 'subject':
      return (item) => item.kind === 'message' && (item.summary.subject ?? '').toLowerCase().includes(lower);
    case 'from':
    case 'to':
    case 'cc': {
      const type = term.field === 'from' ? 'f' : term.field === 'to' ? 't' : 'c';
      return (item) =>
        item.kind === 'message' &&
        item.summary.addresses.some(
          (a) =>
            a.type === type &&
            `${a.address.personal ?? ''} ${a.address.address}`.toLowerCase().includes(lower),
        );
    }
    case 'larger':
    case 'smaller': {
      const m = /^(\d+)(b|kb?|mb?)?$/i.exec(value) ?? fail(`invalid size: ${value}`);
      const unit = (m[2] ?? 'b').toLowerCase()[0];
      const bytes = Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1048576 : 1);
      return term.field === 'larger' ? (item) => item.size > bytes : (item) => item.size < bytes;
    }
    case 'modseq': {
      const m = /^(>=|<=|>|<)?(\d+)$/.exec(value) ?? fail(`invalid modseq: ${value}`);
      const n = Number(m[2]);
      const op = m[1] ?? '>=';
      return (item) =>
        op === '>' ? item.id > n : op === '<' ? item.id < n : op === '<=' ? item.id <= n : item.id >= n;
    }
    default:
      return fail(`unknown search field: ${term.field}`);
  }
}

function searchableText(item: Item): string {
  switch (item.kind) {
    case 'message': {
      const s = item.summary;
      return [
        s.subject ?? '',
        s.fragment,
        ...s.addresses.map((a) => `${a.address.personal ?? ''} ${a.address.address}`),
      ]
        .join(' ')
        .toLowerCase();
    }
    case 'contact':
      return Object.values(item.attrs).flat().join(' ').toLowerCase();
    case 'appointment':
    case 'task':
      return item.invites
        .map((i) =>
          ['summary', 'location', 'description']
            .map((p) => String(i.component.getFirstPropertyValue(p) ?? ''))
            .join(' '),
        )
        .join(' ')
        .toLowerCase();
  }
}

function isPredicate(value: string, fail: (message: string) => never): Predicate {
  const flag =
    (c: string, want: boolean): Predicate =>
    (item) =>
      item.flags.includes(c) === want;
  const table: Record<string, Predicate> = {
    unread: flag('u', true),
    read: flag('u', false),
    flagged: flag('f', true),
    unflagged: flag('f', false),
    replied: flag('r', true),
    unreplied: flag('r', false),
    forwarded: flag('w', true),
    unforwarded: flag('w', false),
    draft: flag('d', true),
    sent: flag('s', true),
    received: flag('s', false),
    invite: flag('v', true),
    anywhere: () => true,
    local: () => true,
    remote: () => false,
    solo: (item) => item.kind === 'message',
  };
  return table[value] ?? fail(`unknown is: value ${value}`);
}

function itemPredicate(value: string): Predicate {
  if (value === 'all') return () => true;
  if (value === 'none') return () => false;
  const body = value.replace(/^\{|\}$/g, '');
  const range = /^(\d+)--(\d+)$/.exec(body);
  if (range) return (item) => item.id >= Number(range[1]) && item.id <= Number(range[2]);
  const ids = new Set(body.split(',').map((s) => Number(s.trim())));
  return (item) => ids.has(item.id);
}

/** [start, end) of the day or instant a date term names. */
export function parseDateRange(value: string, now: number): { start: number; end: number } | undefined {
  const v = value.replace(/^[<>]=?/, '');
  if (/^\d+$/.test(v)) return { start: Number(v), end: Number(v) + 1 };
  const rel = /^([+-])(\d+)(minute|hour|day|week|month|year|mi|h|d|w|m|y)s?$/i.exec(v);
  if (rel) {
    const n = Number(rel[2]) * (rel[1] === '-' ? -1 : 1);
    const unit = (rel[3] ?? 'd').toLowerCase();
    const d = new Date(now);
    if (unit.startsWith('mo') || unit === 'm') d.setUTCMonth(d.getUTCMonth() + n);
    else if (unit.startsWith('y')) d.setUTCFullYear(d.getUTCFullYear() + n);
    else {
      const ms = unit.startsWith('mi')
        ? 60_000
        : unit.startsWith('h')
          ? 3_600_000
          : unit.startsWith('w')
            ? 7 * DAY
            : DAY;
      d.setTime(now + n * ms);
    }
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return { start, end: start + DAY };
  }
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})$/.exec(v);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  const [y, m, d] = us
    ? [Number(us[3]), Number(us[1]), Number(us[2])]
    : iso
      ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
      : [];
  if (y === undefined || m === undefined || d === undefined || m < 1 || m > 12 || d < 1 || d > 31)
    return undefined;
  const start = Date.UTC(y < 100 ? 2000 + y : y, m - 1, d);
  return { start, end: start + DAY };
}
