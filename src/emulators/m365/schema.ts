import { GraphError } from './errors.ts';

/** Writable (and tolerated read-only) properties per entity, from the v1.0 CSDL (graph-schemas.json). */
const OUTLOOK_ITEM = ['id', 'categories', 'changeKey', 'createdDateTime', 'lastModifiedDateTime'];
const EXTENDED = ['singleValueExtendedProperties', 'multiValueExtendedProperties', 'extensions'];

export const ENTITY_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  message: [
    ...OUTLOOK_ITEM, ...EXTENDED, 'attachments', 'bccRecipients', 'body', 'bodyPreview', 'ccRecipients', 'conversationId',
    'conversationIndex', 'flag', 'from', 'hasAttachments', 'importance', 'inferenceClassification', 'internetMessageHeaders',
    'internetMessageId', 'isDeliveryReceiptRequested', 'isDraft', 'isRead', 'isReadReceiptRequested', 'parentFolderId',
    'receivedDateTime', 'replyTo', 'sender', 'sentDateTime', 'subject', 'toRecipients', 'uniqueBody', 'webLink',
  ],
  mailFolder: ['id', 'displayName', 'isHidden', 'parentFolderId', 'childFolderCount', 'totalItemCount', 'unreadItemCount', ...EXTENDED],
  contactFolder: ['id', 'displayName', 'parentFolderId', ...EXTENDED],
  contact: [
    ...OUTLOOK_ITEM, ...EXTENDED, 'assistantName', 'birthday', 'businessAddress', 'businessHomePage', 'businessPhones', 'children',
    'companyName', 'department', 'displayName', 'emailAddresses', 'fileAs', 'generation', 'givenName', 'homeAddress', 'homePhones',
    'imAddresses', 'initials', 'jobTitle', 'manager', 'middleName', 'mobilePhone', 'nickName', 'officeLocation', 'otherAddress',
    'parentFolderId', 'personalNotes', 'profession', 'spouseName', 'surname', 'title', 'yomiCompanyName', 'yomiGivenName', 'yomiSurname',
  ],
  calendar: ['id', 'name', 'color', 'hexColor', 'isDefaultCalendar', 'changeKey', 'canEdit', 'canShare', 'canViewPrivateItems', 'owner', ...EXTENDED],
  event: [
    ...OUTLOOK_ITEM, ...EXTENDED, 'attachments', 'allowNewTimeProposals', 'attendees', 'body', 'bodyPreview', 'end', 'hasAttachments',
    'hideAttendees', 'iCalUId', 'importance', 'isAllDay', 'isCancelled', 'isDraft', 'isOnlineMeeting', 'isOrganizer', 'isReminderOn',
    'location', 'locations', 'onlineMeeting', 'onlineMeetingProvider', 'onlineMeetingUrl', 'organizer', 'originalEndTimeZone',
    'originalStart', 'originalStartTimeZone', 'recurrence', 'reminderMinutesBeforeStart', 'responseRequested', 'responseStatus',
    'sensitivity', 'seriesMasterId', 'showAs', 'start', 'subject', 'transactionId', 'type', 'webLink',
  ],
  todoTaskList: ['id', 'displayName', 'isOwner', 'isShared', 'wellknownListName', 'extensions'],
  todoTask: [
    'id', 'body', 'categories', 'completedDateTime', 'createdDateTime', 'dueDateTime', 'importance', 'isReminderOn', 'lastModifiedDateTime',
    'recurrence', 'reminderDateTime', 'startDateTime', 'status', 'title', 'checklistItems', 'linkedResources', 'extensions', 'hasAttachments',
    'bodyLastModifiedDateTime',
  ],
  checklistItem: ['id', 'displayName', 'isChecked', 'checkedDateTime', 'createdDateTime'],
  linkedResource: ['id', 'applicationName', 'displayName', 'externalId', 'webUrl'],
  outlookCategory: ['id', 'displayName', 'color'],
  messageRule: ['id', 'displayName', 'sequence', 'isEnabled', 'conditions', 'actions', 'exceptions', 'hasError', 'isReadOnly'],
  mailboxSettings: [
    'archiveFolder', 'automaticRepliesSetting', 'dateFormat', 'delegateMeetingMessageDeliveryOptions', 'language', 'timeFormat',
    'timeZone', 'userPurpose', 'workingHours',
  ],
};

/** Rejects a property the entity type does not define, with Graph's RequestBodyRead error. */
export function checkProperties(body: Record<string, unknown>, type: string, extra: readonly string[] = []): void {
  const allowed = ENTITY_PROPERTIES[type] ?? [];
  for (const name of Object.keys(body)) {
    if (name.startsWith('@odata.') || name.includes('@odata.') || allowed.includes(name) || extra.includes(name)) continue;
    throw new GraphError(
      400,
      'RequestBodyRead',
      `The property '${name}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
    );
  }
}
