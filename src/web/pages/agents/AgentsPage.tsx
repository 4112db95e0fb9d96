import { type FormEvent, useCallback, useState } from 'react';

import { api, type ApiError } from '../../api/client.ts';
import { fieldErrors } from '../../api/field-errors.ts';
import { Alert } from '../../components/Alert.tsx';
import { CheckboxField, FormField, SelectField } from '../../components/FormField.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../format.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { asApiError } from '../../session/SessionProvider.tsx';
import { useAgent, useSession } from '../../session/session-context.ts';
import { LoadStatus } from '../../components/LoadStatus.tsx';

type Role = 'administrator' | 'manager' | 'agent' | 'inactive';
const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrator',
  manager: 'Manager',
  agent: 'Agent',
  inactive: 'Inactive',
};
const PAGE_SIZE = 50;

/** The workgroup: its name and Project Sharing, its agents and their roles, and invitations. */
export function AgentsPage() {
  const me = useAgent();
  const manager = me.role === 'administrator' || me.role === 'manager';
  return (
    <>
      <PageHeader
        title="Agents"
        description="The people of this workgroup, their roles, and the workgroup’s settings."
      />
      <WorkgroupSettings editable={me.role === 'administrator'} />
      <AgentList canChangeRoles={manager} isAdministrator={me.role === 'administrator'} myId={me.id} />
      {manager && <Invitations isAdministrator={me.role === 'administrator'} />}
    </>
  );
}

function WorkgroupSettings({ editable }: { editable: boolean }) {
  const notify = useToast();
  const { refresh } = useSession();
  const [workgroup, reload] = useLoad(() => api.get('/api/workgroup'), []);
  const [name, setName] = useState<string>();
  const [error, setError] = useState<ApiError>();

  const patch = async (body: { name?: string; projectSharing?: boolean }) => {
    setError(undefined);
    try {
      await api.patch('/api/workgroup', { body });
      notify('success', 'Workgroup saved.');
      setName(undefined);
      await Promise.all([reload(), refresh()]);
    } catch (caught) {
      setError(asApiError(caught));
    }
  };
  const rename = (event: FormEvent) => {
    event.preventDefault();
    if (name !== undefined) void patch({ name: name.trim() });
  };

  return (
    <section className="panel" aria-labelledby="workgroup-title">
      <h2 id="workgroup-title">Workgroup</h2>
      <LoadStatus
        state={workgroup}
        loading="Loading the workgroup…"
        failed="The workgroup could not be loaded"
        onRetry={reload}
      />
      {error !== undefined && (
        <Alert tone="error" title="The workgroup was not saved">
          <p>{error.message}</p>
        </Alert>
      )}
      {workgroup.status === 'loaded' && (
        <form className="form" onSubmit={rename}>
          <div className="inline-form-row">
            <FormField
              label="Workgroup name"
              required
              maxLength={200}
              disabled={!editable}
              value={name ?? workgroup.data.name}
              onChange={(event) => setName(event.target.value)}
            />
            {editable && (
              <button type="submit" className="button" disabled={name === undefined}>
                Rename
              </button>
            )}
          </div>
          <CheckboxField
            label="Project Sharing"
            hint={
              'On: every agent who is not Inactive can view all migration projects of the workgroup. Off: agents see the projects they created.' +
              (editable ? '' : ' Only Administrators switch it.')
            }
            checked={workgroup.data.projectSharing}
            onChange={(checked) => {
              if (editable) void patch({ projectSharing: checked });
            }}
          />
        </form>
      )}
    </section>
  );
}

function AgentList({
  canChangeRoles,
  isAdministrator,
  myId,
}: {
  canChangeRoles: boolean;
  isAdministrator: boolean;
  myId: string;
}) {
  const notify = useToast();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [agents, reload] = useLoad(
    () =>
      api.get('/api/agents', { query: { page, pageSize: PAGE_SIZE, ...(search === '' ? {} : { search }) } }),
    [page, search],
  );
  const [error, setError] = useState<ApiError>();
  const onSearch = useCallback((text: string) => {
    setSearch(text);
    setPage(1);
  }, []);

  const changeRole = async (id: string, email: string, role: Role) => {
    setError(undefined);
    try {
      await api.patch('/api/agents/{id}', { params: { id }, body: { role } });
      notify('success', `${email} is now ${ROLE_LABELS[role]}.`);
      await reload();
    } catch (caught) {
      setError(asApiError(caught));
    }
  };
  const roles = (Object.keys(ROLE_LABELS) as Role[]).filter(
    (role) => isAdministrator || role !== 'administrator',
  );

  return (
    <section className="panel" aria-labelledby="agents-title">
      <h2 id="agents-title">Agents</h2>
      <div className="toolbar">
        <SearchBox label="Search agents" onSearch={onSearch} />
      </div>
      {error !== undefined && (
        <Alert tone="error" title="The role was not changed">
          <p>{error.message}</p>
        </Alert>
      )}
      <LoadStatus
        state={agents}
        loading="Loading agents…"
        failed="The agents could not be loaded"
        onRetry={reload}
      />
      {agents.status === 'loaded' && (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Agents of the workgroup</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Last sign-in</th>
                  {isAdministrator && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {agents.data.items.map((agent) => (
                  <tr key={agent.id} className={agent.role === 'inactive' ? 'row-muted' : undefined}>
                    <th scope="row">{agent.name}</th>
                    <td>{agent.email}</td>
                    <td>
                      {canChangeRoles &&
                      agent.id !== myId &&
                      (isAdministrator || agent.role !== 'administrator') ? (
                        <select
                          aria-label={`Role of ${agent.email}`}
                          value={agent.role}
                          onChange={(event) =>
                            void changeRole(agent.id, agent.email, event.target.value as Role)
                          }
                        >
                          {roles.map((role) => (
                            <option key={role} value={role}>
                              {ROLE_LABELS[role]}
                            </option>
                          ))}
                        </select>
                      ) : (
                        ROLE_LABELS[agent.role]
                      )}
                    </td>
                    <td>{formatDateTime(agent.lastSignInAt, 'Never')}</td>
                    {isAdministrator && (
                      <td className="cell-actions">
                        {agent.id !== myId && agent.role !== 'inactive' && (
                          <ResetPassword id={agent.id} email={agent.email} />
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={PAGE_SIZE} total={agents.data.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}

/** Administrators email an agent a one-time link to choose a new password; asks to confirm first. */
function ResetPassword({ id, email }: { id: string; email: string }) {
  const notify = useToast();
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);

  const send = async () => {
    setSending(true);
    try {
      const sent = await api.post('/api/agents/{id}/password-reset', { params: { id } });
      notify('success', `A password reset link was sent to ${sent.email}.`);
      setConfirming(false);
    } catch (caught) {
      notify('error', asApiError(caught).message);
    } finally {
      setSending(false);
    }
  };

  if (!confirming) {
    return (
      <button
        type="button"
        className="button button-small"
        aria-label={`Reset the password of ${email}`}
        onClick={() => setConfirming(true)}
      >
        Reset password
      </button>
    );
  }
  return (
    <span className="confirm">
      <button
        type="button"
        className="button button-danger button-small"
        disabled={sending}
        onClick={() => void send()}
      >
        {sending ? 'Sending…' : `Email ${email} a reset link`}
      </button>
      <button type="button" className="button button-quiet button-small" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}

/** Only Administrators invite Administrators. */
function invitableRoles(isAdministrator: boolean): Exclude<Role, 'inactive'>[] {
  return isAdministrator ? ['agent', 'manager', 'administrator'] : ['agent', 'manager'];
}

function Invitations({ isAdministrator }: { isAdministrator: boolean }) {
  const notify = useToast();
  const [invitations, reload] = useLoad(() => api.get('/api/agents/invitations'), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Exclude<Role, 'inactive'>>('agent');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError>();
  const errors = fieldErrors(error);

  const invite = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(undefined);
    try {
      await api.post('/api/agents/invitations', { body: { email: email.trim(), role } });
      notify('success', `Invitation sent to ${email.trim()}.`);
      setEmail('');
      await reload();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setSending(false);
    }
  };
  const revoke = async (id: string) => {
    try {
      await api.delete('/api/agents/invitations/{id}', { params: { id } });
      notify('success', 'Invitation revoked.');
      await reload();
    } catch (caught) {
      notify('error', asApiError(caught).message);
    }
  };

  return (
    <section className="panel" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite Agent</h2>
      <p className="panel-intro">
        The invited person receives an email with a one-time link to choose a name and password.
      </p>
      <form className="inline-form" onSubmit={(event) => void invite(event)}>
        {error !== undefined && Object.keys(errors).length === 0 && (
          <Alert tone="error" title="The invitation was not sent">
            <p>{error.message}</p>
          </Alert>
        )}
        <div className="inline-form-row">
          <FormField
            label="Email"
            type="email"
            required
            value={email}
            error={errors.email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <SelectField
            label="Role"
            value={role}
            onChange={(event) => setRole(event.target.value as Exclude<Role, 'inactive'>)}
            options={invitableRoles(isAdministrator).map((value) => ({ value, label: ROLE_LABELS[value] }))}
          />
          <button type="submit" className="button button-primary" disabled={sending}>
            {sending ? 'Sending…' : 'Send invitation'}
          </button>
        </div>
      </form>
      {invitations.status === 'loaded' && invitations.data.invitations.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption>Invitations not accepted yet</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.invitations.map((invitation) => (
                <tr key={invitation.id}>
                  <th scope="row">{invitation.email}</th>
                  <td>{ROLE_LABELS[invitation.role]}</td>
                  <td>{formatDateTime(invitation.expiresAt)}</td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Revoke the invitation of ${invitation.email}`}
                      onClick={() => void revoke(invitation.id)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
