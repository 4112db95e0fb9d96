import { ItemCollection, type StoredItem } from './item-store.ts';

export interface DirectoryUser {
  readonly id: string;
  readonly tenantId: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly hasMailbox: boolean;
  readonly mfa: boolean;
  readonly password: string | undefined;
  readonly maxMessageSizeMB: number;
  /** The mailbox quota in MB; undefined: unlimited. */
  readonly mailboxQuotaMB: number | undefined;
}

/** A meeting message Exchange would have sent on the organizer's behalf. */
export interface Invitation {
  readonly kind: 'request' | 'update' | 'cancellation';
  readonly eventId: string;
  readonly subject: string;
  readonly recipients: readonly string[];
  /** Date of the one occurrence concerned, for occurrence updates and cancellations. */
  readonly occurrence?: string;
  readonly at: string;
}

/** Well-known mail folder names and the display names Exchange gives them (English mailbox). */
export const WELL_KNOWN_MAIL_FOLDERS: Readonly<Record<string, string>> = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  junkemail: 'Junk Email',
  outbox: 'Outbox',
  archive: 'Archive',
  conversationhistory: 'Conversation History',
};

/**
 * Folders that are not mail folders but live directly under the message-folder root of every
 * Exchange Online mailbox: the default folders of [MS-OXOSFLD] §2.2.2 (Calendar, Contacts, Journal,
 * Notes, Tasks, Conversation Action Settings, Quick Step Settings, RSS Feeds, Suggested Contacts)
 * and those Exchange Online adds (Files, ExternalContacts, PersonMetadata, Yammer Root, Social
 * Activity Notifications; field reports of migrations meeting ErrorFolderExists on these names).
 * `mailFolders` does not list them, yet a mail folder of the same name at the top cannot be created.
 */
export const NON_MAIL_ROOT_FOLDERS: readonly string[] = [
  'Calendar',
  'Contacts',
  'Journal',
  'Notes',
  'Tasks',
  'Conversation Action Settings',
  'Quick Step Settings',
  'RSS Feeds',
  'Suggested Contacts',
  'Files',
  'ExternalContacts',
  'PersonMetadata',
  'Yammer Root',
  'Social Activity Notifications',
];

export interface ContactPhoto {
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface Mailbox {
  readonly user: DirectoryUser;
  readonly mailFolders: ItemCollection;
  readonly messages: ItemCollection;
  readonly contactFolders: ItemCollection;
  readonly contacts: ItemCollection;
  /** Contact photos by the contact's immutable id. */
  readonly contactPhotos: Map<string, ContactPhoto>;
  /** Personal distribution lists (beta); members in `data.members`. */
  readonly distributionLists: ItemCollection;
  readonly calendars: ItemCollection;
  readonly events: ItemCollection;
  readonly todoLists: ItemCollection;
  readonly tasks: ItemCollection;
  readonly categories: ItemCollection;
  readonly messageRules: ItemCollection;
  /** Immutable ids of the well-known mail folders, by well-known name (plus msgfolderroot). */
  readonly wellKnown: Map<string, string>;
  readonly rootContactFolder: StoredItem;
  readonly defaultCalendar: StoredItem;
  readonly defaultTodoList: StoredItem;
  readonly settings: Record<string, unknown>;
  readonly invitations: Invitation[];
  /** Event transactionId → the event it created and when. */
  readonly transactionIds: Map<string, { readonly eventId: string; readonly at: number }>;
  /** Bytes written by creates and upload ranges, measured against the quota (deletes do not free it). */
  readonly storage: { usedBytes: number };
}

export function createMailbox(user: DirectoryUser): Mailbox {
  const mailFolders = new ItemCollection();
  const root = mailFolders.add('', { displayName: 'Top of Information Store', isHidden: false });
  const wellKnown = new Map([['msgfolderroot', root.immutableId]]);
  for (const [name, displayName] of Object.entries(WELL_KNOWN_MAIL_FOLDERS)) {
    wellKnown.set(name, mailFolders.add(root.immutableId, { displayName, isHidden: false }).immutableId);
  }
  const contactFolders = new ItemCollection();
  const calendars = new ItemCollection();
  const todoLists = new ItemCollection();
  const start = new Date().toISOString().slice(0, 10);
  return {
    user,
    mailFolders,
    messages: new ItemCollection(),
    contactFolders,
    contacts: new ItemCollection(),
    contactPhotos: new Map(),
    distributionLists: new ItemCollection(),
    calendars,
    events: new ItemCollection(),
    todoLists,
    tasks: new ItemCollection(),
    categories: new ItemCollection(),
    messageRules: new ItemCollection(),
    wellKnown,
    rootContactFolder: contactFolders.add('', { displayName: 'Contacts' }),
    defaultCalendar: calendars.add('', { name: 'Calendar', color: 'auto', isDefaultCalendar: true }),
    defaultTodoList: todoLists.add('', {
      displayName: 'Tasks',
      isOwner: true,
      isShared: false,
      wellknownListName: 'defaultList',
    }),
    settings: {
      archiveFolder: wellKnown.get('archive'),
      timeZone: 'UTC',
      dateFormat: 'M/d/yyyy',
      timeFormat: 'h:mm tt',
      userPurpose: 'user',
      delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
      language: { locale: 'en-US', displayName: 'English (United States)' },
      workingHours: {
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        startTime: '08:00:00.0000000',
        endTime: '17:00:00.0000000',
        timeZone: { name: 'UTC' },
      },
      automaticRepliesSetting: {
        status: 'disabled',
        externalAudience: 'all',
        internalReplyMessage: '',
        externalReplyMessage: '',
        scheduledStartDateTime: { dateTime: `${start}T00:00:00.0000000`, timeZone: 'UTC' },
        scheduledEndDateTime: { dateTime: `${start}T00:00:00.0000000`, timeZone: 'UTC' },
      },
    },
    invitations: [],
    transactionIds: new Map(),
    storage: { usedBytes: 0 },
  };
}
