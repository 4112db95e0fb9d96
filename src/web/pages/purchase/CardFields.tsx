import { FormField } from '../../components/FormField.tsx';

export interface CardInput {
  number: string;
  expiryMonth: string;
  expiryYear: string;
  cvc: string;
  holderName: string;
}

export const EMPTY_CARD: CardInput = { number: '', expiryMonth: '', expiryYear: '', cvc: '', holderName: '' };

/** Card details; sent once with the order and never stored (only the last four digits are kept). */
export function CardFields({ card, onChange }: { card: CardInput; onChange: (card: CardInput) => void }) {
  const field = (name: keyof CardInput) => ({
    value: card[name],
    onChange: (event: { target: { value: string } }) => onChange({ ...card, [name]: event.target.value }),
  });
  return (
    <fieldset className="card-fields">
      <legend>Card</legend>
      <div className="form-grid">
        <FormField
          label="Card number"
          autoComplete="cc-number"
          inputMode="numeric"
          required
          hint="The built-in test provider takes test cards such as 4242 4242 4242 4242."
          {...field('number')}
        />
        <FormField label="Name on card" autoComplete="cc-name" {...field('holderName')} />
        <FormField
          label="Expiry month"
          type="number"
          min={1}
          max={12}
          autoComplete="cc-exp-month"
          required
          {...field('expiryMonth')}
        />
        <FormField
          label="Expiry year"
          type="number"
          min={2000}
          max={2100}
          autoComplete="cc-exp-year"
          required
          {...field('expiryYear')}
        />
        <FormField label="CVC" autoComplete="cc-csc" inputMode="numeric" required {...field('cvc')} />
      </div>
    </fieldset>
  );
}
