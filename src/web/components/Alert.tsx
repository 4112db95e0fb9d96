import type { ReactNode } from 'react';

interface AlertProps {
  tone: 'error' | 'warning' | 'success' | 'info';
  title?: string;
  children: ReactNode;
}

/** A message box; errors and warnings are announced to screen readers as they appear. */
export function Alert({ tone, title, children }: AlertProps) {
  const urgent = tone === 'error' || tone === 'warning';
  return (
    <div className={`alert alert-${tone}`} role={urgent ? 'alert' : 'status'}>
      {title !== undefined && <p className="alert-title">{title}</p>}
      <div className="alert-body">{children}</div>
    </div>
  );
}
