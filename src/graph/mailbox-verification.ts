import type { DestinationMailboxInfo } from '../domain/destination.ts';
import { UserError } from '../domain/errors.ts';
import { GraphRequestError } from './graph-error.ts';
import { query, userPath } from './graph-paths.ts';
import type { GraphTransport } from './transport.ts';

/** What the admin reads for each refusal, by Graph code (microsoft-graph.md §3, §12). */
const EXPLANATIONS: Readonly<Record<string, { code: string; text: (upn: string) => string }>> = {
  Request_ResourceNotFound: {
    code: 'DESTINATION_USER_NOT_FOUND',
    text: (upn) =>
      `There is no user ${upn} in the Microsoft 365 tenant. Create the user in Microsoft 365 (or correct the destination address in the mailbox list) and try again.`,
  },
  Authorization_RequestDenied: {
    code: 'DESTINATION_DIRECTORY_DENIED',
    text: (upn) =>
      `Ferry's app may not read the user ${upn} from the directory. Grant the app the application permission User.Read.All with admin consent in Microsoft Entra ID.`,
  },
  MailboxNotEnabledForRESTAPI: {
    code: 'DESTINATION_MAILBOX_NOT_ENABLED',
    text: (upn) =>
      `The user ${upn} exists but has no Exchange Online mailbox that Microsoft Graph can reach. Assign the user a licence that includes Exchange Online (a new mailbox can take up to a few hours to be provisioned); a soft-deleted mailbox must be restored, and a mailbox still on-premises must be moved to Exchange Online first.`,
  },
  ErrorAccessDenied: {
    code: 'DESTINATION_MAILBOX_ACCESS_DENIED',
    text: (upn) =>
      `Ferry's app may not open the mailbox of ${upn}. Grant the app the application permission Mail.ReadWrite with admin consent, and if an application access policy or an Exchange RBAC-for-Applications scope limits the app, add this mailbox to it.`,
  },
};

/** The user exists and has a mailbox Graph can write to; otherwise a UserError saying what to fix. */
export async function verifyMailbox(
  transport: GraphTransport,
  userPrincipalName: string,
): Promise<DestinationMailboxInfo> {
  const base = userPath(userPrincipalName);
  try {
    const user = await transport.request<DestinationMailboxInfo>({
      method: 'GET',
      path: `${base}${query({ $select: 'id,displayName,userPrincipalName' })}`,
      mailbox: userPrincipalName,
    });
    // The cheapest call that needs the mailbox itself, with the permission the migration needs.
    await transport.request({
      method: 'GET',
      path: `${base}/mailFolders/inbox${query({ $select: 'id' })}`,
      mailbox: userPrincipalName,
    });
    return {
      id: user.body.id,
      userPrincipalName: user.body.userPrincipalName,
      displayName: user.body.displayName,
    };
  } catch (error) {
    const explained = error instanceof GraphRequestError ? EXPLANATIONS[error.failure.graphCode] : undefined;
    if (explained === undefined || !(error instanceof GraphRequestError)) throw error;
    throw new UserError(explained.code, explained.text(userPrincipalName), {
      cause: error,
      context: { user: userPrincipalName },
      details: { ...error.details },
    });
  }
}
