import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';

export function CustomersPage() {
  return (
    <>
      <PageHeader
        title="All Customers"
        description="The organisations whose Zimbra mailboxes your workgroup migrates to Microsoft 365."
      />
      <EmptyState icon="customers" title="No customers yet">
        <p>
          Each customer appears here with its company name, primary email domain and the users whose mailboxes
          you migrate. Projects, endpoints and licenses all belong to a customer.
        </p>
      </EmptyState>
    </>
  );
}
