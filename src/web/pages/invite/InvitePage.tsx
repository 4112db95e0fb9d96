import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';

import { api } from '../../api/client.ts';
import { Alert } from '../../components/Alert.tsx';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { FormField } from '../../components/FormField.tsx';
import { LoadingState } from '../../components/LoadingState.tsx';
import { useLoad } from '../../hooks/use-load.ts';
import { asApiError } from '../../session/SessionProvider.tsx';
import { useSession } from '../../session/session-context.ts';
import { MIN_PASSWORD_LENGTH, PASSWORD_HINT } from '../account/password-rules.ts';

const ROLE_LABELS = { administrator: 'Administrator', manager: 'Manager', agent: 'Agent' } as const;

/** The page an invitation email links to: choose a name and password, then join the workgroup. */
export function InvitePage() {
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';
  const navigate = useNavigate();
  const { refresh } = useSession();
  const [invitation] = useLoad(() => api.post('/api/invitations/lookup', { body: { token } }), [token]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problem, setProblem] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  if (invitation.status === 'loading') return <LoadingState label="Opening your invitation…" fullPage />;
  if (invitation.status === 'error') {
    return (
      <AuthLayout title="Join a workgroup" subtitle="This invitation link cannot be used.">
        <Alert tone="error" title="The invitation is not valid">
          <p>{invitation.error.message}</p>
          <p>Ask the person who invited you for a new invitation.</p>
        </Alert>
      </AuthLayout>
    );
  }

  const accept = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirmation) {
      setProblem('The two passwords differ; type the same password twice.');
      return;
    }
    setSubmitting(true);
    setProblem(undefined);
    try {
      await api.post('/api/invitations/accept', { body: { token, name: name.trim(), password } });
      await refresh();
      await navigate('/customers', { replace: true });
    } catch (caught) {
      setProblem(asApiError(caught).message);
      setSubmitting(false);
    }
  };

  const { email, role, workgroupName } = invitation.data;
  return (
    <AuthLayout
      title={`Join ${workgroupName}`}
      subtitle={`You are invited as ${ROLE_LABELS[role]} with ${email}.`}
    >
      {problem !== undefined && (
        <Alert tone="error" title="You could not join yet">
          <p>{problem}</p>
        </Alert>
      )}
      <form className="form" onSubmit={(event) => void accept(event)}>
        <FormField
          label="Your name"
          autoComplete="name"
          required
          maxLength={200}
          autoFocus
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <FormField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={password}
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
        <button type="submit" className="button button-primary button-block" disabled={submitting}>
          {submitting ? 'Joining…' : 'Join the workgroup'}
        </button>
      </form>
    </AuthLayout>
  );
}
