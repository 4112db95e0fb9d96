const REDACTED = '[redacted]';

/**
 * A credential in memory. It prints as `[redacted]` through String(), JSON.stringify, template
 * literals, util.inspect and console.log, so it cannot leak into logs, API responses or error
 * messages by accident. Only `reveal()` gives the value, at the one place that needs it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}

export const REDACTED_TEXT = REDACTED;
