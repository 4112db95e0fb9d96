import { type ReactNode, useEffect } from 'react';

import { FerryMark } from './FerryMark.tsx';

interface AuthLayoutProps {
  title: string;
  subtitle: string;
  children: ReactNode;
}

/** The frame of the pages seen before signing in: the brand, one card, and a footer line. */
export function AuthLayout({ title, subtitle, children }: AuthLayoutProps) {
  useEffect(() => {
    document.title = `${title} · Ferry`;
  }, [title]);
  return (
    <div className="auth-page">
      <header className="auth-brand">
        <FerryMark size={36} />
        <span>Ferry</span>
      </header>
      <main className="auth-card" aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        <p className="auth-subtitle">{subtitle}</p>
        {children}
      </main>
      <footer className="auth-footer">Zimbra to Microsoft 365 mailbox migration · self-hosted</footer>
    </div>
  );
}
