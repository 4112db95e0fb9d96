import { useEffect, useId, useRef, useState } from 'react';

import { Icon } from '../../components/Icon.tsx';

interface NewTokenNoticeProps {
  name: string;
  value: string;
  onDismiss: () => void;
}

/** The value of a token just created: the only time Ferry shows it. */
export function NewTokenNotice({ name, value, onDismiss }: NewTokenNoticeProps) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'manual'>('idle');
  const field = useRef<HTMLInputElement>(null);
  const titleId = useId();

  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [value]);

  const copyValue = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopy('copied');
    } catch {
      // The clipboard API needs a secure context (https or localhost); let the agent copy by hand.
      field.current?.select();
      setCopy('manual');
    }
  };

  return (
    <section className="token-notice" aria-labelledby={titleId}>
      <h3 id={titleId}>Copy your new token “{name}” now</h3>
      <p>Ferry stores only a hash of it: once you leave this page, nobody can see it again.</p>
      <div className="token-value">
        <label className="visually-hidden" htmlFor={`${titleId}-value`}>
          Token value
        </label>
        <input id={`${titleId}-value`} ref={field} readOnly value={value} spellCheck={false} />
        <button type="button" className="button" onClick={() => void copyValue()}>
          <Icon name={copy === 'copied' ? 'check' : 'copy'} />
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="token-copy-status" role="status">
        {copy === 'copied' && 'The token is on your clipboard.'}
        {copy === 'manual' && 'The token is selected: press Ctrl+C (⌘C on a Mac) to copy it.'}
      </p>
      <button type="button" className="button button-quiet" onClick={onDismiss}>
        I have copied it
      </button>
    </section>
  );
}
