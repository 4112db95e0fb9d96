import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { cutoverRoutes } from './cutover.ts';
import { endpointRoutes } from './endpoints.ts';
import { mailboxDownloadRoutes } from './mailbox-downloads.ts';
import { mailboxRoutes } from './mailboxes.ts';
import { notifyRoutes } from './notify.ts';
import { passRoutes } from './passes.ts';
import { projectCrudRoutes } from './projects.ts';
import { settingsScriptRoutes } from './settings-script.ts';
import { statisticsRoutes } from './statistics.ts';

/** Endpoints, mailbox projects, mailboxes, advanced options, passes, statistics, notifications. */
export function projectRoutes(app: App, deps: ControlPlaneDeps): void {
  endpointRoutes(app, deps);
  projectCrudRoutes(app, deps);
  mailboxRoutes(app, deps);
  mailboxDownloadRoutes(app, deps);
  passRoutes(app, deps);
  statisticsRoutes(app, deps);
  settingsScriptRoutes(app, deps);
  notifyRoutes(app, deps);
  cutoverRoutes(app, deps);
}
