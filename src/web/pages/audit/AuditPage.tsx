import { type FormEvent, useState } from 'react';

import { api } from '../../api/client.ts';
import { FormField } from '../../components/FormField.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { formatDateTime } from '../../format.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { LoadStatus } from '../../components/LoadStatus.tsx';

const PAGE_SIZE = 50;

interface Filter {
  from: string;
  to: string;
  action: string;
}

const EMPTY: Filter = { from: '', to: '', action: '' };

/** The query of a filter: dates as the start of that day (from) and of the day after (to), local time. */
function queryOf(filter: Filter): Record<string, string> {
  const query: Record<string, string> = {};
  if (filter.from !== '') query.from = new Date(`${filter.from}T00:00`).toISOString();
  if (filter.to !== '') {
    const end = new Date(`${filter.to}T00:00`);
    end.setDate(end.getDate() + 1);
    query.to = end.toISOString();
  }
  if (filter.action.trim() !== '') query.action = filter.action.trim();
  return query;
}

/** The append-only audit log: who did what and when, filterable and exportable as CSV. */
export function AuditPage() {
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [page, setPage] = useState(1);
  const [log, reload] = useLoad(
    () => api.get('/api/audit', { query: { page, pageSize: PAGE_SIZE, ...queryOf(filter) } }),
    [page, filter],
  );
  const csvUrl = `/api/audit.csv?${new URLSearchParams(queryOf(filter)).toString()}`;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
    setPage(1);
  };

  return (
    <>
      <PageHeader
        title="Audit Log"
        description="Sign-ins, endpoint changes, passes started and stopped, licenses purchased and applied — kept for good."
        actions={
          <a className="button" href={csvUrl} download>
            Export CSV
          </a>
        }
      />
      <form className="panel filter-bar" onSubmit={apply} aria-label="Filter the audit log">
        <FormField
          label="From"
          type="date"
          value={draft.from}
          onChange={(event) => setDraft({ ...draft, from: event.target.value })}
        />
        <FormField
          label="To"
          type="date"
          value={draft.to}
          onChange={(event) => setDraft({ ...draft, to: event.target.value })}
        />
        <FormField
          label="Action"
          placeholder="licence. or endpoint.created"
          hint="One action, or a prefix ending in a dot."
          value={draft.action}
          onChange={(event) => setDraft({ ...draft, action: event.target.value })}
        />
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            Filter
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setDraft(EMPTY);
              setFilter(EMPTY);
              setPage(1);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <LoadStatus
        state={log}
        loading="Loading the audit log…"
        failed="The audit log could not be loaded"
        onRetry={reload}
      />
      {log.status === 'loaded' &&
        (log.data.total === 0 ? (
          <div className="vt-empty">
            <p>No entry matches this filter.</p>
          </div>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Audit log</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Agent</th>
                    <th scope="col">Action</th>
                    <th scope="col">Concerning</th>
                  </tr>
                </thead>
                <tbody>
                  {log.data.items.map((entry) => (
                    <tr key={entry.id}>
                      <td>{formatDateTime(entry.at)}</td>
                      <td>{entry.agentEmail ?? '—'}</td>
                      <td>
                        <code>{entry.action}</code>
                      </td>
                      <td>{entry.target ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={log.data.total} onPage={setPage} />
          </>
        ))}
    </>
  );
}
