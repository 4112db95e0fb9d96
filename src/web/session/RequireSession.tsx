import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';

import { Alert } from '../components/Alert.tsx';
import { LoadingState } from '../components/LoadingState.tsx';
import { useSession } from './session-context.ts';

/** Renders its children for a signed-in agent; sends everyone else to sign in, remembering where they were going. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state, refresh } = useSession();
  const location = useLocation();
  switch (state.status) {
    case 'loading':
      return <LoadingState label="Opening Ferry…" fullPage />;
    case 'signed-out':
      return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
    case 'error':
      return (
        <div className="full-page-center">
          <Alert tone="error" title="Ferry could not check your session">
            <p>{state.error.message}</p>
            <button type="button" className="button" onClick={() => void refresh()}>
              Try again
            </button>
          </Alert>
        </div>
      );
    case 'signed-in':
      return children;
  }
}
