import { useState } from 'react';
import { NavLink } from 'react-router';

import { Icon, type IconName } from '../components/Icon.tsx';
import { asApiError } from '../session/SessionProvider.tsx';
import { useMe, useSession } from '../session/session-context.ts';

const SECTIONS: readonly { to: string; label: string; icon: IconName }[] = [
  { to: '/customers', label: 'All Customers', icon: 'customers' },
  { to: '/projects', label: 'Projects', icon: 'projects' },
  { to: '/endpoints', label: 'Endpoints', icon: 'endpoints' },
  { to: '/licenses', label: 'Licenses', icon: 'licenses' },
  { to: '/agents', label: 'Agents', icon: 'agents' },
  { to: '/audit', label: 'Audit Log', icon: 'audit' },
];

const ROLE_LABELS = {
  administrator: 'Administrator',
  manager: 'Manager',
  agent: 'Agent',
  inactive: 'Inactive',
};

/** The left navigation pane: the workgroup and its sections, then the agent's own account. */
export function SideNav() {
  const { agent, workgroup } = useMe();
  const { signOut } = useSession();
  const [signOutError, setSignOutError] = useState<string>();

  const onSignOut = () => {
    setSignOutError(undefined);
    signOut().catch((error: unknown) => setSignOutError(asApiError(error).message));
  };

  return (
    <nav className="sidenav" aria-label="Workgroup">
      <div className="workgroup">
        <span className="workgroup-label">Workgroup</span>
        <span className="workgroup-name">{workgroup.name}</span>
      </div>
      <ul className="sidenav-list">
        {SECTIONS.map((section) => (
          <li key={section.to}>
            <NavLink to={section.to} className="sidenav-link">
              <Icon name={section.icon} />
              {section.label}
            </NavLink>
          </li>
        ))}
      </ul>
      <div className="sidenav-footer">
        <ul className="sidenav-list">
          <li>
            <NavLink to="/account" className="sidenav-link">
              <Icon name="account" />
              Account
            </NavLink>
          </li>
          <li>
            <button type="button" className="sidenav-link" onClick={onSignOut}>
              <Icon name="sign-out" />
              Sign out
            </button>
          </li>
        </ul>
        {signOutError !== undefined && (
          <p className="sidenav-error" role="alert">
            {signOutError}
          </p>
        )}
        <p className="sidenav-agent">
          {agent.email}
          <br />
          {ROLE_LABELS[agent.role]}
        </p>
      </div>
    </nav>
  );
}
