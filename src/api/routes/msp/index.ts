import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';

/** Workgroup, agents and roles, customers and their users, licences, audit log. */
export function mspRoutes(_app: App, _deps: ControlPlaneDeps): void {}
