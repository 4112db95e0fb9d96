import { useCallback, useState } from 'react';
import { Link } from 'react-router';

import { api } from '../../api/client.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { clearDraft } from './wizard/project-draft.ts';
import { LoadStatus } from '../../components/LoadStatus.tsx';

const PAGE_SIZE = 25;

export function ProjectsPage() {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [listing, reload] = useLoad(async () => {
    const [projects, customers] = await Promise.all([
      api.get('/api/projects', {
        query: { page, pageSize: PAGE_SIZE, ...(search === '' ? {} : { search }) },
      }),
      api.get('/api/customers', { query: { page: 1, pageSize: 500 } }),
    ]);
    const names = new Map(customers.items.map((customer) => [customer.id, customer.companyName]));
    return { ...projects, customerName: (id: string) => names.get(id) ?? '—' };
  }, [page, search]);
  const onSearch = useCallback((text: string) => {
    setSearch(text);
    setPage(1);
  }, []);

  return (
    <>
      <PageHeader
        title="My Projects"
        description="Mailbox migration projects: each moves one customer's Zimbra mailboxes to Microsoft 365."
        actions={
          <Link to="/projects/new" className="button button-primary" onClick={clearDraft}>
            Create Project
          </Link>
        }
      />
      <div className="toolbar">
        <SearchBox label="Search projects" onSearch={onSearch} />
      </div>
      <LoadStatus
        state={listing}
        loading="Loading projects…"
        failed="The projects could not be loaded"
        onRetry={reload}
      />
      {listing.status === 'loaded' &&
        (listing.data.total === 0 && search === '' ? (
          <EmptyState icon="projects" title="No projects yet">
            <p>
              Click Create Project and choose Mailbox Project. Each project has a customer, a Zimbra 6.5+
              source, a Microsoft 365 destination and the mailboxes to move.
            </p>
          </EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Projects</caption>
                <thead>
                  <tr>
                    <th scope="col">Project</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Mailboxes</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {listing.data.items.map((project) => (
                    <tr key={project.id}>
                      <th scope="row">
                        <Link to={`/projects/${project.id}`}>{project.name}</Link>
                      </th>
                      <td>{listing.data.customerName(project.customerId)}</td>
                      <td>{formatNumber(project.mailboxCount)}</td>
                      <td>{formatDateTime(project.createdAt)}</td>
                    </tr>
                  ))}
                  {listing.data.items.length === 0 && (
                    <tr>
                      <td colSpan={4} className="muted">
                        No project matches “{search}”.
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={listing.data.total} onPage={setPage} />
          </>
        ))}
    </>
  );
}
