import { type FormEvent, useState } from 'react';

import { Alert } from '../../components/Alert.tsx';
import { FormField } from '../../components/FormField.tsx';
import { asApiError } from '../../session/SessionProvider.tsx';

export function CreateTokenForm({ onCreate }: { onCreate: (name: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      await onCreate(name.trim());
      setName('');
    } catch (caught) {
      setError(asApiError(caught).message);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} aria-label="Create an API token">
      {error !== undefined && (
        <Alert tone="error" title="The token could not be created">
          <p>{error}</p>
        </Alert>
      )}
      <div className="inline-form-row">
        <FormField
          label="Token name"
          name="tokenName"
          hint="What the token is for, such as “CLI on my laptop”."
          required
          maxLength={100}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={submitting}>
          {submitting ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}
