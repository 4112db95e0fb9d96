/**
 * Reads Zimbra contact attributes (`_attrs`, zimbra.md §6) and remembers which values were used, so
 * that whatever no Graph field took can be kept in the notes: nothing is dropped silently.
 */
import { cleanText } from './pim-text.ts';

export interface AttrValue {
  readonly key: string;
  readonly value: string;
}

/** The number a key carries after its base (`email` 1, `email2` 2), or undefined when it is another key. */
function seriesNumber(key: string, base: string): number | undefined {
  if (!key.startsWith(base)) return undefined;
  const suffix = key.slice(base.length);
  if (suffix === '') return 1;
  return /^[1-9]\d{0,5}$/.test(suffix) ? Number(suffix) : undefined;
}

export class ContactAttrReader {
  readonly #values = new Map<string, string[]>();
  readonly #used = new Map<string, Set<number>>();

  /** `ignored` keys are read elsewhere (the photo, group members) and never reported as left over. */
  constructor(attrs: Readonly<Record<string, unknown>>, ignored: readonly string[]) {
    for (const [key, raw] of Object.entries(attrs)) {
      if (ignored.includes(key)) continue;
      const list = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
      this.#values.set(key, list.map(cleanText));
    }
  }

  /** Whether the key holds a non-empty value, without using it. */
  has(key: string): boolean {
    return (this.#values.get(key) ?? []).some((v) => v !== '');
  }

  /** The first non-empty value of the key, marked as used; further values stay left over. */
  first(key: string): string | undefined {
    const values = this.#values.get(key) ?? [];
    const index = values.findIndex((v) => v !== '');
    if (index < 0) return undefined;
    this.#mark(key, index);
    return values[index];
  }

  /** The first of several keys that holds a value. */
  firstOf(keys: readonly string[]): string | undefined {
    for (const key of keys) {
      const value = this.first(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** Every non-empty value of the key, in order; all marked as used. */
  all(key: string): AttrValue[] {
    const values = this.#values.get(key) ?? [];
    const found: AttrValue[] = [];
    values.forEach((value, index) => {
      if (value === '') return;
      this.#mark(key, index);
      found.push({ key, value });
    });
    return found;
  }

  /**
   * The values of a numbered series the way Zimbra stores repeated fields: `email`, `email2`,
   * `email3`… (or `imAddress1`, `imAddress2`…), by number; all marked as used.
   */
  series(base: string): AttrValue[] {
    return [...this.#values.keys()]
      .map((key) => ({ key, n: seriesNumber(key, base) }))
      .filter((entry): entry is { key: string; n: number } => entry.n !== undefined)
      .sort((a, b) => a.n - b.n)
      .flatMap((entry) => this.all(entry.key));
  }

  /** Marks a value as used by something else than a Graph field (e.g. a decision it was invalid). */
  consume(key: string): void {
    (this.#values.get(key) ?? []).forEach((_, index) => this.#mark(key, index));
  }

  /** Non-empty values no field used, by key name. */
  leftovers(): AttrValue[] {
    return [...this.#values.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([key, values]) =>
        values
          .map((value, index) => ({ key, value, index }))
          .filter((entry) => entry.value !== '' && !(this.#used.get(key)?.has(entry.index) ?? false))
          .map(({ value }) => ({ key, value })),
      );
  }

  #mark(key: string, index: number): void {
    const used = this.#used.get(key) ?? new Set<number>();
    used.add(index);
    this.#used.set(key, used);
  }
}
