import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

import type { ApiError } from '../api/client.ts';
import { asApiError } from '../session/SessionProvider.tsx';

export type Loaded<T> =
  | { status: 'loading' }
  | { status: 'loaded'; data: T; refreshing: boolean }
  | { status: 'error'; error: ApiError };

/**
 * Loads `fetcher`'s result and reloads it when `deps` change or on `reload()`; an answer that
 * arrives after a newer request started is dropped, so a slow reply never overwrites a fresh one.
 */
export function useLoad<T>(
  fetcher: () => Promise<T>,
  deps: DependencyList,
): [Loaded<T>, () => Promise<void>] {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const generation = useRef(0);
  const run = useCallback(fetcher, deps);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((previous) => (previous.status === 'loaded' ? { ...previous, refreshing: true } : previous));
    try {
      const data = await run();
      if (mine === generation.current) setState({ status: 'loaded', data, refreshing: false });
    } catch (error) {
      if (mine === generation.current) setState({ status: 'error', error: asApiError(error) });
    }
  }, [run]);

  useEffect(() => {
    setState({ status: 'loading' });
    void reload();
    return () => {
      generation.current += 1;
    };
  }, [reload]);

  return [state, reload];
}
