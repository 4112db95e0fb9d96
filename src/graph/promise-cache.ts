/**
 * Remembers the pending answer under its key before it settles, so concurrent callers share one
 * lookup and one create; a failure is forgotten, so the next caller tries again.
 */
export function remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const pending = make().catch((error: unknown) => {
    if (cache.get(key) === pending) cache.delete(key);
    throw error;
  });
  cache.set(key, pending);
  return pending;
}
