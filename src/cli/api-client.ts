import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

import { z } from 'zod';

import { TransientError, UserError } from '../domain/errors.ts';

/** Where `ferry login` keeps the server URL and the personal API token: FERRY_CLI_CONFIG, or the user's config dir. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FERRY_CLI_CONFIG !== undefined && env.FERRY_CLI_CONFIG !== '') return env.FERRY_CLI_CONFIG;
  const configHome = env.XDG_CONFIG_HOME ?? path.join(env.HOME ?? homedir(), '.config');
  return path.join(configHome, 'ferry', 'cli.json');
}

const credentialsSchema = z.object({ url: z.url(), token: z.string().min(1), email: z.string().optional() });
export type CliCredentials = z.infer<typeof credentialsSchema>;

/** Written with mode 0600: the token acts as its agent. */
export async function saveCredentials(
  credentials: CliCredentials,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const file = credentialsPath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** FERRY_URL and FERRY_TOKEN (for scripts) win over the stored login. */
export async function loadCredentials(env: NodeJS.ProcessEnv = process.env): Promise<CliCredentials> {
  if (env.FERRY_URL !== undefined && env.FERRY_TOKEN !== undefined)
    return { url: env.FERRY_URL, token: env.FERRY_TOKEN };
  const file = credentialsPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(
      'NOT_LOGGED_IN',
      'Not signed in: run "ferry login --url URL --token fry_…" (or with --email) first.',
    );
  }
  const parsed = credentialsSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new UserError('CREDENTIALS_INVALID', `${file} is not a Ferry login; run "ferry login" again.`);
  return parsed.data;
}

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> };
}

/** The REST API as the CLI sees it: every 4xx is the admin's to fix (exit 2), the rest is Ferry's or the network's. */
export class ApiClient {
  readonly #url: string;
  readonly #headers: Record<string, string>;

  constructor(url: string, headers: Record<string, string>) {
    this.#url = url.replace(/\/+$/, '');
    this.#headers = headers;
  }

  static async fromLogin(env: NodeJS.ProcessEnv = process.env): Promise<ApiClient> {
    const { url, token } = await loadCredentials(env);
    return new ApiClient(url, { authorization: `Bearer ${token}` });
  }

  get url(): string {
    return this.#url;
  }

  async json<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await this.raw(method, route, body);
    return (response.status === 204 ? null : await response.json()) as T;
  }

  async text(method: string, route: string): Promise<string> {
    return (await this.raw(method, route)).text();
  }

  async raw(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.#url}${route}`, {
        method,
        headers: {
          ...this.#headers,
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new TransientError(
        'FERRY_UNREACHABLE',
        `Cannot reach Ferry at ${this.#url}: ${(error as Error).message}.`,
        {
          cause: error,
        },
      );
    }
    if (response.ok) return response;
    const payload = (await response.json().catch(() => ({}))) as ApiErrorBody;
    const code = payload.error?.code ?? `HTTP_${response.status}`;
    const problems = (payload.error?.details?.problems ?? []) as {
      line?: number;
      field?: string;
      message: string;
    }[];
    const lines = problems
      .filter((p) => p.line !== undefined)
      .map((p) => `\n  line ${p.line}: ${p.message}`)
      .join('');
    const message = `${payload.error?.message ?? `Ferry answered ${response.status}.`}${lines}`;
    const options = { details: { status: response.status, ...(payload.error?.details ?? {}) } };
    throw response.status < 500
      ? new UserError(code, message, options)
      : new TransientError(code, message, options);
  }
}

export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
