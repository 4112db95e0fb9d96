import { useMemo, useState } from 'react';
import { Outlet } from 'react-router';

import type { MenuItem } from '../components/MenuButton.tsx';
import { AddActionsContext } from './add-actions.ts';
import { SideNav } from './SideNav.tsx';
import { TopBar } from './TopBar.tsx';

/** The signed-in frame: top navigation bar, left navigation pane, and the page. */
export function AppShell() {
  const [items, setItems] = useState<readonly MenuItem[]>([]);
  const addActions = useMemo(() => ({ items, setItems }), [items]);
  return (
    <AddActionsContext value={addActions}>
      <div className="shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <TopBar />
        <div className="shell-body">
          <SideNav />
          <main id="main" className="shell-main" tabIndex={-1}>
            <Outlet />
          </main>
        </div>
      </div>
    </AddActionsContext>
  );
}
