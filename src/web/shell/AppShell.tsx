import { Outlet } from 'react-router';

import { SideNav } from './SideNav.tsx';
import { TopBar } from './TopBar.tsx';

/** The signed-in frame: top navigation bar, left navigation pane, and the page. */
export function AppShell() {
  return (
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
  );
}
