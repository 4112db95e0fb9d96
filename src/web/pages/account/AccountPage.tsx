import { useState } from 'react';

import { PageHeader } from '../../components/PageHeader.tsx';
import { useAgent } from '../../session/session-context.ts';
import { ApiTokens } from './ApiTokens.tsx';
import { ChangePassword } from './ChangePassword.tsx';
import { formatDateTime } from '../../format.ts';

const ROLE_LABELS = {
  administrator: 'Administrator',
  manager: 'Manager',
  agent: 'Agent',
  inactive: 'Inactive',
};

export function AccountPage() {
  const agent = useAgent();
  // A password change revokes the tokens: the list is loaded again.
  const [tokensVersion, setTokensVersion] = useState(0);
  return (
    <>
      <PageHeader
        title="Account"
        description="Your agent profile, your password and the personal API tokens of your account."
      />
      <section className="panel" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <dl className="details">
          <dt>Name</dt>
          <dd>{agent.name}</dd>
          <dt>Email</dt>
          <dd>{agent.email}</dd>
          <dt>Role</dt>
          <dd>{ROLE_LABELS[agent.role]}</dd>
          <dt>Last sign-in</dt>
          <dd>{formatDateTime(agent.lastSignInAt, 'This is your first session')}</dd>
        </dl>
      </section>
      <ChangePassword onChanged={() => setTokensVersion((version) => version + 1)} />
      <ApiTokens key={tokensVersion} />
    </>
  );
}
