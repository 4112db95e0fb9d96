import { useEffect, useId, useState } from 'react';

import { Icon } from './Icon.tsx';

const DEBOUNCE_MS = 250;

/** A search field that reports its text once the typing pauses, so each keystroke is not a request. */
export function SearchBox({
  label,
  onSearch,
  initial = '',
}: {
  label: string;
  onSearch: (text: string) => void;
  initial?: string;
}) {
  const id = useId();
  const [text, setText] = useState(initial);
  useEffect(() => {
    const timer = setTimeout(() => onSearch(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, onSearch]);
  return (
    <div className="search-box">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <Icon name="search" />
      <input
        id={id}
        type="search"
        placeholder={label}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
    </div>
  );
}
