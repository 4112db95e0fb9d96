import { type FormEvent, useState } from 'react';

import { api, type ApiError, type ResponseOf } from '../../api/client.ts';
import { fieldErrors } from '../../api/field-errors.ts';
import { Alert } from '../../components/Alert.tsx';
import { FormField } from '../../components/FormField.tsx';
import { Modal } from '../../components/Modal.tsx';
import { asApiError } from '../../session/SessionProvider.tsx';

type Saved = ResponseOf<'/api/customers', 'post'>;

const OPTIONAL = [
  ['country', 'Country'],
  ['industry', 'Industry'],
  ['address', 'Address'],
  ['phone', 'Phone'],
  ['website', 'Website'],
] as const;

type Form = Record<'companyName' | 'primaryDomain' | (typeof OPTIONAL)[number][0], string>;

/** The Add Customer form: Company Name and Primary Email Domain are required, the rest optional. */
export function AddCustomerDialog({
  onClose,
  onSaved,
}: {
  onClose: () => void;
  onSaved: (customer: Saved) => void;
}) {
  const [form, setForm] = useState<Form>({
    companyName: '',
    primaryDomain: '',
    country: '',
    industry: '',
    address: '',
    phone: '',
    website: '',
  });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError>();
  const errors = fieldErrors(error);
  const update = (name: keyof Form) => (event: { target: { value: string } }) =>
    setForm((previous) => ({ ...previous, [name]: event.target.value }));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      const body = Object.fromEntries(
        Object.entries(form)
          .map(([name, value]) => [name, value.trim()] as const)
          .filter(([, value]) => value !== ''),
      ) as Form;
      onSaved(await api.post('/api/customers', { body }));
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title="Add Customer"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="add-customer" className="button button-primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <form id="add-customer" className="form" onSubmit={(event) => void save(event)} noValidate>
        {error !== undefined && Object.keys(errors).length === 0 && (
          <Alert tone="error" title="The customer was not saved">
            <p>{error.message}</p>
          </Alert>
        )}
        <FormField
          label="Company Name"
          name="companyName"
          required
          maxLength={200}
          value={form.companyName}
          error={errors.companyName}
          onChange={update('companyName')}
        />
        <FormField
          label="Primary Email Domain"
          name="primaryDomain"
          required
          placeholder="example.com"
          hint="The domain of the customer’s email addresses today."
          value={form.primaryDomain}
          error={errors.primaryDomain}
          onChange={update('primaryDomain')}
        />
        <div className="form-grid">
          {OPTIONAL.map(([name, label]) => (
            <FormField
              key={name}
              label={label}
              name={name}
              value={form[name]}
              error={errors[name]}
              onChange={update(name)}
            />
          ))}
        </div>
      </form>
    </Modal>
  );
}
