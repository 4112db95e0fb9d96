import { type Clock, SYSTEM_CLOCK } from '../domain/clock.ts';
import { UserError } from '../domain/errors.ts';
import type { SourceCalendarInstance } from '../domain/pim.ts';
import type { Source, SourceTag } from '../domain/source.ts';
import { dedupeInstances, expansionWindows, instancesRequest, readInstances } from './calendar-instances.ts';
import { contactAttrs, contactRequest, groupMembers, photoPart } from './contacts.ts';
import { readFolderTree } from './folders.ts';
import { bool, children, integer, text } from './json-element.ts';
import { readMailboxSettings } from './mailbox-settings.ts';
import { folderPageRequest, readMessagePage } from './messages.ts';
import { pimPageRequest, readPimPage } from './pim-items.ts';
import { prefsRequest, readPref, TIME_ZONE_PREF } from './prefs.ts';
import { createRestFetcher } from './rest-fetch.ts';
import type { SessionFactory } from './session.ts';
import type { SoapTransport } from './soap-transport.ts';
import { asMailboxError, ZimbraFaultError } from './zimbra-error.ts';

const utf8 = new TextDecoder('utf-8');

/** REST path of a mailbox's home (zimbra.md §7.5); the name works for delegated and own tokens alike. */
const homePath = (mailbox: string) => `/service/home/${encodeURIComponent(mailbox)}/`;

/** Where the source reports what it works around without failing (an unreadable preference). */
export type SourceWarn = (message: string) => void;

const emitWarning: SourceWarn = (message) => process.emitWarning(message, 'FerrySourceWarning');

export function createZimbraSource(
  transport: SoapTransport,
  sessions: SessionFactory,
  clock: Clock = SYSTEM_CLOCK,
  warn: SourceWarn = emitWarning,
): Source {
  const tagCache = new Map<string, Promise<SourceTag[]>>();
  const timeZoneCache = new Map<string, Promise<string | undefined>>();
  const fetchRest = createRestFetcher(transport, sessions, clock);

  /** A request with the mailbox's token, renewed once if Zimbra says it expired. */
  const mailboxCall = async (
    mailbox: string,
    request: string,
    body: Record<string, unknown>,
    namespace: 'urn:zimbraMail' | 'urn:zimbraAccount',
  ) => {
    const session = sessions.forMailbox(mailbox);
    const send = (authToken: string) =>
      transport.call({ port: session.port, request, namespace, body, authToken, rateKey: mailbox });
    try {
      const used = await session.token();
      try {
        return await send(used);
      } catch (error) {
        if (
          error instanceof ZimbraFaultError &&
          (error.fault.code === 'service.AUTH_EXPIRED' || error.fault.code === 'service.AUTH_REQUIRED')
        ) {
          return await send(await session.renew(used));
        }
        throw error;
      }
    } catch (error) {
      throw asMailboxError(error);
    }
  };
  const mailCall = (mailbox: string, request: string, body: Record<string, unknown>) =>
    mailboxCall(mailbox, request, body, 'urn:zimbraMail');

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

  const tagNamesOf = async (mailbox: string) =>
    new Map((await tagsOf(mailbox)).map((tag) => [tag.id, tag.name]));

  /** Read once per mailbox; a failure costs the zone (events keep their calendar's), never the pass. */
  const timeZoneOf = (mailbox: string) => {
    const key = mailbox.toLowerCase();
    let zone = timeZoneCache.get(key);
    if (zone === undefined) {
      zone = mailboxCall(mailbox, 'GetPrefsRequest', prefsRequest(TIME_ZONE_PREF), 'urn:zimbraAccount').then(
        (response) => readPref(response, TIME_ZONE_PREF),
        (error: unknown) => {
          warn(
            `The time zone of the Zimbra mailbox ${mailbox} could not be read (${error instanceof Error ? error.message : String(error)}); its all-day and floating-time events and tasks take the calendar's own zone, else UTC.`,
          );
          return undefined;
        },
      );
      timeZoneCache.set(key, zone);
    }
    return zone;
  };

  return {
    listTags: tagsOf,

    mailboxTimeZone: timeZoneOf,

    async listFolders(mailbox) {
      const tree = readFolderTree(await mailCall(mailbox, 'GetFolderRequest', { visible: 0 }));
      for (const folder of tree.leftOut) {
        warn(`The Zimbra folder "${folder.path}" of ${mailbox} is not migrated: ${folder.reason}.`);
      }
      return tree.folders;
    },

    async listMessages(mailbox, folderId, cursor, pageSize) {
      const response = await mailCall(
        mailbox,
        'SearchRequest',
        folderPageRequest(folderId, cursor, pageSize),
      );
      return readMessagePage(response, await tagNamesOf(mailbox));
    },

    async fetchRawMessage(mailbox, message) {
      return fetchRest({
        mailbox,
        path: `/service/home/~/?id=${encodeURIComponent(message.id)}`,
        itemId: message.id,
        what: `message ${message.id}`,
        problem: (bytes) =>
          message.sizeBytes === 0 || bytes.length === message.sizeBytes
            ? undefined
            : `${bytes.length} bytes where Zimbra reported ${message.sizeBytes}`,
      });
    },

    async listPimItems(mailbox, folderId, kind, cursor, pageSize) {
      const response = await mailCall(
        mailbox,
        'SearchRequest',
        pimPageRequest(folderId, kind, cursor, pageSize),
      );
      return readPimPage(response, kind, await tagNamesOf(mailbox));
    },

    async fetchContact(mailbox, ref) {
      const response = await mailCall(mailbox, 'GetContactsRequest', contactRequest(ref.id));
      const contact = children(response, 'cn')[0];
      if (contact === undefined) {
        throw new UserError(
          'ZIMBRA_ITEM_GONE',
          `Contact ${ref.id} is no longer in the Zimbra mailbox ${mailbox} (deleted or moved during the migration).`,
          { context: { user: mailbox, itemId: ref.id } },
        );
      }
      const part = photoPart(contact);
      const photo =
        part === undefined
          ? undefined
          : {
              contentType: part.contentType,
              bytes: await fetchRest({
                mailbox,
                path: `${homePath(mailbox)}?id=${encodeURIComponent(ref.id)}&part=${encodeURIComponent(part.part)}`,
                itemId: ref.id,
                what: `the photo of contact ${ref.id}`,
                problem: (bytes) =>
                  part.size === undefined || bytes.length === part.size
                    ? undefined
                    : `${bytes.length} bytes where Zimbra reported ${part.size}`,
              }),
            };
      return { ref, attrs: contactAttrs(contact), photo, groupMembers: groupMembers(contact) };
    },

    async fetchCalendarItem(mailbox, ref) {
      const what = `${ref.kind === 'tasks' ? 'task' : 'appointment'} ${ref.id}`;
      const bytes = await fetchRest({
        mailbox,
        // Without icalAttach=inline Zimbra's export leaves an appointment's attachments out.
        path: `${homePath(mailbox)}?id=${encodeURIComponent(ref.id)}&fmt=ics${ref.kind === 'calendar' ? '&icalAttach=inline' : ''}`,
        itemId: ref.id,
        what,
        // A cut answer still starts well: only a calendar that is closed is whole.
        problem: (received) =>
          /END:VCALENDAR\s*$/.test(utf8.decode(received)) ? undefined : 'an incomplete iCalendar',
      });
      return { ref, ics: utf8.decode(bytes) };
    },

    async listCalendarInstances(mailbox, folderId, fromMs, toMs) {
      const found: SourceCalendarInstance[] = [];
      for (const window of expansionWindows(fromMs, toMs)) {
        // The fast path answers everything at once; a server that pages anyway is followed by offset.
        for (let offset = 0; ;) {
          const response = await mailCall(
            mailbox,
            'SearchRequest',
            instancesRequest(folderId, window.start, window.end, offset),
          );
          const page = readInstances(response);
          found.push(...page.instances);
          offset += page.hits;
          if (!bool(response, 'more') || page.hits === 0) break;
        }
      }
      return dedupeInstances(found);
    },

    readMailboxSettings: (mailbox) =>
      readMailboxSettings((request, body, namespace) => mailboxCall(mailbox, request, body, namespace)),
  };
}
