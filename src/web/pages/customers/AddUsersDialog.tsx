import { type FormEvent, useState } from 'react';

import { api, type ApiError } from '../../api/client.ts';
import { fieldErrors } from '../../api/field-errors.ts';
import { Alert } from '../../components/Alert.tsx';
import { FormField, TextAreaField } from '../../components/FormField.tsx';
import { Modal } from '../../components/Modal.tsx';
import { Tabs } from '../../components/Tabs.tsx';
import { asApiError } from '../../session/SessionProvider.tsx';
import { LineProblems } from '../../components/LineProblems.tsx';

interface AddUsersDialogProps {
  customerId: string;
  companyName: string;
  onClose: () => void;
  onAdded: (count: number) => void;
}

const MODES = [
  { id: 'single', label: 'One user' },
  { id: 'bulk', label: 'Bulk Add' },
] as const;

/** Adds customer users one at a time, or many from `email,firstName,lastName` lines (all or nothing). */
export function AddUsersDialog({ customerId, companyName, onClose, onAdded }: AddUsersDialogProps) {
  const [mode, setMode] = useState<string>('single');
  const [user, setUser] = useState({ email: '', firstName: '', lastName: '' });
  const [csv, setCsv] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError>();
  const errors = fieldErrors(error);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      if (mode === 'single') {
        await api.post('/api/customers/{id}/users', {
          params: { id: customerId },
          body: {
            email: user.email.trim(),
            ...(user.firstName.trim() === '' ? {} : { firstName: user.firstName.trim() }),
            ...(user.lastName.trim() === '' ? {} : { lastName: user.lastName.trim() }),
          },
        });
        onAdded(1);
      } else {
        const result = await api.post('/api/customers/{id}/users/bulk', {
          params: { id: customerId },
          body: { csv },
        });
        onAdded(result.added.length);
      }
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={`Add users to ${companyName}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="add-users" className="button button-primary" disabled={saving}>
            {saving ? 'Adding…' : 'Add'}
          </button>
        </>
      }
    >
      <Tabs label="How to add" tabs={MODES} selected={mode} onSelect={setMode}>
        <form id="add-users" className="form" onSubmit={(event) => void save(event)}>
          {error !== undefined && Object.keys(errors).length === 0 && (
            <Alert tone="error" title="No user was added">
              <p>{error.message}</p>
              <LineProblems details={error.details} />
            </Alert>
          )}
          {mode === 'single' ? (
            <>
              <FormField
                label="Email"
                type="email"
                required
                value={user.email}
                error={errors.email}
                onChange={(event) => setUser({ ...user, email: event.target.value })}
              />
              <div className="form-grid">
                <FormField
                  label="First name"
                  value={user.firstName}
                  onChange={(event) => setUser({ ...user, firstName: event.target.value })}
                />
                <FormField
                  label="Last name"
                  value={user.lastName}
                  onChange={(event) => setUser({ ...user, lastName: event.target.value })}
                />
              </div>
            </>
          ) : (
            <TextAreaField
              label="Users, one per line"
              hint="email,firstName,lastName — names are optional. If any line is wrong, nothing is added and every wrong line is listed."
              required
              rows={8}
              value={csv}
              error={errors.csv}
              onChange={(event) => setCsv(event.target.value)}
            />
          )}
        </form>
      </Tabs>
    </Modal>
  );
}
