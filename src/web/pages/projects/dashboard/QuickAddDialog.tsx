import { type FormEvent, useState } from 'react';

import { api, type ApiError } from '../../../api/client.ts';
import { fieldErrors } from '../../../api/field-errors.ts';
import { Alert } from '../../../components/Alert.tsx';
import { FormField } from '../../../components/FormField.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { asApiError } from '../../../session/SessionProvider.tsx';

interface QuickAddDialogProps {
  projectId: string;
  /** Regular-user mode: each mailbox carries its own Zimbra password. */
  needsPassword: boolean;
  onClose: () => void;
  onAdded: (source: string) => void;
}

/** Adds one mailbox: the user's Zimbra username (never the admin account) and the Microsoft 365 UPN. */
export function QuickAddDialog({ projectId, needsPassword, onClose, onAdded }: QuickAddDialogProps) {
  const [source, setSource] = useState('');
  const [destination, setDestination] = useState('');
  const [password, setPassword] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError>();
  const errors = fieldErrors(error);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      await api.post('/api/projects/{id}/mailboxes', {
        params: { id: projectId },
        body: {
          source: source.trim(),
          destination: destination.trim(),
          ...(needsPassword ? { sourcePassword: password } : {}),
        },
      });
      onAdded(source.trim());
    } catch (caught) {
      setError(asApiError(caught));
      setSaving(false);
    }
  };

  return (
    <Modal
      title="Quick Add"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="quick-add" className="button button-primary" disabled={saving}>
            {saving ? 'Adding…' : 'Save'}
          </button>
        </>
      }
    >
      <form id="quick-add" className="form" onSubmit={(event) => void save(event)}>
        {error !== undefined && Object.keys(errors).length === 0 && (
          <Alert tone="error" title="The mailbox was not added">
            <p>{error.message}</p>
          </Alert>
        )}
        <FormField
          label="Source email"
          type="email"
          required
          hint="The user’s own Zimbra address, not the Zimbra administrator account."
          value={source}
          error={errors.source}
          onChange={(event) => setSource(event.target.value)}
        />
        <FormField
          label="Destination email"
          type="email"
          required
          hint="The user principal name in Microsoft 365."
          value={destination}
          error={errors.destination}
          onChange={(event) => setDestination(event.target.value)}
        />
        {needsPassword && (
          <FormField
            label="Source password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            error={errors.sourcePassword}
            onChange={(event) => setPassword(event.target.value)}
          />
        )}
      </form>
    </Modal>
  );
}
