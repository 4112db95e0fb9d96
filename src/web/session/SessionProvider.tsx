import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';

import { api, ApiError, onUnauthenticated } from '../api/client.ts';
import { type Agent, type Session, SessionContext, type SessionState } from './session-context.ts';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    api.get('/api/auth/me').then(
      ({ agent }) => current && setState({ status: 'signed-in', agent }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ApiError && error.status === 401) setState({ status: 'signed-out' });
        else setState({ status: 'error', error: asApiError(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [attempt]);

  useEffect(() => onUnauthenticated(() => setState({ status: 'signed-out' })), []);

  const signedIn = useCallback((agent: Agent) => setState({ status: 'signed-in', agent }), []);
  const signOut = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    setState({ status: 'signed-out' });
  }, []);
  const reload = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const session = useMemo<Session>(
    () => ({ state, signedIn, signOut, reload }),
    [state, signedIn, signOut, reload],
  );
  return <SessionContext value={session}>{children}</SessionContext>;
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, { code: 'UNEXPECTED', message: String(error), details: {} });
}
