import { useCallback, useState } from 'react';

import { api, type ResponseOf } from '../../api/client.ts';
import { ErrorState } from '../../components/ErrorState.tsx';
import { LoadingState } from '../../components/LoadingState.tsx';
import { Pager } from '../../components/Pager.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../format.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { AddUsersDialog } from './AddUsersDialog.tsx';
import { ApplyLicenseDialog } from './ApplyLicenseDialog.tsx';

export type CustomerUser = ResponseOf<'/api/customers/{id}/users', 'get'>['items'][number];

const PAGE_SIZE = 50;

/** The Users tab: check users, then Apply User Migration Bundle License. */
export function CustomerUsers({ customerId, companyName }: { customerId: string; companyName: string }) {
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<'add' | 'apply'>();
  const notify = useToast();
  const [users, reload] = useLoad(
    () =>
      api.get('/api/customers/{id}/users', {
        params: { id: customerId },
        query: { page, pageSize: PAGE_SIZE, ...(search === '' ? {} : { search }) },
      }),
    [customerId, page, search],
  );
  const onSearch = useCallback((text: string) => {
    setSearch(text);
    setPage(1);
  }, []);

  const toggle = (id: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const shown = users.status === 'loaded' ? users.data.items : [];
  const allShownSelected = shown.length > 0 && shown.every((user) => selected.has(user.id));
  const toggleShown = () =>
    setSelected((previous) => {
      const next = new Set(previous);
      for (const user of shown) {
        if (allShownSelected) next.delete(user.id);
        else next.add(user.id);
      }
      return next;
    });

  return (
    <section aria-label="Users">
      <div className="toolbar">
        <button
          type="button"
          className="button button-primary"
          disabled={selected.size === 0}
          onClick={() => setDialog('apply')}
        >
          Apply User Migration Bundle License
        </button>
        <button type="button" className="button" onClick={() => setDialog('add')}>
          Add Users
        </button>
        <SearchBox label="Search users" onSearch={onSearch} />
        <span className="toolbar-note" aria-live="polite">
          {selected.size > 0 && `${selected.size} selected`}
        </span>
      </div>
      {dialog === 'add' && (
        <AddUsersDialog
          customerId={customerId}
          companyName={companyName}
          onClose={() => setDialog(undefined)}
          onAdded={(count) => {
            setDialog(undefined);
            notify('success', `${count} user${count === 1 ? '' : 's'} added.`);
            void reload();
          }}
        />
      )}
      {dialog === 'apply' && (
        <ApplyLicenseDialog
          userIds={[...selected]}
          onClose={() => setDialog(undefined)}
          onApplied={(message) => {
            setDialog(undefined);
            setSelected(new Set());
            notify('success', message);
            void reload();
          }}
        />
      )}
      {users.status === 'loading' && <LoadingState label="Loading users…" />}
      {users.status === 'error' && (
        <ErrorState title="The users could not be loaded" error={users.error} onRetry={() => void reload()} />
      )}
      {users.status === 'loaded' &&
        (users.data.total === 0 && search === '' ? (
          <div className="vt-empty">
            <p>
              No users yet. Add them with Add Users, or they are added for you when their mailboxes join a
              project.
            </p>
          </div>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Users of {companyName}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="cell-check">
                      <input
                        type="checkbox"
                        aria-label="Select all shown users"
                        checked={allShownSelected}
                        onChange={toggleShown}
                      />
                    </th>
                    <th scope="col">Email</th>
                    <th scope="col">Name</th>
                    <th scope="col">User Migration Bundle</th>
                  </tr>
                </thead>
                <tbody>
                  {users.data.items.map((user) => (
                    <tr key={user.id}>
                      <td className="cell-check">
                        <input
                          type="checkbox"
                          aria-label={`Select ${user.email}`}
                          checked={selected.has(user.id)}
                          onChange={() => toggle(user.id)}
                        />
                      </td>
                      <th scope="row">{user.email}</th>
                      <td>{[user.firstName, user.lastName].filter(Boolean).join(' ') || '—'}</td>
                      <td>
                        {user.licence.state === 'licensed' && (
                          <span className="badge badge-ok">
                            Licensed until {formatDateTime(user.licence.expiresAt)}
                          </span>
                        )}
                        {user.licence.state === 'expired' && (
                          <span className="badge">Expired {formatDateTime(user.licence.expiresAt)}</span>
                        )}
                        {user.licence.state === 'none' && <span className="badge">Not licensed</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={users.data.total} onPage={setPage} />
          </>
        ))}
    </section>
  );
}
