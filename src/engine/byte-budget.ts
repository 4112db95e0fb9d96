/**
 * Bounds the bytes of items held in memory at once across a worker process: every message in
 * flight reserves a multiple of its size before it is fetched (the raw bytes, their parse and the
 * base64 request body) and releases it when its create finished. A reservation larger than the
 * whole budget waits until it can run alone, so any message size is handled, one at a time.
 */
export class ByteBudget {
  #available: number;
  readonly #waiting: { bytes: number; start: () => void }[] = [];

  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
    this.#available = limit;
  }

  async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const reserved = Math.min(Math.max(bytes, 0), this.limit);
    await this.#reserve(reserved);
    try {
      return await work();
    } finally {
      this.#available += reserved;
      this.#wake();
    }
  }

  #reserve(bytes: number): Promise<void> {
    if (this.#waiting.length === 0 && bytes <= this.#available) {
      this.#available -= bytes;
      return Promise.resolve();
    }
    return new Promise((start) => this.#waiting.push({ bytes, start }));
  }

  /** First come, first served: a big reservation is not starved by a stream of small ones. */
  #wake(): void {
    for (
      let next = this.#waiting[0];
      next !== undefined && next.bytes <= this.#available;
      next = this.#waiting[0]
    ) {
      this.#waiting.shift();
      this.#available -= next.bytes;
      next.start();
    }
  }
}
