/**
 * What makes a mailbox the user's own besides its items: filters, out-of-office, forwarding and
 * signatures, read from the source as it stores them and carried by the engine to Microsoft 365.
 */

/** The settings kinds of a pass, by MigrationWiz-style item type. */
export const SETTINGS_ITEM_TYPES = ['rules', 'outOfOffice', 'forwarding', 'signatures'] as const;
export type SettingsItemType = (typeof SETTINGS_ITEM_TYPES)[number];

/** One Zimbra filter rule exactly as GetFilterRulesResponse carries it (zimbra.md §9): interpreted by `convert`. */
export type SourceFilterRule = Readonly<Record<string, unknown>>;

export interface SourceSignature {
  readonly id: string;
  readonly name: string;
  readonly html: string | undefined;
  readonly text: string | undefined;
}

export interface SourceMailboxSettings {
  /** Incoming filters, in the order Zimbra runs them. */
  readonly filterRules: readonly SourceFilterRule[];
  readonly outgoingFilterRules: readonly SourceFilterRule[];
  /** The out-of-office, forwarding and signature preferences, by Zimbra name (blank = unset). */
  readonly prefs: Readonly<Record<string, string>>;
  readonly signatures: readonly SourceSignature[];
}

/** The Zimbra preferences the settings kinds read (zimbra.md §10). */
export const SETTINGS_PREFS = [
  'zimbraPrefOutOfOfficeReplyEnabled',
  'zimbraPrefOutOfOfficeReply',
  'zimbraPrefOutOfOfficeExternalReplyEnabled',
  'zimbraPrefOutOfOfficeExternalReply',
  'zimbraPrefOutOfOfficeSuppressExternalReply',
  'zimbraPrefExternalSendersType',
  'zimbraPrefOutOfOfficeFromDate',
  'zimbraPrefOutOfOfficeUntilDate',
  'zimbraPrefMailForwardingAddress',
  'zimbraPrefMailLocalDeliveryDisabled',
  'zimbraPrefDefaultSignatureId',
  'zimbraPrefForwardReplySignatureId',
  'zimbraPrefMailSignature',
  'zimbraPrefMailSignatureHTML',
] as const;

/**
 * One guarded change of the Exchange Online PowerShell script: `read` assigns `$current`, the
 * change runs only when `condition` says the setting differs (so a second run changes nothing)
 * and ShouldProcess allows it (-WhatIf). Every value in them is already quoted by `psQuote`.
 */
export interface ScriptStep {
  /** What the step does, for the script's header and comments. */
  readonly title: string;
  readonly read: string;
  readonly condition: string;
  readonly change: string;
}

/** What one mailbox needs from the PowerShell script, and what could not move at all (with the reason). */
export interface MailboxSettingsScript {
  readonly source: string;
  readonly destination: string;
  readonly steps: readonly ScriptStep[];
  /** Settings neither Graph nor PowerShell can carry, each with the reason and the original text. */
  readonly notMigrated: readonly string[];
  /** What the admin should know about what did move (a reply written switched off, external forwarding). */
  readonly notes: readonly string[];
  /** Signatures as Zimbra stored them, kept with the report (Exchange holds only one). */
  readonly signatures: readonly SourceSignature[];
}
