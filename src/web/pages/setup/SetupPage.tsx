import { type FormEvent, useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';

import { api, type ApiError } from '../../api/client.ts';
import { Alert } from '../../components/Alert.tsx';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { FormField } from '../../components/FormField.tsx';
import { LoadingState } from '../../components/LoadingState.tsx';
import { asApiError } from '../../session/SessionProvider.tsx';
import { useSession } from '../../session/session-context.ts';
import { MIN_PASSWORD_LENGTH, PASSWORD_HINT } from '../account/password-rules.ts';

type Check =
  { status: 'loading' } | { status: 'needed' } | { status: 'done' } | { status: 'error'; error: ApiError };

export function SetupPage() {
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [check, setCheck] = useState<Check>({ status: 'loading' });
  const [form, setForm] = useState({
    workgroupName: '',
    name: '',
    email: '',
    password: '',
    confirmation: '',
  });
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    let current = true;
    api.get('/api/setup').then(
      ({ needed }) => current && setCheck({ status: needed ? 'needed' : 'done' }),
      (error: unknown) => current && setCheck({ status: 'error', error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, []);

  if (check.status === 'loading') return <LoadingState label="Checking Ferry's setup…" fullPage />;
  if (check.status === 'done') return <Navigate to="/login" replace />;

  const update = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((previous) => ({ ...previous, [field]: event.target.value }));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (form.password !== form.confirmation) {
      setProblem('The two passwords differ; type the same password twice.');
      return;
    }
    setSubmitting(true);
    setProblem(undefined);
    try {
      const { confirmation: _confirmation, ...administrator } = form;
      await api.post('/api/setup', { body: { ...administrator, token } });
      await refresh();
      await navigate('/customers', { replace: true });
    } catch (caught) {
      setProblem(asApiError(caught).message);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthLayout
      title="Set up Ferry"
      subtitle="Create your workgroup and its first Administrator. You will use this account to add customers, endpoints and projects."
    >
      {check.status === 'error' && (
        <Alert tone="error" title="Ferry could not be reached">
          <p>{check.error.message}</p>
        </Alert>
      )}
      {token === '' && (
        <Alert tone="warning" title="This page needs the setup link">
          <p>
            Open the complete link that <code>ferry start</code> printed; it ends in <code>?token=…</code>.
          </p>
        </Alert>
      )}
      {problem !== undefined && (
        <Alert tone="error" title="Setup failed">
          <p>{problem}</p>
        </Alert>
      )}
      <form className="form" onSubmit={(event) => void submit(event)}>
        <FormField
          label="Workgroup name"
          name="workgroupName"
          hint="Usually your company's name; agents you invite later join this workgroup."
          required
          maxLength={200}
          autoFocus
          value={form.workgroupName}
          onChange={update('workgroupName')}
        />
        <FormField
          label="Your name"
          name="name"
          autoComplete="name"
          required
          maxLength={200}
          value={form.name}
          onChange={update('name')}
        />
        <FormField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          maxLength={320}
          value={form.email}
          onChange={update('email')}
        />
        <FormField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={form.password}
          onChange={update('password')}
        />
        <FormField
          label="Confirm password"
          type="password"
          name="confirmation"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={form.confirmation}
          onChange={update('confirmation')}
        />
        <button
          type="submit"
          className="button button-primary button-block"
          disabled={submitting || token === ''}
        >
          {submitting ? 'Creating…' : 'Create Administrator'}
        </button>
      </form>
    </AuthLayout>
  );
}
