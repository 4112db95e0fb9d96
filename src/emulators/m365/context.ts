import type { Directory } from './directory.ts';
import { GraphError } from './errors.ts';
import type { IdView } from './item-store.ts';
import type { Mailbox } from './mailbox.ts';
import type { TokenGrant } from './tokens.ts';
import type { UploadSessions } from './resources/upload-sessions.ts';

/** Shared services of one emulator instance. */
export interface Services {
  readonly directory: Directory;
  readonly uploads: UploadSessions;
  readonly baseUrl: string;
  /** Whether /beta offers personal distribution lists (beta since 2026; off = a tenant or cloud without them). */
  readonly distributionLists: boolean;
  /**
   * How long a repeated event transactionId returns the event it created, in milliseconds
   * (Infinity: forever, 0: never). Microsoft documents no window [U].
   */
  readonly transactionIdWindowMs: number;
}

/** One Graph request (top-level or inside $batch) after authentication and routing. */
export interface GraphContext {
  readonly method: string;
  readonly version: 'v1.0' | 'beta';
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly grant: TokenGrant;
  readonly params: Readonly<Record<string, string>>;
  readonly mailbox: Mailbox;
  readonly ids: IdView;
  readonly services: Services;
}

/** The JSON object of a request body, as Graph parses it. */
export function jsonBody(ctx: GraphContext): Record<string, unknown> {
  const text = ctx.body.toString('utf8').trim();
  if (text === '') throw new GraphError(400, 'ErrorInvalidRequest', 'Empty Payload. JSON content expected.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GraphError(400, 'UnableToDeserializePostBody', 'were unable to deserialize ');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GraphError(400, 'UnableToDeserializePostBody', 'were unable to deserialize ');
  }
  return value as Record<string, unknown>;
}

export function param(ctx: GraphContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new GraphError(500, 'generalException', `route parameter ${name} missing`);
  return value;
}

/** Base of @odata.context URLs for this request. */
export function metadataBase(ctx: GraphContext): string {
  return `https://graph.microsoft.com/${ctx.version}/$metadata#users('${encodeURIComponent(ctx.mailbox.user.userPrincipalName)}')`;
}
