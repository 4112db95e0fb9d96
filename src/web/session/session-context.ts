import { createContext, useContext } from 'react';

import type { ApiError, ResponseOf } from '../api/client.ts';

export type Agent = ResponseOf<'/api/auth/me', 'get'>['agent'];

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; agent: Agent }
  | { status: 'error'; error: ApiError };

export interface Session {
  readonly state: SessionState;
  /** Records the agent a sign-in or the first setup returned. */
  readonly signedIn: (agent: Agent) => void;
  readonly signOut: () => Promise<void>;
  /** Asks the server again who is signed in (after a failed first check). */
  readonly reload: () => void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession is used outside <SessionProvider>');
  return session;
}

/** The signed-in agent; only inside <RequireSession>. */
export function useAgent(): Agent {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useAgent is used outside <RequireSession>');
  return state.agent;
}
