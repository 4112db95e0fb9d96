/** The field terms and free words of the search query language, each compiled to an item predicate. */
import { folderByPath, subtreeIds } from './folders.ts';
import type { Item, Mailbox } from './model.ts';
import type { Predicate } from './search-query.ts';
import { faults } from './soap-faults.ts';

const DAY = 86_400_000;

export function compileTerm(
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
function parseDateRange(value: string, now: number): { start: number; end: number } | undefined {
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
  if (y === undefined || m === undefined || d === undefined || m < 1 || m > 12 || d < 1 || d > 31) {
    return undefined;
  }
  const start = Date.UTC(y < 100 ? 2000 + y : y, m - 1, d);
  return { start, end: start + DAY };
}
