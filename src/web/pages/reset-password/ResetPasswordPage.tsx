import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';

import { api, type ApiError } from '../../api/client.ts';
import { fieldErrors } from '../../api/field-errors.ts';
import { Alert } from '../../components/Alert.tsx';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { FormField } from '../../components/FormField.tsx';
import { LoadingState } from '../../components/LoadingState.tsx';
import { useLoad } from '../../hooks/use-load.ts';
import { asApiError } from '../../session/SessionProvider.tsx';
import { useSession } from '../../session/session-context.ts';
import { PASSWORD_HINT, MIN_PASSWORD_LENGTH } from '../account/password-rules.ts';

/** The page a password reset email links to: choose a new password, which ends every other session and token. */
export function ResetPasswordPage() {
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';
  const navigate = useNavigate();
  const { refresh } = useSession();
  const [reset] = useLoad(() => api.post('/api/password-resets/lookup', { body: { token } }), [token]);
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [submitting, setSubmitting] = useState(false);
  const errors = fieldErrors(error);

  if (reset.status === 'loading') return <LoadingState label="Opening your reset link…" fullPage />;
  if (reset.status === 'error') {
    return (
      <AuthLayout title="Choose a new password" subtitle="This reset link cannot be used.">
        <Alert tone="error" title="The reset link is not valid">
          <p>{reset.error.message}</p>
        </Alert>
      </AuthLayout>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (password !== confirmation) {
      setProblem('The two passwords differ; type the same password twice.');
      return;
    }
    setSubmitting(true);
    setProblem(undefined);
    try {
      await api.post('/api/password-resets/complete', { body: { token, password } });
      await refresh();
      await navigate('/customers', { replace: true });
    } catch (caught) {
      const apiError = asApiError(caught);
      setError(apiError);
      if (fieldErrors(apiError).password === undefined) setProblem(apiError.message);
      setSubmitting(false);
    }
  };

  return (
    <AuthLayout title="Choose a new password" subtitle={`For ${reset.data.email}.`}>
      {problem !== undefined && (
        <Alert tone="error" title="The password was not changed">
          <p>{problem}</p>
        </Alert>
      )}
      <form className="form" onSubmit={(event) => void submit(event)}>
        <FormField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          required
          minLength={MIN_PASSWORD_LENGTH}
          autoFocus
          value={password}
          error={errors.password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <FormField
          label="Confirm password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={confirmation}
          onChange={(event) => setConfirmation(event.target.value)}
        />
        <p className="muted">Every other session and API token of your account ends when you save.</p>
        <button type="submit" className="button button-primary button-block" disabled={submitting}>
          {submitting ? 'Saving…' : 'Save the new password'}
        </button>
      </form>
    </AuthLayout>
  );
}
