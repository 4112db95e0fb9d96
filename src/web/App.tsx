import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';

import { LoadingState } from './components/LoadingState.tsx';

import { AccountPage } from './pages/account/AccountPage.tsx';
import { AgentsPage } from './pages/agents/AgentsPage.tsx';
import { AuditPage } from './pages/audit/AuditPage.tsx';
import { CustomerPage } from './pages/customers/CustomerPage.tsx';
import { CustomersPage } from './pages/customers/CustomersPage.tsx';
import { EndpointsPage } from './pages/endpoints/EndpointsPage.tsx';
import { InvitePage } from './pages/invite/InvitePage.tsx';
import { LicensesPage } from './pages/licenses/LicensesPage.tsx';
import { LoginPage } from './pages/login/LoginPage.tsx';
import { NotFoundPage } from './pages/not-found/NotFoundPage.tsx';
import { CutoverPage } from './pages/projects/cutover/CutoverPage.tsx';
import { MailboxDetailPage } from './pages/projects/dashboard/MailboxDetailPage.tsx';
import { ProjectDashboard } from './pages/projects/dashboard/ProjectDashboard.tsx';
import { ProjectsPage } from './pages/projects/ProjectsPage.tsx';
import { CreateProjectPage } from './pages/projects/wizard/CreateProjectPage.tsx';
import { PurchasePage } from './pages/purchase/PurchasePage.tsx';
import { ResetPasswordPage } from './pages/reset-password/ResetPasswordPage.tsx';
import { SetupPage } from './pages/setup/SetupPage.tsx';
import { RequireSession } from './session/RequireSession.tsx';
import { AppShell } from './shell/AppShell.tsx';

// The charting library is large: it loads with the statistics page, not with the console.
const StatisticsPage = lazy(() =>
  import('./pages/projects/statistics/StatisticsPage.tsx').then((module) => ({
    default: module.StatisticsPage,
  })),
);

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/setup" element={<SetupPage />} />
      <Route path="/invite" element={<InvitePage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route
        element={
          <RequireSession>
            <AppShell />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/customers" replace />} />
        <Route path="/customers" element={<CustomersPage />} />
        <Route path="/customers/:customerId" element={<CustomerPage />} />
        <Route path="/projects" element={<ProjectsPage />} />
        <Route path="/projects/new" element={<CreateProjectPage key="new" />} />
        <Route path="/projects/:projectId" element={<ProjectDashboard />} />
        <Route path="/projects/:projectId/edit" element={<CreateProjectPage key="edit" />} />
        <Route
          path="/projects/:projectId/statistics"
          element={
            <Suspense fallback={<LoadingState label="Loading the statistics…" />}>
              <StatisticsPage />
            </Suspense>
          }
        />
        <Route path="/projects/:projectId/mailboxes/:mailboxId" element={<MailboxDetailPage />} />
        <Route path="/projects/:projectId/cutover" element={<CutoverPage />} />
        <Route path="/endpoints" element={<EndpointsPage />} />
        <Route path="/licenses" element={<LicensesPage />} />
        <Route path="/purchase" element={<PurchasePage />} />
        <Route path="/agents" element={<AgentsPage />} />
        <Route path="/audit" element={<AuditPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
