import { UserError } from '../domain/errors.ts';
import type { PimKind } from '../domain/pim.ts';
import { GraphRequestError } from './graph-error.ts';

/** The application permission each kind of item needs (microsoft-graph.md §1.4). */
export const PIM_PERMISSIONS: Readonly<Record<PimKind, string>> = {
  contacts: 'Contacts.ReadWrite',
  calendar: 'Calendars.ReadWrite',
  tasks: 'Tasks.ReadWrite.All',
};

const WHAT: Readonly<Record<PimKind, string>> = {
  contacts: 'contacts',
  calendar: 'calendars',
  tasks: 'Microsoft To Do tasks',
};

/** A 403 on contacts, calendars or tasks, said as the permission the admin must grant. */
export function explainDenied(error: unknown, kind: PimKind, userPrincipalName: string): unknown {
  if (!(error instanceof GraphRequestError) || error.failure.status !== 403) return error;
  return new UserError(
    'DESTINATION_PIM_ACCESS_DENIED',
    `Ferry's app may not write ${WHAT[kind]} in the mailbox of ${userPrincipalName}. Grant the app the application permission ${PIM_PERMISSIONS[kind]} with admin consent in Microsoft Entra ID${kind === 'tasks' ? '' : ', and if an application access policy or an Exchange RBAC-for-Applications scope limits the app, add this mailbox to it'}.`,
    { cause: error, context: { ...error.context, user: userPrincipalName }, details: { ...error.details } },
  );
}
