import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';

export function LicensesPage() {
  return (
    <>
      <PageHeader
        title="Licenses"
        description="User Migration Bundle licenses of this workgroup and the users they are applied to."
      />
      <EmptyState icon="licenses" title="No licenses yet">
        <p>
          Licenses appear here with the customer and user each one is applied to, and whether it is still
          unassigned.
        </p>
      </EmptyState>
    </>
  );
}
