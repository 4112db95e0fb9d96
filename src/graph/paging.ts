import { nextLinkPath } from './graph-paths.ts';
import type { GraphTransport } from './transport.ts';

interface Page<T> {
  readonly value: readonly T[];
  readonly '@odata.nextLink'?: string;
}

/** Every entry of a collection, following `@odata.nextLink` to the end. */
export async function collectPages<T>(
  transport: GraphTransport,
  mailbox: string,
  path: string,
): Promise<T[]> {
  const entries: T[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const page: { body: Page<T> } = await transport.request<Page<T>>({ method: 'GET', path: next, mailbox });
    entries.push(...page.body.value);
    const link = page.body['@odata.nextLink'];
    next = link === undefined ? undefined : nextLinkPath(link);
  }
  return entries;
}
