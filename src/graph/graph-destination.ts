import type { Destination, DestinationMailbox } from '../domain/destination.ts';
import { UserError } from '../domain/errors.ts';
import type { GraphMessageDraft, LargeAttachment } from '../domain/mail.ts';
import type { PimKind } from '../domain/pim.ts';
import { GraphRequestError } from './graph-error.ts';
import { query, segment, stampFilter, userPath } from './graph-paths.ts';
import { createContacts } from './contacts.ts';
import { createDistributionLists } from './distribution-lists.ts';
import { createEvents } from './events.ts';
import { importMimeMessage } from './import-mime.ts';
import { addLargeAttachment } from './large-attachments.ts';
import { createMailFolders } from './mail-folders.ts';
import { verifyMailbox } from './mailbox-verification.ts';
import { createMailboxSettingsWriter } from './mailbox-settings.ts';
import { createMasterCategories } from './master-categories.ts';
import { contactsPath, createPimContainers } from './pim-containers.ts';
import { explainDenied } from './pim-permissions.ts';
import { createTodoTasks } from './todo-tasks.ts';
import type { GraphTransport } from './transport.ts';

export interface GraphDestinationOptions {
  readonly transport: GraphTransport;
  /** The named property carrying Ferry's idempotency stamp on every created message. */
  readonly stampPropertyId: string;
}

/** The destination port over Microsoft Graph; one object per mailbox, keeping its folder cache. */
export function createGraphDestination(options: GraphDestinationOptions): Destination {
  const mailboxes = new Map<string, DestinationMailbox>();
  return {
    mailbox(userPrincipalName) {
      const key = userPrincipalName.toLowerCase();
      let mailbox = mailboxes.get(key);
      if (mailbox === undefined) {
        mailbox = createGraphMailbox(options, userPrincipalName);
        mailboxes.set(key, mailbox);
      }
      return mailbox;
    },
  };
}

function createGraphMailbox(
  { transport, stampPropertyId }: GraphDestinationOptions,
  upn: string,
): DestinationMailbox {
  const base = userPath(upn);
  const folders = createMailFolders(transport, upn);
  const categories = createMasterCategories(transport, upn);
  const containers = createPimContainers(transport, upn);
  const contacts = createContacts(transport, upn);
  const distributionLists = createDistributionLists(transport, upn);
  const events = createEvents(transport, upn);
  const tasks = createTodoTasks(transport, upn);
  const settings = createMailboxSettingsWriter(transport, upn);

  /** Runs a contacts, calendar or tasks call; a refusal for want of permission names the permission. */
  async function pim<T>(kind: PimKind, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw explainDenied(error, kind, upn);
    }
  }

  async function deleteMessage(id: string): Promise<void> {
    await transport.request({
      method: 'DELETE',
      path: `${base}/messages/${segment(id)}`,
      mailbox: upn,
      repeatable: true,
    });
  }

  return {
    verify: () => verifyMailbox(transport, upn),

    listMessageRules: () => settings.listMessageRules(),
    createMessageRule: (rule) => settings.createMessageRule(rule),
    updateMessageRule: (id, rule) => settings.updateMessageRule(id, rule),
    setAutomaticReplies: (setting) => settings.setAutomaticReplies(setting),
    verifySettingsAccess: () => settings.verifyAccess(),

    ensureMailFolder: (request) => folders.ensure(request),

    async findMessageByStamp(folderId, stamp) {
      const filter = stampFilter(stampPropertyId, stamp);
      const response = await transport.request<{ value: readonly { id: string }[] }>({
        method: 'GET',
        path: `${base}/mailFolders/${segment(folderId)}/messages${query({
          $filter: filter,
          $select: 'id',
          $top: '2',
        })}`,
        mailbox: upn,
      });
      return response.body.value[0]?.id;
    },

    async createMessage(folderId, message, largeAttachments) {
      let id: string;
      try {
        const created = await transport.request<{ id: string }>({
          method: 'POST',
          path: `${base}/mailFolders/${segment(folderId)}/messages`,
          mailbox: upn,
          json: message,
          // An unknown outcome surfaces as mayHaveSucceeded: the engine looks the stamp up first.
          repeatable: false,
        });
        id = created.body.id;
      } catch (error) {
        throw tooLarge(error, upn, message, largeAttachments);
      }
      try {
        for (const attachment of largeAttachments) {
          await addLargeAttachment(transport, upn, id, attachment);
        }
      } catch (error) {
        // The message already carries its stamp, so a retry would find this half-built one and skip
        // it: remove it, so the retry creates the message whole.
        await deleteMessage(id).catch(() => undefined);
        throw tooLarge(error, upn, message, largeAttachments);
      }
      return id;
    },

    importMessage: (folderId, raw, followUp) => importMimeMessage(transport, upn, folderId, raw, followUp),

    deleteMessage,

    ensureCategories: (list) => categories.ensure(list),

    ensurePimContainer: (request) => pim(request.kind, () => containers.ensure(request)),

    findPimItemByStamp(kind, containerId, stamp) {
      return pim(kind, async () => {
        if (kind === 'tasks') return tasks.findByStamp(containerId, stamp);
        const collection =
          kind === 'contacts'
            ? contactsPath(base, containerId)
            : `${base}/calendars/${segment(containerId)}/events`;
        const response = await transport.request<{ value: readonly { id: string }[] }>({
          method: 'GET',
          path: `${collection}${query({ $filter: stampFilter(stampPropertyId, stamp), $select: 'id', $top: '2' })}`,
          mailbox: upn,
        });
        return response.body.value[0]?.id;
      });
    },

    createContact: (folderId, contact) => pim('contacts', () => contacts.create(folderId, contact)),
    updateContact: (folderId, id, contact) => pim('contacts', () => contacts.update(folderId, id, contact)),
    deleteContact: (id) => pim('contacts', () => contacts.remove(id)),
    // Which contact folder a beta list lands in is not the caller's to choose (microsoft-graph.md §7).
    createDistributionList: (_folderId, list) => pim('contacts', () => distributionLists.ensure(list)),

    createEvent: (calendarId, event) => pim('calendar', () => events.create(calendarId, event)),
    listOccurrences: (seriesId, fromUtc, toUtc) =>
      pim('calendar', () => events.occurrences(seriesId, fromUtc, toUtc)),
    updateEvent: (id, patch) => pim('calendar', () => events.update(id, patch)),
    deleteEvent: (id) => pim('calendar', () => events.remove(id)),
    addEventAttachment: (eventId, attachment) =>
      pim('calendar', () => addLargeAttachment(transport, upn, eventId, attachment, 'events')),

    createTask: (listId, task) => pim('tasks', () => tasks.create(listId, task)),
    updateTask: (listId, id, task) => pim('tasks', () => tasks.update(listId, id, task)),

    usage() {
      const stats = transport.stats(upn);
      return {
        requests: stats.requests,
        throttled: stats.throttled,
        throttledWaitMs: stats.throttledWaitMs,
        uploadBytes: stats.uploadBytes,
      };
    },
  };
}

const MB = 1024 * 1024;

/** A message over the mailbox's size limit is the admin's to fix (or accept), never worth retrying. */
function tooLarge(
  error: unknown,
  upn: string,
  message: GraphMessageDraft,
  largeAttachments: readonly LargeAttachment[],
): unknown {
  if (!(error instanceof GraphRequestError)) return error;
  const { status, graphCode } = error.failure;
  if (status !== 413 && graphCode !== 'ErrorMessageSizeExceeded') return error;
  const bytes =
    Buffer.byteLength(message.body.content) +
    message.attachments.reduce((sum, a) => sum + Math.floor((a.contentBytes.length * 3) / 4), 0) +
    largeAttachments.reduce((sum, a) => sum + a.bytes.byteLength, 0);
  const size = `${(bytes / MB).toFixed(1)} MB`;
  const text =
    graphCode === 'RequestEntityTooLarge'
      ? `A request for a message of about ${size} was larger than the 4 MB Microsoft Graph accepts in one request.`
      : `A message of about ${size} is larger than the mailbox ${upn} accepts. Exchange Online limits messages to 35 MB by default; an Exchange administrator can raise the mailbox's MaxReceiveSize and MaxSendSize up to 150 MB (Set-Mailbox), then retry the message.`;
  return new UserError('MESSAGE_TOO_LARGE', text, {
    cause: error,
    context: { user: upn },
    details: { ...error.failure, sizeBytes: bytes },
  });
}
