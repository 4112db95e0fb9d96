import { GraphError } from './errors.ts';
import type { ExtendedProperty, StoredItem } from './item-store.ts';

const TYPES = [
  'Binary',
  'Boolean',
  'CLSID',
  'Currency',
  'Double',
  'Float',
  'Integer',
  'Long',
  'Object',
  'Short',
  'String',
  'SystemTime',
];

const TAG = /^(\w+)\s+0x([0-9a-f]{1,4})$/i;
const NAMED = /^(\w+)\s+\{([0-9a-f-]{36})\}\s+(Name|Id)\s+(.+)$/i;

/**
 * The comparison key of an extended property id, or undefined if `id` is not one. Types, proptags,
 * GUIDs and numeric ids compare case-insensitively; the Name part is case-sensitive [D].
 */
export function canonicalPropertyId(id: string): string | undefined {
  const tag = TAG.exec(id.trim());
  if (tag?.[1] !== undefined && tag[2] !== undefined) {
    return `${tag[1].toLowerCase()} 0x${parseInt(tag[2], 16).toString(16)}`;
  }
  const named = NAMED.exec(id.trim());
  if (
    named?.[1] === undefined ||
    named[2] === undefined ||
    named[3] === undefined ||
    named[4] === undefined
  ) {
    return undefined;
  }
  const kind = named[3].toLowerCase();
  const name = kind === 'id' ? `0x${parseInt(named[4].replace(/^0x/i, ''), 16).toString(16)}` : named[4];
  return `${named[1].toLowerCase()} {${named[2].toLowerCase()}} ${kind} ${name}`;
}

/** The id as Graph echoes it: type name as documented, lower-case hex and GUID. */
function displayId(id: string): string {
  const trimmed = id.trim();
  const tag = TAG.exec(trimmed);
  const type = (raw: string): string => TYPES.find((t) => t.toLowerCase() === raw.toLowerCase()) ?? raw;
  if (tag?.[1] !== undefined && tag[2] !== undefined) {
    return `${type(tag[1])} 0x${parseInt(tag[2], 16).toString(16)}`;
  }
  const named = NAMED.exec(trimmed);
  if (
    named?.[1] === undefined ||
    named[2] === undefined ||
    named[3] === undefined ||
    named[4] === undefined
  ) {
    return trimmed;
  }
  const kind = named[3].toLowerCase() === 'id' ? 'Id' : 'Name';
  return `${type(named[1])} {${named[2].toLowerCase()}} ${kind} ${named[4]}`;
}

function validValue(type: string, value: string): boolean {
  switch (type.toLowerCase()) {
    case 'integer':
    case 'short':
    case 'long':
      return /^-?\d+$/.test(value);
    case 'boolean':
      return /^(true|false)$/i.test(value);
    case 'systemtime':
      return !Number.isNaN(Date.parse(value));
    case 'double':
    case 'float':
    case 'currency':
      return Number.isFinite(Number(value));
    default:
      return true;
  }
}

/** Validates `singleValueExtendedProperties` of a request body. */
export function parseExtendedProperties(raw: unknown): ExtendedProperty[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw new GraphError(
      400,
      'RequestBodyRead',
      "Cannot read the value of 'singleValueExtendedProperties': an array was expected.",
    );
  }
  return raw.map((entry: unknown) => {
    const { id, value } = (entry ?? {}) as { id?: unknown; value?: unknown };
    const type = typeof id === 'string' ? /^(\w+)\s/.exec(id.trim())?.[1] : undefined;
    if (
      typeof id !== 'string' ||
      canonicalPropertyId(id) === undefined ||
      type === undefined ||
      !TYPES.some((t) => t.toLowerCase() === type.toLowerCase())
    ) {
      throw new GraphError(
        400,
        'ErrorInvalidProperty',
        `The extended property id '${String(id)}' is not valid.`,
      );
    }
    if (typeof value !== 'string' || !validValue(type, value)) {
      throw new GraphError(
        400,
        'ErrorInvalidExtendedPropertyValue',
        `The value of extended property '${id}' is not valid for its type.`,
      );
    }
    return { id: displayId(id), value };
  });
}

/** Stores properties on an item; `except` lists proptags that are honoured only at creation. */
export function storeExtendedProperties(
  item: StoredItem,
  properties: readonly ExtendedProperty[],
  except: readonly string[] = [],
): void {
  const skipped = new Set(except.map((id) => canonicalPropertyId(id)));
  for (const property of properties) {
    const key = canonicalPropertyId(property.id) ?? property.id;
    if (!skipped.has(key)) item.extendedProperties.set(key, property);
  }
}

export function propertyValue(properties: readonly ExtendedProperty[], id: string): string | undefined {
  const key = canonicalPropertyId(id);
  return properties.find((p) => canonicalPropertyId(p.id) === key)?.value;
}

export function itemPropertyValue(item: StoredItem, id: string): string | undefined {
  return item.extendedProperties.get(canonicalPropertyId(id) ?? id)?.value;
}
