import { useId, useState } from 'react';

interface SecretFieldProps {
  label: string;
  /** Whether Ferry already holds a value; it is never sent back, so the field starts empty. */
  isSet: boolean;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  name?: string;
}

/**
 * A write-only credential: typed masked, and once stored only "Set" is shown, with a button to
 * type a replacement. An empty value means "keep what is stored".
 */
export function SecretField({
  label,
  isSet,
  value,
  onChange,
  hint,
  error,
  required = false,
  name,
}: SecretFieldProps) {
  const id = useId();
  const [replacing, setReplacing] = useState(!isSet);
  const ids = [hint === undefined ? '' : `${id}-hint`, error === undefined ? '' : `${id}-error`].filter(
    Boolean,
  );
  return (
    <div className={error === undefined ? 'field' : 'field field-invalid'}>
      <label htmlFor={id}>{label}</label>
      {replacing ? (
        <div className="secret-row">
          <input
            id={id}
            name={name}
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            required={required && !isSet}
            value={value}
            aria-invalid={error !== undefined}
            {...(ids.length === 0 ? {} : { 'aria-describedby': ids.join(' ') })}
            onChange={(event) => onChange(event.target.value)}
          />
          {isSet && (
            <button
              type="button"
              className="button button-quiet button-small"
              onClick={() => {
                onChange('');
                setReplacing(false);
              }}
            >
              Keep the stored value
            </button>
          )}
        </div>
      ) : (
        <div className="secret-row">
          <output id={id} className="secret-set">
            <span aria-hidden="true">••••••••</span> Set
          </output>
          <button type="button" className="button button-small" onClick={() => setReplacing(true)}>
            Replace {label}
          </button>
        </div>
      )}
      {hint !== undefined && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
