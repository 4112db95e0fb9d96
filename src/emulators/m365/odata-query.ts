import type { GraphContext } from './context.ts';
import { GraphError, type GraphResponse } from './errors.ts';
import type { StoredItem } from './item-store.ts';
import { compileFilter } from './odata-filter.ts';

export type Presenter = (item: StoredItem) => Record<string, unknown>;

/** Properties Graph returns only when $select names them. */
const SELECT_ONLY = ['internetMessageHeaders', 'uniqueBody'];
/** Navigation properties of To Do tasks, returned only when $expand names them. */
const EXPAND_ONLY = ['linkedResources', 'checklistItems'];

/** Splits a $select/$expand list on top-level commas. */
function splitList(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

/** The Graph JSON of an item after $select and $expand (singleValueExtendedProperties, attachments). */
export function shape(ctx: GraphContext, item: StoredItem, present: Presenter): Record<string, unknown> {
  const full = present(item);
  const select = ctx.query.get('$select');
  const chosen = select === null ? undefined : new Set(splitList(select).map((name) => name.toLowerCase()));
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(full)) {
    const keep =
      name === 'id' ||
      name.startsWith('@odata') ||
      (!EXPAND_ONLY.includes(name) &&
        (chosen === undefined ? !SELECT_ONLY.includes(name) : chosen.has(name.toLowerCase())));
    if (keep) result[name] = value;
  }
  for (const expand of splitList(ctx.query.get('$expand') ?? '')) {
    const match = /^(\w+)(?:\((.*)\))?$/.exec(expand);
    const name = match?.[1]?.toLowerCase();
    const nav = EXPAND_ONLY.find((n) => n.toLowerCase() === name);
    if (name === 'singlevalueextendedproperties') {
      const filter = /^\$filter=(.*)$/.exec(match?.[2] ?? '')?.[1];
      const test = filter === undefined ? () => true : compileFilter(filter);
      result.singleValueExtendedProperties = [...item.extendedProperties.values()]
        .filter((p) => test({ id: p.id, value: p.value }))
        .map((p) => ({ id: p.id, value: p.value }));
    } else if (name === 'attachments') {
      result.attachments = item.attachments.map((a) => ({
        '@odata.type': a.odataType,
        id: a.id,
        name: a.name,
        contentType: a.contentType,
        size: a.bytes.length,
        isInline: a.isInline,
        lastModifiedDateTime: a.lastModifiedDateTime,
        ...(a.odataType === '#microsoft.graph.fileAttachment'
          ? { contentId: a.contentId, contentBytes: a.bytes.toString('base64') }
          : {}),
      }));
    } else if (nav !== undefined && nav in full) {
      result[nav] = full[nav];
    } else if (name !== undefined) {
      throw new GraphError(
        400,
        'BadRequest',
        `Could not find a property named '${match?.[1] ?? expand}' on type 'microsoft.graph.entity'.`,
      );
    }
  }
  return result;
}

function filterView(item: StoredItem, present: Presenter): Record<string, unknown> {
  return { ...present(item), singleValueExtendedProperties: [...item.extendedProperties.values()] };
}

/** A collection response with $filter, $top, $skip and @odata.nextLink paging. */
export function listResponse(
  ctx: GraphContext,
  contextPath: string,
  items: readonly StoredItem[],
  present: Presenter,
  defaultTop = 10,
): GraphResponse {
  const filterText = ctx.query.get('$filter');
  const test = filterText === null ? undefined : compileFilter(filterText);
  const matching = test === undefined ? items : items.filter((item) => test(filterView(item, present)));
  const top = Math.min(Number(ctx.query.get('$top') ?? defaultTop) || defaultTop, 1000);
  const skip = Number(ctx.query.get('$skip') ?? 0) || 0;
  const page = matching.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': contextPath,
    value: page.map((item) => shape(ctx, item, present)),
  };
  if (ctx.query.get('$count') === 'true') body['@odata.count'] = matching.length;
  if (skip + top < matching.length) {
    const next = new URLSearchParams(ctx.query);
    next.set('$skip', String(skip + top));
    body['@odata.nextLink'] =
      `${ctx.services.baseUrl}/${ctx.version}/${ctx.segments.map(encodeURIComponent).join('/')}?${next.toString()}`;
  }
  return ok(body);
}

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): GraphResponse {
  return {
    status,
    headers: {
      'Content-Type':
        'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8',
      ...headers,
    },
    body,
  };
}

export function noContent(): GraphResponse {
  return { status: 204, headers: {} };
}

export function entityResponse(
  ctx: GraphContext,
  contextPath: string,
  item: StoredItem,
  present: Presenter,
  status = 200,
): GraphResponse {
  return ok({ '@odata.context': `${contextPath}/$entity`, ...shape(ctx, item, present) }, status);
}

export function etag(item: StoredItem): string {
  return `W/"${item.changeKey}"`;
}
