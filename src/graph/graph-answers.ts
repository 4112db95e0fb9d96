import type { GraphFailure } from './graph-error.ts';

/** Retry-After in seconds, fractional allowed (Graph sends "2.128"), or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A failed answer as Graph's error body describes it, falling back to the HTTP status. */
export function toFailure(
  call: Omit<GraphFailure, 'graphCode' | 'graphMessage'>,
  text: string,
): GraphFailure {
  let graphCode = `HTTP${call.status}`;
  let graphMessage = text.slice(0, 500);
  let requestId = call.requestId;
  try {
    const parsed = JSON.parse(text) as {
      error?: { code?: string; message?: string; innerError?: { 'request-id'?: string } };
    };
    graphCode = parsed.error?.code ?? graphCode;
    graphMessage = parsed.error?.message ?? graphMessage;
    requestId ??= parsed.error?.innerError?.['request-id'];
  } catch {
    // Not JSON (a gateway's HTML page): keep the start of the text.
  }
  return { ...call, graphCode, graphMessage, requestId };
}
