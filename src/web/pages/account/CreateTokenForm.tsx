import { type FormEvent, useState } from 'react';

import { Alert } from '../../components/Alert.tsx';
import { FormField, SelectField } from '../../components/FormField.tsx';
import { asApiError } from '../../session/SessionProvider.tsx';

export type TokenExpiry = { expiresInDays: number } | { expiresAt: string };

const LIFETIMES = [7, 30, 90, 180, 365] as const;
const DEFAULT_LIFETIME = '90';

/** The last day a token can be made to expire on, as YYYY-MM-DD. */
function isoDay(daysAhead: number): string {
  return new Date(Date.now() + daysAhead * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

export function CreateTokenForm({
  onCreate,
}: {
  onCreate: (name: string, expiry: TokenExpiry) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [lifetime, setLifetime] = useState<string>(DEFAULT_LIFETIME);
  const [date, setDate] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      // A chosen date means the end of that day in the agent's own time zone.
      const expiry: TokenExpiry =
        lifetime === 'date'
          ? { expiresAt: new Date(`${date}T23:59:59`).toISOString() }
          : { expiresInDays: Number(lifetime) };
      await onCreate(name.trim(), expiry);
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
        <SelectField
          label="Expires"
          value={lifetime}
          onChange={(event) => setLifetime(event.target.value)}
          options={[
            ...LIFETIMES.map((days) => ({ value: String(days), label: `In ${days} days` })),
            { value: 'date', label: 'On a date…' },
          ]}
        />
        {lifetime === 'date' && (
          <FormField
            label="Expiry date"
            type="date"
            required
            min={isoDay(1)}
            max={isoDay(364)}
            value={date}
            onChange={(event) => setDate(event.target.value)}
          />
        )}
        <button type="submit" className="button button-primary" disabled={submitting}>
          {submitting ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}
