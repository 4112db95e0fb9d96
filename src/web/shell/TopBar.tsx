import { Link, NavLink } from 'react-router';

import { FerryMark } from '../components/FerryMark.tsx';
import { Icon } from '../components/Icon.tsx';
import { useAgent } from '../session/session-context.ts';
import { AddMenu } from './AddMenu.tsx';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return `${parts[0]?.[0] ?? ''}${parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : ''}`.toUpperCase();
}

export function TopBar() {
  const agent = useAgent();
  return (
    <header className="topbar">
      <Link to="/customers" className="brand" aria-label="Ferry home">
        <FerryMark />
        <span className="brand-name">Ferry</span>
      </Link>
      <nav className="topbar-nav" aria-label="Top navigation">
        <ul>
          <li>
            <NavLink to="/purchase" className="topbar-link">
              <Icon name="cart" />
              Purchase
            </NavLink>
          </li>
          <li>
            <AddMenu />
          </li>
        </ul>
      </nav>
      <div className="topbar-end">
        <Link to="/projects" className="button button-accent">
          Go to My Projects
          <Icon name="arrow-right" />
        </Link>
        <Link to="/account" className="topbar-agent" title="Account">
          <span className="avatar" aria-hidden="true">
            {initials(agent.name)}
          </span>
          <span className="topbar-agent-name">{agent.name}</span>
        </Link>
      </div>
    </header>
  );
}
