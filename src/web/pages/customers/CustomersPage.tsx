import { useCallback, useState } from 'react';
import { Link } from 'react-router';

import { api, type ResponseOf } from '../../api/client.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatNumber } from '../../format.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { AddCustomerDialog } from './AddCustomerDialog.tsx';
import { LoadStatus } from '../../components/LoadStatus.tsx';

export type Customer = ResponseOf<'/api/customers', 'get'>['items'][number];

const PAGE_SIZE = 25;

export function CustomersPage() {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const notify = useToast();
  const [listing, reload] = useLoad(
    () =>
      api.get('/api/customers', {
        query: { page, pageSize: PAGE_SIZE, ...(search === '' ? {} : { search }) },
      }),
    [page, search],
  );
  const onSearch = useCallback((text: string) => {
    setSearch(text);
    setPage(1);
  }, []);

  return (
    <>
      <PageHeader
        title="All Customers"
        description="The organisations whose Zimbra mailboxes your workgroup migrates to Microsoft 365."
        actions={
          <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
            Add Customer
          </button>
        }
      />
      {adding && (
        <AddCustomerDialog
          onClose={() => setAdding(false)}
          onSaved={(customer) => {
            setAdding(false);
            notify('success', `Customer ${customer.companyName} saved.`);
            void reload();
          }}
        />
      )}
      <div className="toolbar">
        <SearchBox label="Search customers" onSearch={onSearch} />
      </div>
      <LoadStatus
        state={listing}
        loading="Loading customers…"
        failed="The customers could not be loaded"
        onRetry={reload}
      />
      {listing.status === 'loaded' &&
        (listing.data.total === 0 && search === '' ? (
          <EmptyState icon="customers" title="No customers yet">
            <p>
              Click Add Customer to add the first one: its company name and primary email domain are enough.
              Projects and licenses belong to a customer.
            </p>
          </EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Customers</caption>
                <thead>
                  <tr>
                    <th scope="col">Company Name</th>
                    <th scope="col">Primary Email Domain</th>
                    <th scope="col">Users</th>
                    <th scope="col">Country</th>
                  </tr>
                </thead>
                <tbody>
                  {listing.data.items.map((customer) => (
                    <tr key={customer.id}>
                      <th scope="row">
                        <Link to={`/customers/${customer.id}`}>{customer.companyName}</Link>
                      </th>
                      <td>{customer.primaryDomain}</td>
                      <td>{formatNumber(customer.userCount)}</td>
                      <td>{customer.country ?? '—'}</td>
                    </tr>
                  ))}
                  {listing.data.items.length === 0 && (
                    <tr>
                      <td colSpan={4} className="muted">
                        No customer matches “{search}”.
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
