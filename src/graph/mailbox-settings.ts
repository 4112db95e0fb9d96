import { MailboxError } from '../domain/errors.ts';
import type { GraphPayload } from '../domain/pim.ts';
import { GraphRequestError } from './graph-error.ts';
import { query, segment, userPath } from './graph-paths.ts';
import { collectPages } from './paging.ts';
import type { GraphTransport } from './transport.ts';

/** Inbox rules and automatic replies need this application permission (microsoft-graph.md §1.4). */
export const SETTINGS_PERMISSION = 'MailboxSettings.ReadWrite';

export interface MailboxSettingsWriter {
  listMessageRules(): Promise<{ id: string; displayName: string }[]>;
  /** Creates the rule; a rule of that name already there (a repeated create) is returned instead. */
  createMessageRule(rule: GraphPayload): Promise<string>;
  /** False when the rule is gone (deleted in Microsoft 365 since). */
  updateMessageRule(id: string, rule: GraphPayload): Promise<boolean>;
  setAutomaticReplies(setting: GraphPayload): Promise<void>;
  /** Reads the inbox rules: a refusal says which permission to grant. */
  verifyAccess(): Promise<void>;
}

/** Inbox rules (`mailFolders/inbox/messageRules`) and `mailboxSettings` [D messageRule, mailboxSettings]. */
export function createMailboxSettingsWriter(
  transport: GraphTransport,
  userPrincipalName: string,
): MailboxSettingsWriter {
  const mailbox = userPrincipalName;
  const rulesPath = `${userPath(userPrincipalName)}/mailFolders/inbox/messageRules`;

  async function explained<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      // Without this permission no setting of the mailbox can be written: one mailbox-level error.
      if (!(error instanceof GraphRequestError) || error.failure.status !== 403) throw error;
      throw new MailboxError(
        'DESTINATION_SETTINGS_ACCESS_DENIED',
        `Ferry's app may not write inbox rules or automatic replies in the mailbox of ${userPrincipalName}. Grant the app the application permission ${SETTINGS_PERMISSION} with admin consent in Microsoft Entra ID, and if an application access policy or an Exchange RBAC-for-Applications scope limits the app, add this mailbox to it.`,
        {
          cause: error,
          context: { ...error.context, user: userPrincipalName },
          details: { ...error.details },
        },
      );
    }
  }

  const list = () =>
    explained(() => collectPages<{ id: string; displayName: string }>(transport, mailbox, rulesPath));

  return {
    listMessageRules: list,

    createMessageRule: (rule) =>
      explained(async () => {
        try {
          const response = await transport.request<{ id: string }>({
            method: 'POST',
            path: rulesPath,
            mailbox,
            json: rule,
            // A repeated create meets the name it gave the rule, answered below.
            repeatable: true,
          });
          return response.body.id;
        } catch (error) {
          if (!(error instanceof GraphRequestError && error.failure.status === 409)) throw error;
          const existing = (await list()).find((r) => r.displayName === rule.displayName);
          if (existing === undefined) throw error;
          return existing.id;
        }
      }),

    updateMessageRule: (id, rule) =>
      explained(async () => {
        try {
          await transport.request({
            method: 'PATCH',
            path: `${rulesPath}/${segment(id)}`,
            mailbox,
            json: rule,
          });
          return true;
        } catch (error) {
          if (error instanceof GraphRequestError && error.failure.status === 404) return false;
          throw error;
        }
      }),

    setAutomaticReplies: (setting) =>
      explained(async () => {
        await transport.request({
          method: 'PATCH',
          path: `${userPath(userPrincipalName)}/mailboxSettings`,
          mailbox,
          json: { automaticRepliesSetting: setting },
        });
      }),

    verifyAccess: async () => {
      await explained(() =>
        transport.request({ method: 'GET', path: `${rulesPath}${query({ $top: '1' })}`, mailbox }),
      );
    },
  };
}
