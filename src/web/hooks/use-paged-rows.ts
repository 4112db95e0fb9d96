import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import type { ApiError } from '../api/client.ts';
import { asApiError } from '../session/SessionProvider.tsx';

export interface Page<Row> {
  readonly items: readonly Row[];
  readonly total: number;
}

export interface PagedRows<Row> {
  /** Rows matching the query on the server; undefined until the first page arrives. */
  readonly total: number | undefined;
  readonly error: ApiError | undefined;
  readonly rowAt: (index: number) => Row | undefined;
  /** Asks for the rows in [start, end] (the visible ones); pages not held yet are fetched. */
  readonly requestRange: (start: number, end: number) => void;
  /** Fetches the pages in view again (after a change, or when live events say rows moved on). */
  readonly refresh: () => void;
  /** The rows held now, for "select all shown". */
  readonly loadedRows: () => Row[];
}

/**
 * A long server-side list, fetched a page at a time as it scrolls into view. A new `query` (search,
 * filter) starts again from nothing; answers to an older query are dropped.
 */
export function usePagedRows<Row>(
  fetchPage: (page: number, pageSize: number) => Promise<Page<Row>>,
  query: string,
  pageSize = 100,
): PagedRows<Row> {
  const pages = useRef(new Map<number, readonly Row[]>());
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);
  const lastRange = useRef<[number, number]>([0, pageSize]);
  const fetcher = useRef(fetchPage);
  fetcher.current = fetchPage;
  const [total, setTotal] = useState<number>();
  const [error, setError] = useState<ApiError>();
  const [version, setVersion] = useState(0);

  // The newest request per page: a refresh supersedes a fetch still in flight, whose answer may
  // predate the change that asked for the refresh, so only the newest answer for a page is kept.
  const newest = useRef(new Map<number, number>());
  const requests = useRef(0);

  const load = useCallback(
    (page: number, supersede = false) => {
      if (inFlight.current.has(page) && !supersede) return;
      inFlight.current.add(page);
      const mine = generation.current;
      const request = ++requests.current;
      newest.current.set(page, request);
      const current = () => mine === generation.current && newest.current.get(page) === request;
      fetcher.current(page + 1, pageSize).then(
        (result) => {
          if (!current()) return;
          inFlight.current.delete(page);
          pages.current.set(page, result.items);
          setTotal(result.total);
          setError(undefined);
          setVersion((v) => v + 1);
        },
        (caught: unknown) => {
          if (!current()) return;
          inFlight.current.delete(page);
          setError(asApiError(caught));
        },
      );
    },
    [pageSize],
  );

  useEffect(() => {
    generation.current += 1;
    pages.current = new Map();
    inFlight.current = new Set();
    newest.current = new Map();
    setTotal(undefined);
    setError(undefined);
    load(0);
  }, [query, load]);

  const requestRange = useCallback(
    (start: number, end: number) => {
      lastRange.current = [start, end];
      for (let page = Math.floor(start / pageSize); page <= Math.floor(end / pageSize); page++) {
        if (!pages.current.has(page)) load(page);
      }
    },
    [load, pageSize],
  );

  const refresh = useCallback(() => {
    const [start, end] = lastRange.current;
    const first = Math.floor(start / pageSize);
    const last = Math.floor(end / pageSize);
    for (const page of pages.current.keys()) if (page < first || page > last) pages.current.delete(page);
    for (let page = first; page <= last; page++) load(page, true);
  }, [load, pageSize]);

  // A new object whenever what it shows changes (a page arrived: version), so consumers re-render then.
  return useMemo(
    () => ({
      total,
      error,
      rowAt: (index: number) => pages.current.get(Math.floor(index / pageSize))?.[index % pageSize],
      requestRange,
      refresh,
      loadedRows: () => [...pages.current.values()].flat(),
    }),
    [total, error, version, requestRange, refresh, pageSize],
  );
}
