import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';

interface Toast {
  readonly id: number;
  readonly tone: 'success' | 'error' | 'info';
  readonly text: string;
}

type Notify = (tone: Toast['tone'], text: string) => void;

const ToastContext = createContext<Notify | undefined>(undefined);

const VISIBLE_MS = 7000;
/** Older toasts give way, so the stack stays clear of the page's action bar. */
const MAX_SHOWN = 3;

/** Short confirmations ("Customer saved") in a live region, dismissed after a few seconds or by hand. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const notify = useCallback<Notify>(
    (tone, text) => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-(MAX_SHOWN - 1)), { id, tone, text }]);
      setTimeout(() => dismiss(id), VISIBLE_MS);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);

  return (
    <ToastContext value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.tone}`}>
            <span>{toast.text}</span>
            <button
              type="button"
              className="toast-close"
              aria-label="Dismiss"
              onClick={() => dismiss(toast.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext>
  );
}

export function useToast(): Notify {
  const notify = useContext(ToastContext);
  if (notify === undefined) throw new Error('useToast is used outside <ToastProvider>');
  return notify;
}
