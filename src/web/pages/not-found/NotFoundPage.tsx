import { Link } from 'react-router';

import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState icon="compass" title="This page does not exist">
        <p>
          The link may be mistyped or out of date. <Link to="/customers">Go to All Customers</Link>.
        </p>
      </EmptyState>
    </>
  );
}
