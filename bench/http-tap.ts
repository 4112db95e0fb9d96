/**
 * Counts the requests the in-process emulators serve, and how long they take from arrival to the
 * last byte written, through Node's HTTP diagnostics channels (no change to the emulators), so a run
 * shows how much of Ferry's wall time is spent waiting on either side.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ServerTally {
  requests: number;
  /** Answers with status ≥ 500 (the Zimbra DoSFilter answers a bare 503). */
  errors5xx: number;
  /** Sum over requests of arrival → response finished. */
  busyS: number;
  /** Requests per path class (the first two path segments; the Zimbra SOAP request name when known). */
  byKind: Record<string, number>;
}

interface RequestEvent {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

export interface HttpTap {
  /** Tallies of the servers listening on these ports so far. */
  tally(port: number): ServerTally;
  stop(): void;
}

export function startHttpTap(): HttpTap {
  const tallies = new Map<number, ServerTally>();
  const onStart = (message: unknown): void => {
    const { request, response } = message as RequestEvent;
    const port = request.socket.localPort ?? 0;
    const started = performance.now();
    let tally = tallies.get(port);
    if (tally === undefined) {
      tally = { requests: 0, errors5xx: 0, busyS: 0, byKind: {} };
      tallies.set(port, tally);
    }
    const t = tally;
    t.requests += 1;
    const kind = `${request.method ?? 'GET'} ${pathKind(request.url ?? '/')}`;
    t.byKind[kind] = (t.byKind[kind] ?? 0) + 1;
    response.once('finish', () => {
      t.busyS += (performance.now() - started) / 1000;
      if (response.statusCode >= 500) t.errors5xx += 1;
    });
  };
  subscribe('http.server.request.start', onStart);
  return {
    tally: (port) => tallies.get(port) ?? { requests: 0, errors5xx: 0, busyS: 0, byKind: {} },
    stop: () => void unsubscribe('http.server.request.start', onStart),
  };
}

function pathKind(url: string): string {
  const pathname = url.split('?')[0] ?? '/';
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments[0] === 'v1.0' || segments[0] === 'beta') {
    // /v1.0/users/{upn}/mailFolders/{id}/messages → "POST-able" shape without the ids
    return segments.filter((_, i) => i === 0 || i % 2 === 1 || i === segments.length - 1).join('/');
  }
  return segments.slice(0, 2).join('/');
}
