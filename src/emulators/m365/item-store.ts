import { randomBytes } from 'node:crypto';

/** A single-value extended property as Graph returns it. */
export interface ExtendedProperty {
  readonly id: string;
  readonly value: string;
}

export interface StoredAttachment {
  readonly id: string;
  readonly odataType: string;
  readonly name: string;
  readonly contentType: string;
  readonly isInline: boolean;
  readonly contentId: string | null;
  readonly bytes: Buffer;
  readonly item?: Record<string, unknown>;
  readonly lastModifiedDateTime: string;
}

/**
 * One Outlook item (message, folder, event, contact, task, …). It keeps an immutable id for life and
 * a regular id that Exchange changes when the item moves to another folder.
 */
export interface StoredItem {
  readonly immutableId: string;
  id: string;
  containerId: string;
  data: Record<string, unknown>;
  readonly extendedProperties: Map<string, ExtendedProperty>;
  readonly attachments: StoredAttachment[];
  readonly seq: number;
  changeKey: string;
}

let sequence = 0;

export function newId(prefix: string): string {
  return `${prefix}${randomBytes(27).toString('base64url')}`;
}

export function newChangeKey(): string {
  return randomBytes(12).toString('base64');
}

/** Items of one kind in one mailbox, found by either id. */
export class ItemCollection {
  readonly #items = new Map<string, StoredItem>();
  readonly #regular = new Map<string, string>();

  add(containerId: string, data: Record<string, unknown>): StoredItem {
    const item: StoredItem = {
      immutableId: newId('AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A'),
      id: newId('AAMkAGI2TGuLAAA='),
      containerId,
      data,
      extendedProperties: new Map(),
      attachments: [],
      seq: ++sequence,
      changeKey: newChangeKey(),
    };
    this.#items.set(item.immutableId, item);
    this.#regular.set(item.id, item.immutableId);
    return item;
  }

  get(id: string): StoredItem | undefined {
    return this.#items.get(id) ?? this.#items.get(this.#regular.get(id) ?? '');
  }

  delete(item: StoredItem): void {
    this.#items.delete(item.immutableId);
    this.#regular.delete(item.id);
  }

  /** Moves an item to another container; its regular id changes, its immutable id does not. */
  move(item: StoredItem, containerId: string): void {
    this.#regular.delete(item.id);
    item.id = newId('AAMkAGI2TGuLAAA=');
    item.containerId = containerId;
    this.#regular.set(item.id, item.immutableId);
  }

  list(containerId?: string): StoredItem[] {
    const all = [...this.#items.values()];
    return (containerId === undefined ? all : all.filter((item) => item.containerId === containerId)).sort(
      (a, b) => a.seq - b.seq,
    );
  }
}

/** Chooses which id of an item a response shows (Prefer: IdType="ImmutableId"). */
export type IdView = (item: StoredItem) => string;

export const regularIds: IdView = (item) => item.id;
export const immutableIds: IdView = (item) => item.immutableId;
