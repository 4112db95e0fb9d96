/**
 * Zimbra's JSON SOAP dialect (Element.JSONElement): attributes may arrive as plain values or as
 * {"_content"} children, children as objects or arrays; responses use the envelope of §1.2.
 */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A child element, whether sent as an object or as a one-element array. */
export function child(element: Json, name: string): Json | undefined {
  const value = element[name];
  if (Array.isArray(value)) return value.find(isObject);
  return isObject(value) ? value : undefined;
}

export function children(element: Json, name: string): Json[] {
  const value = element[name];
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** An attribute or text child as a string ("query":"x", "query":{"_content":"x"}, "limit":5). */
export function attr(element: Json | undefined, name: string): string | undefined {
  if (!element) return undefined;
  return text(element[name]);
}

export function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return text(value[0]);
  if (isObject(value)) return text(value['_content']);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function intAttr(element: Json | undefined, name: string): number | undefined {
  const value = attr(element, name);
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/** Zimbra booleans: "1", "true" (any case) or true. */
export function boolAttr(element: Json | undefined, name: string): boolean {
  const value = attr(element, name)?.toLowerCase();
  return value === '1' || value === 'true';
}

export interface SoapRequest {
  readonly header: Json | undefined;
  readonly name: string;
  readonly ns: string | undefined;
  readonly body: Json;
}

/** Splits a parsed JSON envelope into header context and the single request element. */
export function requestOf(envelope: Json): SoapRequest | undefined {
  const body = child(envelope, 'Body');
  if (!body) return undefined;
  const name = Object.keys(body).find((k) => k !== '_jsns' && isObject(body[k]));
  if (!name) return undefined;
  const element = body[name] as Json;
  const ns = typeof element['_jsns'] === 'string' ? element['_jsns'] : undefined;
  const header = child(envelope, 'Header');
  return { header: header ? child(header, 'context') : undefined, name, ns, body: element };
}

export function envelope(context: Json, bodyName: string, content: Json, ns: string | undefined): Json {
  const body = ns === undefined ? { ...content } : { ...content, _jsns: ns };
  return {
    Header: { context: { ...context, _jsns: 'urn:zimbra' } },
    Body: { [bodyName]: body },
    _jsns: 'urn:zimbraSoap',
  };
}
