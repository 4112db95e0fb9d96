import { type FormEvent, useState } from 'react';

import { api, type ApiError } from '../../api/client.ts';
import { fieldErrors } from '../../api/field-errors.ts';
import { Alert } from '../../components/Alert.tsx';
import { FormField } from '../../components/FormField.tsx';
import { useToast } from '../../components/Toast.tsx';
import { asApiError } from '../../session/SessionProvider.tsx';
import { MIN_PASSWORD_LENGTH, PASSWORD_HINT } from './password-rules.ts';

/** Change your own password: this session stays, every other session and API token ends. */
export function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const notify = useToast();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const errors = fieldErrors(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setMismatch(newPassword !== confirmation);
    if (newPassword !== confirmation) return;
    setSaving(true);
    try {
      const ended = await api.post('/api/auth/password', { body: { currentPassword, newPassword } });
      notify(
        'success',
        `Password changed. ${ended.sessionsEnded} other session(s) ended, ${ended.tokensRevoked} API token(s) revoked.`,
      );
      setCurrentPassword('');
      setNewPassword('');
      setConfirmation('');
      onChanged();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <p className="panel-intro">
        Changing your password signs you out everywhere else and revokes your personal API tokens; this
        session stays.
      </p>
      {error !== undefined && Object.keys(errors).length === 0 && (
        <Alert tone="error" title="The password was not changed">
          <p>{error.message}</p>
        </Alert>
      )}
      <form className="form" aria-label="Change your password" onSubmit={(event) => void submit(event)}>
        <FormField
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          error={errors.currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
        />
        <FormField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={newPassword}
          error={errors.newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
        />
        <FormField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={confirmation}
          error={mismatch ? 'The two new passwords differ.' : undefined}
          onChange={(event) => setConfirmation(event.target.value)}
        />
        <div>
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}
