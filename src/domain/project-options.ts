import { UserError } from './errors.ts';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_PRESTAGE_DAYS,
  ITEM_TYPES,
  type ItemType,
  type PassKind,
  type PassOptions,
} from './migration.ts';
import { parseSupportOptions } from './support-options.ts';
import { userPatternProblem } from './user-pattern.ts';

/** Advanced Options of a mailbox project (MigrationWiz tabs Support, Performance, Source/Destination, Filtering). */
export interface AdvancedOptions {
  /** Support tab: free `Key=Value` lines. */
  readonly support: readonly string[];
  /** Performance tab. */
  readonly maxConcurrentMigrations: number;
  /** Source/Destination tab: "Use Impersonation to Authenticate" (needed by the API Permissions approach). */
  readonly useImpersonation: boolean;
  readonly itemTypes: readonly ItemType[];
  readonly folderFilter: string | null;
  /** Only items received on or after / before these dates (YYYY-MM-DD). */
  readonly receivedAfter: string | null;
  readonly receivedBefore: string | null;
  readonly maxMessageSizeMB: number;
  readonly logSubjects: boolean;
  /** Who receives the emails about this project's passes, besides the agent who asks. */
  readonly notificationRecipients: readonly string[];
}

export const DEFAULT_ADVANCED_OPTIONS: AdvancedOptions = {
  support: [],
  maxConcurrentMigrations: 5,
  useImpersonation: true,
  itemTypes: [...ITEM_TYPES],
  folderFilter: null,
  receivedAfter: null,
  receivedBefore: null,
  maxMessageSizeMB: DEFAULT_MAX_MESSAGE_BYTES / 1024 / 1024,
  logSubjects: false,
  notificationRecipients: [],
};

export const PERFORMANCE_GUIDANCE =
  'We recommend a meager value, such as 5, so that server utilization does not go above 80%: a Zimbra server low on resources can return mail that migrates as blank. If the source server has resources to spare, allow three (3) mailboxes per 1 Mbps of bandwidth (for example 30 on a 10 Mbps connection); lower it when the server is short of memory or CPU.';

/** Support options derived from the endpoints: view-only, edited through the endpoints. */
export const ENDPOINT_SUPPORT_KEYS = [
  'ModernAuthClientIdExport',
  'ModernAuthTenantIdExport',
  'ModernAuthClientSecretExport',
  'ModernAuthClientIdImport',
  'ModernAuthTenantIdImport',
  'ModernAuthClientSecretImport',
] as const;

export interface OptionProblem {
  readonly field: string;
  readonly message: string;
}

/** Every problem of a set of options, so the agent fixes them all at once; nothing is saved while any remains. */
export function checkAdvancedOptions(options: AdvancedOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  options.support.forEach((line, index) => {
    const key = line.split('=')[0]?.trim() ?? '';
    if ((ENDPOINT_SUPPORT_KEYS as readonly string[]).includes(key)) {
      problems.push({
        field: `support.${index}`,
        message: `${key} is view-only: it comes from the project's endpoints; edit the endpoint to change it`,
      });
      return;
    }
    try {
      parseSupportOptions([line]);
    } catch (error) {
      problems.push({ field: `support.${index}`, message: (error as Error).message });
    }
  });
  const filterProblem =
    options.folderFilter === null ? undefined : userPatternProblem(options.folderFilter, 'Folder filter');
  if (filterProblem !== undefined) problems.push({ field: 'folderFilter', message: filterProblem });
  if (
    options.receivedAfter !== null &&
    options.receivedBefore !== null &&
    options.receivedAfter >= options.receivedBefore
  ) {
    problems.push({ field: 'receivedBefore', message: 'must be later than receivedAfter' });
  }
  if (options.itemTypes.length === 0)
    problems.push({ field: 'itemTypes', message: 'choose at least one item type' });
  return problems;
}

/** How a Pre-Stage pass chooses old mail (Migration Scheduling): N days ago, or before a date. */
export type PrestageSchedule = { readonly daysAgo: number } | { readonly before: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The options of one pass of a project. */
export function passOptionsFor(
  options: AdvancedOptions,
  pass: PassKind,
  prestage: PrestageSchedule | undefined,
  nowMs: number,
): PassOptions {
  const support = parseSupportOptions(options.support);
  const schedule = prestage ?? { daysAgo: DEFAULT_PRESTAGE_DAYS };
  const prestageBefore =
    'daysAgo' in schedule ? nowMs - schedule.daysAgo * DAY_MS : Date.parse(schedule.before);
  const receivedBeforeMs = options.receivedBefore === null ? undefined : Date.parse(options.receivedBefore);
  if (pass === 'prestage' && Number.isNaN(prestageBefore))
    throw new UserError(
      'PRESTAGE_DATE_INVALID',
      `The Pre-Stage date "${JSON.stringify(schedule)}" is not a date.`,
    );
  return {
    pass,
    // Pre-Stage moves mail only (MigrationWiz): contacts, calendars, tasks and settings wait for the Full pass.
    itemTypes: pass === 'prestage' ? options.itemTypes.filter((t) => t === 'mail') : options.itemTypes,
    receivedBeforeMs:
      pass === 'prestage' ? Math.min(prestageBefore, receivedBeforeMs ?? Infinity) : receivedBeforeMs,
    receivedAfterMs: options.receivedAfter === null ? undefined : Date.parse(options.receivedAfter),
    folderFilter: options.folderFilter ?? undefined,
    folderMappings: support.folderMappings,
    recipientMappings: support.recipientMappings,
    maxMessageBytes: options.maxMessageSizeMB * 1024 * 1024,
    logSubjects: options.logSubjects,
    expandCalendarInstances: support.calendarExpandInstances,
    useImportMime: support.useImportMime,
    migrateOutOfOffice: support.migrateOutOfOffice,
  };
}
