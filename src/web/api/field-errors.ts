import type { ApiError } from './client.ts';

/**
 * The API's problems by field ("tenantId" → "is not a GUID or a domain"), for showing each one
 * under its field: request validation lists `problems`, a refused value names its `field`.
 */
export function fieldErrors(error: ApiError | undefined): Record<string, string> {
  if (error === undefined) return {};
  const result: Record<string, string> = {};
  const problems = error.details.problems;
  if (Array.isArray(problems)) {
    for (const problem of problems as unknown[]) {
      if (typeof problem !== 'object' || problem === null) continue;
      const { field, message } = problem as { field?: unknown; message?: unknown };
      if (typeof field === 'string' && typeof message === 'string') result[field] ??= message;
    }
  }
  if (typeof error.details.field === 'string') result[error.details.field] ??= error.message;
  return result;
}
