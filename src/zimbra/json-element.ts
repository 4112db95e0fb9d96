/**
 * Reading Zimbra's JSON SOAP dialect (zimbra.md §1.2): non-unique children are arrays even with one
 * member (but a client must accept a lone object), text may be a plain string or `{_content}`,
 * booleans may be true/"1"/1, and admin entries carry attributes as `a: [{n, _content}]`.
 */
export type JsonElement = Record<string, unknown>;

export function children(element: JsonElement | undefined, name: string): JsonElement[] {
  const value = element?.[name];
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter(
    (v): v is JsonElement => typeof v === 'object' && v !== null,
  );
}

export function child(element: JsonElement | undefined, name: string): JsonElement | undefined {
  return children(element, name)[0];
}

/** An attribute or a text child, as a string. */
export function text(element: JsonElement | undefined, name: string): string | undefined {
  const value = element?.[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null && '_content' in first) {
    const content = first._content;
    if (typeof content === 'string') return content;
    if (typeof content === 'number' || typeof content === 'boolean') return String(content);
  }
  return undefined;
}

export function integer(element: JsonElement | undefined, name: string): number | undefined {
  const value = text(element, name);
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export function bool(element: JsonElement | undefined, name: string): boolean | undefined {
  const value = text(element, name);
  if (value === undefined) return undefined;
  return value === 'true' || value === '1' || value === 'TRUE';
}

/** Admin `a: [{n, _content}]` attributes as a map; a repeated name becomes several values. */
export function adminAttrs(element: JsonElement | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const attr of children(element, 'a')) {
    const name = text(attr, 'n');
    if (name === undefined) continue;
    const values = map.get(name) ?? [];
    values.push(text(attr, '_content') ?? '');
    map.set(name, values);
  }
  return map;
}
