import type { FormEvent } from 'react';

import { FormField } from '../../components/FormField.tsx';

export interface BillingAddress {
  company: string;
  street: string;
  city: string;
  postalCode: string;
  country: string;
}

export const EMPTY_ADDRESS: BillingAddress = {
  company: '',
  street: '',
  city: '',
  postalCode: '',
  country: '',
};

interface BillingAddressStepProps {
  address: BillingAddress;
  onChange: (address: BillingAddress) => void;
  onBack: () => void;
  onNext: () => void;
}

/** The optional billing address, printed on the order confirmation. */
export function BillingAddressStep({ address, onChange, onBack, onNext }: BillingAddressStepProps) {
  const field = (name: keyof BillingAddress) => ({
    value: address[name],
    onChange: (event: { target: { value: string } }) => onChange({ ...address, [name]: event.target.value }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onNext();
  };
  return (
    <form className="panel form" aria-labelledby="billing-title" onSubmit={submit}>
      <h2 id="billing-title">Billing address</h2>
      <p className="panel-intro">Optional: fill it in if your accounts department needs it on the order.</p>
      <div className="form-grid">
        <FormField label="Company" autoComplete="organization" {...field('company')} />
        <FormField label="Street address" autoComplete="street-address" {...field('street')} />
        <FormField label="City" autoComplete="address-level2" {...field('city')} />
        <FormField label="Postal code" autoComplete="postal-code" {...field('postalCode')} />
        <FormField label="Country" autoComplete="country-name" {...field('country')} />
      </div>
      <div className="form-actions">
        <button type="button" className="button button-quiet" onClick={onBack}>
          Back
        </button>
        <button type="submit" className="button button-primary">
          Next
        </button>
      </div>
    </form>
  );
}
