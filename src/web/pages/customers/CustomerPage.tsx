import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { api } from '../../api/client.ts';
import { ErrorState } from '../../components/ErrorState.tsx';
import { LoadingState } from '../../components/LoadingState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Tabs } from '../../components/Tabs.tsx';
import { useLoad } from '../../hooks/use-load.ts';
import { CustomerUsers } from './CustomerUsers.tsx';

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'details', label: 'Details' },
] as const;

/** One customer: its users (where licenses are applied) and its details. */
export function CustomerPage() {
  const { customerId = '' } = useParams();
  const [tab, setTab] = useState<string>('users');
  const [customer, reload] = useLoad(
    () => api.get('/api/customers/{id}', { params: { id: customerId } }),
    [customerId],
  );

  if (customer.status === 'loading') return <LoadingState label="Loading the customer…" />;
  if (customer.status === 'error') {
    return (
      <ErrorState
        title="The customer could not be loaded"
        error={customer.error}
        onRetry={() => void reload()}
      />
    );
  }
  const data = customer.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/customers">All Customers</Link>
      </p>
      <PageHeader title={data.companyName} description={data.primaryDomain} />
      <Tabs label="Customer" tabs={TABS} selected={tab} onSelect={setTab}>
        {tab === 'users' && <CustomerUsers customerId={customerId} companyName={data.companyName} />}
        {tab === 'details' && (
          <dl className="details panel">
            <dt>Company Name</dt>
            <dd>{data.companyName}</dd>
            <dt>Primary Email Domain</dt>
            <dd>{data.primaryDomain}</dd>
            <dt>Country</dt>
            <dd>{data.country ?? '—'}</dd>
            <dt>Industry</dt>
            <dd>{data.industry ?? '—'}</dd>
            <dt>Address</dt>
            <dd>{data.address ?? '—'}</dd>
            <dt>Phone</dt>
            <dd>{data.phone ?? '—'}</dd>
            <dt>Website</dt>
            <dd>{data.website ?? '—'}</dd>
          </dl>
        )}
      </Tabs>
    </>
  );
}
