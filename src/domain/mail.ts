/**
 * Mail items as the engine and `convert/` exchange them: what Zimbra tells us about a message besides
 * its raw MIME, and the Microsoft Graph JSON create payload built from both.
 */
import type { BodyType, FollowupFlagStatus, Importance } from '@microsoft/microsoft-graph-types';

/** The metadata of one Zimbra message hit (`SearchRequest types=message`, zimbra.md §5.2). */
export interface ZimbraMessageMeta {
  /** Zimbra item id (`id`). */
  readonly id: string;
  /** Folder id (`l`). */
  readonly folderId: string;
  /** Flag letters (`f`), e.g. `"ufa"`; `u` present = unread. */
  readonly flags: string;
  /** Tag names (`tn`, 8.0+; 6.x/7.x ids must be resolved through GetTagRequest first). */
  readonly tags: readonly string[];
  /** Received/internal date (`d`), epoch **milliseconds**. */
  readonly receivedMs: number;
  /** Size of the raw MIME in bytes (`s`). */
  readonly size: number;
}

/**
 * Ferry's own property set for named MAPI properties (the idempotency stamp and anything else Ferry
 * writes). One GUID for the project, one name per item kind (microsoft-graph.md §6).
 */
export const FERRY_PROPERTY_SET_GUID = 'eb01e284-c129-4a35-b6a6-62edc1db9d46';

export interface GraphEmailAddress {
  readonly name?: string;
  readonly address: string;
}

export interface GraphRecipient {
  readonly emailAddress: GraphEmailAddress;
}

/** A `singleValueLegacyExtendedProperty`: id `"{Type} 0x{tag}"` or `"{Type} {guid} Name {name}"`. */
export interface GraphExtendedProperty {
  readonly id: string;
  readonly value: string;
}

export interface GraphFileAttachment {
  readonly '@odata.type': '#microsoft.graph.fileAttachment';
  readonly name: string;
  readonly contentType: string;
  /** base64 of the attachment bytes. */
  readonly contentBytes: string;
  readonly isInline: boolean;
  /** The `cid:` reference in the HTML body, without angle brackets. */
  readonly contentId?: string;
}

/** The JSON body of `POST /users/{id}/mailFolders/{folderId}/messages` (microsoft-graph.md §5.2). */
export interface GraphMessageDraft {
  readonly subject: string;
  readonly body: { readonly contentType: BodyType; readonly content: string };
  readonly from?: GraphRecipient;
  readonly sender?: GraphRecipient;
  readonly toRecipients: readonly GraphRecipient[];
  readonly ccRecipients: readonly GraphRecipient[];
  readonly bccRecipients: readonly GraphRecipient[];
  readonly replyTo: readonly GraphRecipient[];
  readonly internetMessageId?: string;
  readonly importance: Importance;
  readonly isRead: boolean;
  readonly categories: readonly string[];
  readonly flag: { readonly flagStatus: FollowupFlagStatus };
  readonly singleValueExtendedProperties: readonly GraphExtendedProperty[];
  readonly attachments: readonly GraphFileAttachment[];
}

/**
 * An attachment the engine adds after creating the message, because it does not fit the 4 MB create
 * request: an upload session (`createUploadSession`) from 3 MB on, a plain `POST …/attachments` below.
 */
export interface LargeAttachment {
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly contentId?: string;
  readonly isInline: boolean;
  readonly bytes: Uint8Array;
}

export const CONVERSION_WARNING_CODES = [
  'unreadable-mime',
  'mime-structure-repaired',
  'mime-too-deep',
  'too-many-attachments',
  'empty-message',
  'invalid-address',
  'invalid-date',
  'missing-date',
  'invalid-message-id',
  'header-not-utf8',
  'transport-headers-truncated',
  'body-moved-to-attachment',
  'size-mismatch',
  'text-altered',
  'charset-guessed',
] as const;
export type ConversionWarningCode = (typeof CONVERSION_WARNING_CODES)[number];

/** Something the admin should know about one converted item; never a reason to skip it. */
export interface ConversionWarning {
  readonly code: ConversionWarningCode;
  /** Written for a migration admin. */
  readonly message: string;
}

export interface ConvertedMessage {
  readonly message: GraphMessageDraft;
  readonly largeAttachments: readonly LargeAttachment[];
  readonly warnings: readonly ConversionWarning[];
  /** SHA-256 (hex) of the raw MIME bytes, stored in the item map. */
  readonly contentHash: string;
}

/** A plain substring replacement applied to every address, e.g. `@old.example` → `@new.example`. */
export interface RecipientMapping {
  readonly from: string;
  readonly to: string;
}

export interface MessageConversionOptions {
  /** Applied in order, case-insensitively, to from, sender, to, cc, bcc and reply-to addresses. */
  readonly recipientMapping?: readonly RecipientMapping[];
  /** The idempotency stamp: a named property id (see FERRY_PROPERTY_SET_GUID) and its value. */
  readonly stamp?: { readonly propertyId: string; readonly value: string };
}
