import type { PaymentProvider } from '../../../domain/payments.ts';
import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { createTestPaymentProvider } from '../../payments/test-payment-provider.ts';
import { agentRoutes } from './agents.ts';
import { auditRoutes } from './audit.ts';
import { customerRoutes } from './customers.ts';
import { customerUserRoutes } from './customer-users.ts';
import { invitationRoutes } from './invitations.ts';
import { licenceRoutes } from './licences.ts';
import { passwordResetRoutes } from './password-resets.ts';

/** Workgroup, agents and roles, customers and their users, licences, audit log. */
export function mspRoutes(
  app: App,
  deps: ControlPlaneDeps,
  payments: PaymentProvider = createTestPaymentProvider(),
): void {
  agentRoutes(app, deps);
  invitationRoutes(app, deps);
  passwordResetRoutes(app, deps);
  customerRoutes(app, deps);
  customerUserRoutes(app, deps);
  licenceRoutes(app, deps, payments);
  auditRoutes(app, deps);
}
