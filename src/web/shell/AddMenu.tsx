import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';

import { Icon } from '../components/Icon.tsx';

const ITEMS = [
  { label: 'Add Customer', to: '/customers' },
  { label: 'Add Project', to: '/projects' },
] as const;

/** The "Add" menu button of the top navigation bar (WAI-ARIA menu button pattern). */
export function AddMenu() {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const menuId = useId();
  const container = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const [focusIndex, setFocusIndex] = useState(0);

  useEffect(() => {
    if (!open) return;
    items.current[focusIndex]?.focus();
  }, [open, focusIndex]);

  useEffect(() => {
    if (!open) return;
    const closeOnOutsideClick = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOnOutsideClick);
    return () => document.removeEventListener('pointerdown', closeOnOutsideClick);
  }, [open]);

  const openAt = (index: number) => {
    setFocusIndex(index);
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const choose = (to: string) => {
    setOpen(false);
    void navigate(to);
  };

  const onButtonKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      openAt(event.key === 'ArrowDown' ? 0 : ITEMS.length - 1);
    }
  };
  const onMenuKeyDown = (event: KeyboardEvent) => {
    const last = ITEMS.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: focusIndex === last ? 0 : focusIndex + 1,
      ArrowUp: focusIndex === 0 ? last : focusIndex - 1,
      Home: 0,
      End: last,
    };
    const next = moves[event.key];
    if (next !== undefined) {
      event.preventDefault();
      setFocusIndex(next);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="menu" ref={container}>
      <button
        ref={button}
        type="button"
        className="topbar-link"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => (open ? setOpen(false) : openAt(0))}
        onKeyDown={onButtonKeyDown}
      >
        <Icon name="plus" />
        Add
        <Icon name="chevron-down" size={14} />
      </button>
      <ul
        id={menuId}
        className="menu-list"
        role="menu"
        aria-label="Add"
        hidden={!open}
        onKeyDown={onMenuKeyDown}
      >
        {ITEMS.map((item, index) => (
          <li key={item.to} role="none">
            <button
              ref={(element) => {
                items.current[index] = element;
              }}
              type="button"
              role="menuitem"
              tabIndex={index === focusIndex ? 0 : -1}
              onClick={() => choose(item.to)}
            >
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
