import { setTimeout as delay } from 'node:timers/promises';
import type { Services } from './context.ts';
import { GraphError, errorResponse, newRequestId, type GraphResponse } from './errors.ts';
import { prepare, run, toErrorResponse, type GraphCall } from './graph.ts';
import { latencyKind, type Latency } from './latency.ts';
import { ok } from './odata-query.ts';
import type { Throttle } from './throttle.ts';
import type { TokenGrant } from './tokens.ts';

/** Most requests one $batch may hold [D]. */
export const MAX_BATCH_REQUESTS = 20;

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

function parseRequests(body: Buffer): InnerRequest[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  }
  const requests = (parsed as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  }
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw new GraphError(
      400,
      'BadRequest',
      `Number of batch requests exceeds the limit of ${MAX_BATCH_REQUESTS}.`,
    );
  }
  const seen = new Set<string>();
  return requests.map((raw: unknown) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    if (typeof r.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string') {
      throw new GraphError(400, 'BadRequest', 'Each batch request needs an id, a method and a url.');
    }
    if (seen.has(r.id.toLowerCase())) {
      throw new GraphError(400, 'BadRequest', `Batch request id '${r.id}' is not unique.`);
    }
    seen.add(r.id.toLowerCase());
    const headers = Object.fromEntries(
      Object.entries((r.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k.toLowerCase(),
        String(v),
      ]),
    );
    const dependsOn = Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [];
    return { id: r.id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body, dependsOn };
  });
}

/**
 * Runs a JSON batch: each inner request counts against its mailbox's limits, may get its own 429 and
 * takes its own service time. Inner requests run one after another here (Outlook runs up to 4 at once).
 */
export async function runBatch(
  services: Services,
  throttle: Throttle,
  latency: Latency | undefined,
  version: GraphCall['version'],
  body: Buffer,
  grant: TokenGrant,
): Promise<GraphResponse> {
  const requests = parseRequests(body);
  const ids = new Set(requests.map((r) => r.id.toLowerCase()));
  for (const request of requests) {
    const missing = request.dependsOn.find((d) => !ids.has(d.toLowerCase()));
    if (missing !== undefined) {
      throw new GraphError(
        400,
        'BadRequest',
        `Request '${request.id}' depends on '${missing}', which is not in the batch.`,
      );
    }
  }
  const statuses = new Map<string, number>();
  const responses: Record<string, unknown>[] = [];
  for (const request of requests) {
    const requestId = newRequestId();
    const failed = request.dependsOn.some((d) => (statuses.get(d.toLowerCase()) ?? 424) >= 400);
    const response = failed
      ? errorResponse(
          new GraphError(424, 'FailedDependency', 'Request failed due to a failed dependent request.'),
          requestId,
          requestId,
        )
      : await runInner(services, throttle, latency, version, request, grant, requestId);
    statuses.set(request.id.toLowerCase(), response.status);
    const { 'Content-Type': contentType, ...rest } = response.headers;
    responses.push({
      id: request.id,
      status: response.status,
      headers: { ...rest, ...(contentType === undefined ? {} : { 'Content-Type': contentType }) },
      ...(response.body === undefined
        ? {}
        : { body: Buffer.isBuffer(response.body) ? response.body.toString('base64') : response.body }),
    });
  }
  return ok({ responses });
}

async function runInner(
  services: Services,
  throttle: Throttle,
  latency: Latency | undefined,
  version: GraphCall['version'],
  request: InnerRequest,
  grant: TokenGrant,
  requestId: string,
): Promise<GraphResponse> {
  const url = new URL(request.url.replace(/^\/?/, '/'), 'http://batch.invalid');
  const call: GraphCall = {
    method: request.method,
    version,
    path: url.pathname,
    query: url.searchParams,
    headers: request.headers,
  };
  const clientRequestId = request.headers['client-request-id'] ?? requestId;
  let bytes = Buffer.alloc(0);
  if (request.body !== undefined && request.body !== null) {
    if (request.headers['content-type'] === undefined) {
      return errorResponse(
        new GraphError(
          400,
          'BadRequest',
          'Content-Type header must be specified when a request body is present.',
        ),
        requestId,
        clientRequestId,
      );
    }
    bytes = Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
  }
  try {
    const prepared = prepare(services, call, grant);
    if (prepared.kind === 'answer') return prepared.response;
    const uploaded = ['POST', 'PATCH', 'PUT'].includes(call.method) ? bytes.length : 0;
    const mailbox = prepared.mailbox.user.userPrincipalName.toLowerCase();
    const admission = throttle.admit(grant.clientId, mailbox, uploaded);
    if (!admission.ok) return errorResponse(admission.error, requestId, clientRequestId);
    try {
      const ms = latency?.delayMs(latencyKind(call.method, prepared.route.pattern), bytes.length) ?? 0;
      if (ms > 0) {
        throttle.served(mailbox, ms);
        await delay(ms);
      }
      return await run(services, call, grant, prepared, bytes, requestId);
    } finally {
      admission.release();
    }
  } catch (error) {
    return toErrorResponse(error, requestId, clientRequestId);
  }
}
