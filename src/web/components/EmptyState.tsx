import type { ReactNode } from 'react';

import { Icon, type IconName } from './Icon.tsx';

interface EmptyStateProps {
  icon: IconName;
  title: string;
  children: ReactNode;
}

/** What a list will show once it has entries, for lists that have none yet. */
export function EmptyState({ icon, title, children }: EmptyStateProps) {
  return (
    <section className="empty-state" aria-labelledby="empty-state-title">
      <span className="empty-state-icon" aria-hidden="true">
        <Icon name={icon} size={28} />
      </span>
      <h2 id="empty-state-title">{title}</h2>
      <div className="empty-state-body">{children}</div>
    </section>
  );
}
