import type { GraphContext } from './context.ts';
import { GraphError, unknownSegment, type GraphResponse } from './errors.ts';
import type { ItemCollection, StoredItem } from './item-store.ts';

/** Which permission family a route needs (Read for GET, ReadWrite otherwise). */
export type Area = 'Mail' | 'MailAdvanced' | 'Contacts' | 'Calendars' | 'Tasks' | 'MailboxSettings';

export interface Route {
  readonly method: string;
  /** Path below /users/{id}/, segments separated by "/", parameters as ":name". */
  readonly pattern: string;
  readonly area: Area;
  /** Exists only on /beta. */
  readonly betaOnly?: boolean;
  readonly handler: (ctx: GraphContext) => GraphResponse | Promise<GraphResponse>;
}

export type RouteMatch = { route: Route; params: Record<string, string> };

/** Finds the route for `segments` (below /users/{id}); literal segments match case-insensitively. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  segments: readonly string[],
  beta: boolean,
): RouteMatch {
  let pathMatched = false;
  let deepest = 0;
  for (const route of routes) {
    if (route.betaOnly === true && !beta) continue;
    const pattern = route.pattern.split('/');
    const params: Record<string, string> = {};
    let matched = 0;
    for (const [index, part] of pattern.entries()) {
      const segment = segments[index];
      if (segment === undefined) break;
      if (part.startsWith(':')) params[part.slice(1)] = segment;
      else if (part.toLowerCase() !== segment.toLowerCase()) break;
      matched = index + 1;
    }
    deepest = Math.max(deepest, matched);
    if (matched !== pattern.length || pattern.length !== segments.length) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  if (pathMatched) throw new GraphError(405, 'ErrorInvalidRequest', 'The OData request is not supported.');
  throw unknownSegment(segments[deepest] ?? segments[segments.length - 1] ?? '');
}

/** An item by id; malformed ids get Exchange's ErrorInvalidIdMalformed, unknown ones ErrorItemNotFound. */
export function lookup(collection: ItemCollection, id: string): StoredItem {
  const item = collection.get(id);
  if (item !== undefined) return item;
  if (!/^[A-Za-z0-9_=-]{20,}$/.test(id)) {
    throw new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
  }
  throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}
