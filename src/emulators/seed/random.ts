/**
 * Seeded pseudo-random numbers for the seed generator. Everything the generator writes comes from
 * one of these, so the same seed always gives byte-identical output.
 */

/** The item at position `n`, cycling through the list (so the first items of a run cover all). */
export function cycle<T>(items: readonly T[], n: number): T {
  const item = items[n % items.length];
  if (item === undefined) throw new RangeError('cycle() through an empty list');
  return item;
}

/** A small, fast PRNG (sfc32) with the helpers the generators need. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** `parts` are mixed into the state, so `new Random(seed, 'mail', 3)` is an independent stream. */
  constructor(...parts: readonly (number | string)[]) {
    let h = 0x811c9dc5;
    for (const ch of parts.join('\u0000')) {
      h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 0x01000193);
    }
    this.#a = h >>> 0;
    this.#b = Math.imul(h ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
    this.#c = Math.imul(h ^ 0x7f4a7c15, 0xc2b2ae35) >>> 0;
    this.#d = 1;
    for (let i = 0; i < 16; i++) this.uint32();
  }

  /** Next 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick() from an empty list');
    return item;
  }

  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [w, value] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    const last = choices.at(-1);
    if (last === undefined) throw new RangeError('weighted() from an empty list');
    return last[1];
  }

  /** `count` distinct items in random order (fewer if the list is shorter). */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) {
      const [item] = pool.splice(Math.floor(this.next() * pool.length), 1);
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  /** Log-uniform integer in [min, max]: many small values, few large ones. */
  logUniform(min: number, max: number): number {
    return Math.round(Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min))));
  }

  /** Hex string of `length` characters. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.uint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  /** A buffer of `length` pseudo-random bytes (xorshift fill: fast enough for 35 MB). */
  bytes(length: number): Buffer {
    const words = new Uint32Array(Math.ceil(length / 4));
    let x = this.uint32() | 1;
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x;
    }
    return Buffer.from(words.buffer, 0, length);
  }
}
