import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';

export function ProjectsPage() {
  return (
    <>
      <PageHeader
        title="My Projects"
        description="Mailbox migration projects: each moves one customer's Zimbra mailboxes to Microsoft 365."
      />
      <EmptyState icon="projects" title="No projects yet">
        <p>
          Mailbox projects appear here with their customer, source and destination endpoints, and the progress
          of their users' mail, folders, contacts, calendars and tasks.
        </p>
      </EmptyState>
    </>
  );
}
