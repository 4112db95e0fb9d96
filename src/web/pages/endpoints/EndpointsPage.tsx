import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';

export function EndpointsPage() {
  return (
    <>
      <PageHeader
        title="Endpoints"
        description="The connection details of each side of a migration, shared by the projects that use them."
      />
      <EmptyState icon="endpoints" title="No endpoints yet">
        <p>
          Zimbra source endpoints (server URL and administrator account) and Microsoft 365 destination
          endpoints (tenant and application IDs) appear here. Their credentials are stored encrypted and are
          never shown again.
        </p>
      </EmptyState>
    </>
  );
}
