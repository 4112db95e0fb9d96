import type { Paths } from './schema.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type PathWith<M extends Method> = { [P in keyof Paths]: M extends keyof Paths[P] ? P : never }[keyof Paths];
type Operation<P extends keyof Paths, M extends Method> = Paths[P][M & keyof Paths[P]];

type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
type SuccessStatus = 200 | 201 | 202 | 204;
/** The body of the operation's successful response. */
export type ResponseOf<P extends keyof Paths, M extends Method> = ResponsesOf<Operation<P, M>>[SuccessStatus &
  keyof ResponsesOf<Operation<P, M>>];
/** What a call needs besides the path: `params` (path), `query` and `body`, as the operation declares them. */
export type RequestOf<P extends keyof Paths, M extends Method> = Omit<Operation<P, M>, 'responses'>;
type Arguments<R> = Record<string, never> extends R ? [request?: R] : [request: R];

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** Any failed call: the API's own error, or a network failure (status 0, code NETWORK). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, body: ErrorBody['error']) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details;
  }
}

const CSRF_COOKIE = 'ferry_csrf';
const unauthenticatedListeners = new Set<() => void>();

/** Calls `listener` whenever the API says the session is gone (expired, or signed out elsewhere). */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => {
    unauthenticatedListeners.delete(listener);
  };
}
const UNSAFE = new Set<Method>(['post', 'put', 'patch', 'delete']);

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [cookieName, ...value] = part.trim().split('=');
    if (cookieName === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

type Scalar = string | number | boolean;

/** A call's request, untyped: what every RequestOf<P, M> is. */
interface RawRequest {
  params?: Record<string, Scalar>;
  query?: Record<string, Scalar | Scalar[] | undefined>;
  body?: unknown;
}

function buildUrl(path: string, { params = {}, query = {} }: RawRequest): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const item of [value ?? []].flat()) search.append(name, String(item));
  }
  const text = search.toString();
  return text === '' ? filled : `${filled}?${text}`;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

async function call(method: Method, path: string, request: RawRequest = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const csrf = readCookie(CSRF_COOKIE);
  if (UNSAFE.has(method) && csrf !== undefined) headers['x-csrf-token'] = csrf;
  const init: RequestInit = { method: method.toUpperCase(), headers, credentials: 'same-origin' };
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(request.body);
  }
  const url = buildUrl(path, request);
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, {
      code: 'NETWORK',
      message: 'Ferry cannot be reached. Check that the server is running and your network is up.',
      details: {},
    });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) return body;
  if (isErrorBody(body)) {
    if (body.error.code === 'UNAUTHENTICATED') unauthenticatedListeners.forEach((listener) => listener());
    throw new ApiError(response.status, body.error);
  }
  throw new ApiError(response.status, {
    code: `HTTP_${response.status}`,
    message: `Ferry answered ${response.status} ${response.statusText}.`,
    details: {},
  });
}

function method<M extends Method>(name: M) {
  return <P extends PathWith<M>>(path: P, ...[request]: Arguments<RequestOf<P, M>>) =>
    call(name, path, request) as Promise<ResponseOf<P, M>>;
}

/** Ferry's API, typed from its OpenAPI document; the browser session cookie authenticates every call. */
export const api = {
  get: method('get'),
  post: method('post'),
  put: method('put'),
  patch: method('patch'),
  delete: method('delete'),
};
