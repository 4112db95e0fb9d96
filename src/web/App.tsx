import { Navigate, Route, Routes } from 'react-router';

import { AccountPage } from './pages/account/AccountPage.tsx';
import { CustomersPage } from './pages/customers/CustomersPage.tsx';
import { EndpointsPage } from './pages/endpoints/EndpointsPage.tsx';
import { LicensesPage } from './pages/licenses/LicensesPage.tsx';
import { LoginPage } from './pages/login/LoginPage.tsx';
import { NotFoundPage } from './pages/not-found/NotFoundPage.tsx';
import { ProjectsPage } from './pages/projects/ProjectsPage.tsx';
import { PurchasePage } from './pages/purchase/PurchasePage.tsx';
import { SetupPage } from './pages/setup/SetupPage.tsx';
import { RequireSession } from './session/RequireSession.tsx';
import { AppShell } from './shell/AppShell.tsx';

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/setup" element={<SetupPage />} />
      <Route
        element={
          <RequireSession>
            <AppShell />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/customers" replace />} />
        <Route path="/customers" element={<CustomersPage />} />
        <Route path="/projects" element={<ProjectsPage />} />
        <Route path="/endpoints" element={<EndpointsPage />} />
        <Route path="/licenses" element={<LicensesPage />} />
        <Route path="/purchase" element={<PurchasePage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
