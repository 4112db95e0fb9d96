import { type FormEvent, useEffect, useState } from 'react';
import { Navigate, useLocation } from 'react-router';

import { api, type ApiError } from '../../api/client.ts';
import { Alert } from '../../components/Alert.tsx';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { FormField } from '../../components/FormField.tsx';
import { LoadingState } from '../../components/LoadingState.tsx';
import { asApiError } from '../../session/SessionProvider.tsx';
import { useSession } from '../../session/session-context.ts';

/** Where to go after signing in: the page the agent wanted, when it is one of Ferry's own. */
function wantedPath(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state && typeof state.from === 'string') {
    if (state.from.startsWith('/') && !state.from.startsWith('//') && !state.from.startsWith('/login')) {
      return state.from;
    }
  }
  return '/customers';
}

export function LoginPage() {
  const { state, refresh } = useSession();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [setupNeeded, setSetupNeeded] = useState(false);

  useEffect(() => {
    let current = true;
    api.get('/api/setup').then(
      ({ needed }) => current && setSetupNeeded(needed),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, []);

  if (state.status === 'loading') return <LoadingState label="Opening Ferry…" fullPage />;
  if (state.status === 'signed-in') return <Navigate to={wantedPath(location.state)} replace />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      await api.post('/api/auth/login', { body: { email, password } });
      // Once the session is known, this page redirects to where the agent was going.
      await refresh();
    } catch (caught) {
      setError(asApiError(caught));
      setPassword('');
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthLayout title="Sign in" subtitle="Sign in to your Ferry workgroup.">
      {setupNeeded && (
        <Alert tone="info" title="Ferry is not set up yet">
          <p>
            Open the one-time setup link that <code>ferry start</code> printed to create the first
            Administrator, or run <code>ferry admin create</code>.
          </p>
        </Alert>
      )}
      {error !== undefined && (
        <Alert
          tone="error"
          title={error.code === 'SIGN_IN_LOCKED' ? 'This account is locked for now' : 'Sign-in failed'}
        >
          <p>{error.message}</p>
        </Alert>
      )}
      <form className="form" onSubmit={(event) => void submit(event)}>
        <FormField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <FormField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" className="button button-primary button-block" disabled={submitting}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
