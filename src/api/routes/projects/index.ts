import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';

/** Endpoints, mailbox projects, mailboxes, advanced options, passes, statistics, notifications. */
export function projectRoutes(_app: App, _deps: ControlPlaneDeps): void {}
