import { createContext, useContext } from 'react';

import type { ApiError, ResponseOf } from '../api/client.ts';

/** Who is signed in, as GET /api/auth/me says. */
export type Me = ResponseOf<'/api/auth/me', 'get'>;
export type Agent = Me['agent'];

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; me: Me }
  | { status: 'error'; error: ApiError };

export interface Session {
  readonly state: SessionState;
  /** Asks the server who is signed in: after signing in, after the first setup, or to retry a failed check. */
  readonly refresh: () => Promise<void>;
  readonly signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession is used outside <SessionProvider>');
  return session;
}

/** The signed-in agent; only inside <RequireSession>. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe is used outside <RequireSession>');
  return state.me;
}

export const useAgent = (): Agent => useMe().agent;
