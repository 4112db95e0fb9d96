import { type Clock, SYSTEM_CLOCK } from '../domain/clock.ts';
import { TransientError, UserError } from '../domain/errors.ts';
import type { Source, SourceTag } from '../domain/source.ts';
import { flattenFolderTree } from './folders.ts';
import { children, integer, text } from './json-element.ts';
import { folderPageRequest, readMessagePage } from './messages.ts';
import type { SessionFactory } from './session.ts';
import type { SoapTransport } from './soap-transport.ts';
import { ZimbraFaultError } from './zimbra-error.ts';

/** An overloaded Zimbra may serve a blank or cut message (zimbra.md §13): try this often before giving up. */
const RAW_FETCH_ATTEMPTS = 4;
const RAW_RETRY_DELAY_MS = 1_000;

export function createZimbraSource(
  transport: SoapTransport,
  sessions: SessionFactory,
  clock: Clock = SYSTEM_CLOCK,
): Source {
  const tagCache = new Map<string, Promise<SourceTag[]>>();

  /** A mail request with the mailbox's token, renewed once if Zimbra says it expired. */
  const mailCall = async (mailbox: string, request: string, body: Record<string, unknown>) => {
    const session = sessions.forMailbox(mailbox);
    const send = async (renew: boolean) =>
      transport.call({
        port: session.port,
        request,
        namespace: 'urn:zimbraMail',
        body,
        authToken: await session.token(renew),
        rateKey: mailbox,
      });
    try {
      return await send(false);
    } catch (error) {
      if (
        error instanceof ZimbraFaultError &&
        (error.fault.code === 'service.AUTH_EXPIRED' || error.fault.code === 'service.AUTH_REQUIRED')
      ) {
        return send(true);
      }
      throw error;
    }
  };

  const tagsOf = (mailbox: string) => {
    let tags = tagCache.get(mailbox);
    if (tags === undefined) {
      tags = mailCall(mailbox, 'GetTagRequest', {}).then((response) =>
        children(response, 'tag').map((tag) => ({
          id: text(tag, 'id') ?? '',
          name: text(tag, 'name') ?? '',
          color: integer(tag, 'color'),
          rgb: text(tag, 'rgb'),
        })),
      );
      tagCache.set(mailbox, tags);
    }
    return tags;
  };

  return {
    listTags: tagsOf,

    async listFolders(mailbox) {
      return flattenFolderTree(await mailCall(mailbox, 'GetFolderRequest', { visible: 0 }));
    },

    async listMessages(mailbox, folderId, cursor, pageSize) {
      const response = await mailCall(
        mailbox,
        'SearchRequest',
        folderPageRequest(folderId, cursor, pageSize),
      );
      const tagNames = new Map((await tagsOf(mailbox)).map((tag) => [tag.id, tag.name]));
      return readMessagePage(response, tagNames);
    },

    async fetchRawMessage(mailbox, message) {
      const session = sessions.forMailbox(mailbox);
      let renewed = false;
      let lastProblem = '';
      for (let attempt = 1; attempt <= RAW_FETCH_ATTEMPTS; attempt++) {
        const response = await transport.get(
          session.port,
          `/service/home/~/?id=${encodeURIComponent(message.id)}`,
          await session.token(false),
          mailbox,
        );
        if (response.status === 401 && !renewed) {
          await response.body?.cancel();
          renewed = true;
          await session.token(true);
          attempt -= 1;
          continue;
        }
        if (response.status === 404) {
          await response.body?.cancel();
          throw new UserError(
            'ZIMBRA_ITEM_GONE',
            `Message ${message.id} is no longer in the Zimbra mailbox ${mailbox} (deleted or moved during the migration), or it cannot be read.`,
            { context: { user: mailbox, itemId: message.id, folderPath: message.folderId } },
          );
        }
        if (!response.ok) {
          await response.body?.cancel();
          lastProblem = `HTTP ${response.status}`;
        } else {
          const bytes = new Uint8Array(await response.arrayBuffer());
          if (bytes.length > 0 && (message.sizeBytes === 0 || bytes.length === message.sizeBytes)) {
            return bytes;
          }
          lastProblem =
            bytes.length === 0
              ? 'an empty message'
              : `${bytes.length} bytes where Zimbra reported ${message.sizeBytes}`;
        }
        if (attempt < RAW_FETCH_ATTEMPTS) await clock.sleep(RAW_RETRY_DELAY_MS * attempt);
      }
      throw new TransientError(
        'ZIMBRA_MESSAGE_INCOMPLETE',
        `Zimbra served ${lastProblem} for message ${message.id} of ${mailbox} ${RAW_FETCH_ATTEMPTS} times; it was not migrated, so a blank copy never reaches Microsoft 365. Retry Errors will try again.`,
        { context: { user: mailbox, itemId: message.id } },
      );
    },
  };
}
