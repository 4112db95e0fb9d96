/**
 * The MAPI properties Ferry sets through Graph's `singleValueExtendedProperties`
 * (microsoft-graph.md §5.2). Ids are `"{Type} 0x{proptag}"`; named properties are
 * `"{Type} {guid} Name {name}"`.
 */
import { FERRY_PROPERTY_SET_GUID, type GraphExtendedProperty } from '../domain/mail.ts';

export const PROPERTY_IDS = {
  /** PidTagMessageFlags. Honoured only at creation; without it Graph creates a draft. */
  messageFlags: 'Integer 0x0E07',
  /** PidTagMessageDeliveryTime → receivedDateTime. Creation only. */
  deliveryTime: 'SystemTime 0x0E06',
  /** PidTagClientSubmitTime → sentDateTime. Creation only. */
  submitTime: 'SystemTime 0x0039',
  /** PidTagTransportMessageHeaders: the original header block ("message details"). Creation only. */
  transportHeaders: 'String 0x007D',
  /** PidTagInReplyToId: the In-Reply-To message id. */
  inReplyTo: 'String 0x1042',
  /** PidTagInternetReferences: the References message ids, space separated. */
  references: 'String 0x1039',
  /** PidTagIconIndex: which icon Outlook shows (replied / forwarded). */
  iconIndex: 'Integer 0x1080',
  /** PidTagLastVerbExecuted: the last reply/forward action. */
  lastVerbExecuted: 'Integer 0x1081',
} as const;

/** PidTagMessageFlags bits (MS-OXCMSG 2.2.1.6). */
export const MSGFLAG = {
  READ: 0x1,
  UNMODIFIED: 0x2,
  SUBMIT: 0x4,
  /** The draft bit: Ferry never sets it; a draft is created by leaving 0x0E07 out. */
  UNSENT: 0x8,
  HASATTACH: 0x10,
  FROMME: 0x20,
} as const;

/**
 * PidTagMessageFlags for an imported, non-draft message. Read: `MSGFLAG_READ` (1). Unread:
 * `MSGFLAG_SUBMIT` (4), the value corso relies on for unread non-drafts; `0` is untested and may be
 * taken as "not set" (microsoft-graph.md §5.2 [O]). HASATTACH is computed by Exchange.
 */
export function nonDraftMessageFlags(read: boolean): number {
  const flags = read ? MSGFLAG.READ : MSGFLAG.SUBMIT;
  return flags & ~MSGFLAG.UNSENT;
}

/** PidTagLastVerbExecuted values (MS-OXOMSG 2.2.1.34). */
export const LAST_VERB = { replyToSender: 102, replyToAll: 103, forward: 104 } as const;

/** PidTagIconIndex values (MS-OXOMSG 2.2.1.10) for a read mail item that was answered. */
export const ICON_INDEX = { replied: 261, forwarded: 262 } as const;

/** FILETIME, which SystemTime properties are stored as, covers 1601–30828; ISO strings stop at 9999. */
const MIN_SYSTEM_TIME_MS = Date.UTC(1601, 0, 1);
const MAX_SYSTEM_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Whether an epoch-ms value can be sent as a SystemTime property. */
export function isValidSystemTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_SYSTEM_TIME_MS && ms <= MAX_SYSTEM_TIME_MS;
}

/** A SystemTime value: ISO 8601 UTC to the second, `yyyy-MM-ddTHH:mm:ssZ` (sub-seconds dropped). */
export function formatSystemTime(ms: number): string {
  const seconds = Math.floor(ms / 1000) * 1000;
  return new Date(seconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The id of a named string property in Ferry's property set, e.g. `FerrySourceId`. */
export function ferryNamedPropertyId(name: string, type: 'String' | 'Integer' = 'String'): string {
  return `${type} {${FERRY_PROPERTY_SET_GUID}} Name ${name}`;
}

export function property(id: string, value: string | number): GraphExtendedProperty {
  return { id, value: String(value) };
}
