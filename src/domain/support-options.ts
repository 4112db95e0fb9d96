import { UserError } from './errors.ts';
import { userPatternProblem } from './user-pattern.ts';

/**
 * MigrationWiz-style Support options: a free `Key=Value` list. Known keys are checked; an unknown
 * key is refused with the list of known ones, so a typo never silently does nothing.
 */
export interface SupportOptions {
  readonly folderMappings: readonly { pattern: string; replacement: string }[];
  readonly recipientMappings: readonly { from: string; to: string }[];
  readonly calendarExpandInstances: boolean;
  /** UseImportMime=1: mail through Graph beta importMime (the original MIME whole). */
  readonly useImportMime: boolean;
  /** MigrateOutOfOffice=1: an active Zimbra out-of-office is switched on in Microsoft 365 (after cutover). */
  readonly migrateOutOfOffice: boolean;
}

const KNOWN_KEYS = [
  'FolderMapping',
  'RecipientMapping',
  'ZimbraCalendarExpandInstances',
  'UseImportMime',
  'MigrateOutOfOffice',
] as const;

export function parseSupportOptions(entries: readonly string[]): SupportOptions {
  const folderMappings: { pattern: string; replacement: string }[] = [];
  const recipientMappings: { from: string; to: string }[] = [];
  let calendarExpandInstances = false;
  let useImportMime = false;
  let migrateOutOfOffice = false;
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry.trim() : entry.slice(0, eq).trim();
    const value = eq < 0 ? '' : unquote(entry.slice(eq + 1).trim());
    switch (key) {
      case 'FolderMapping': {
        const [pattern, replacement] = splitArrow(entry, value);
        const problem = userPatternProblem(pattern, 'FolderMapping');
        if (problem !== undefined) throw invalid(entry, problem);
        folderMappings.push({ pattern, replacement });
        break;
      }
      case 'RecipientMapping': {
        const [from, to] = splitArrow(entry, value);
        if (from === '') throw invalid(entry, 'the text to replace is empty');
        recipientMappings.push({ from, to });
        break;
      }
      case 'ZimbraCalendarExpandInstances':
        if (value !== '0' && value !== '1') throw invalid(entry, 'the value must be 0 or 1');
        calendarExpandInstances = value === '1';
        break;
      case 'UseImportMime':
        if (value !== '0' && value !== '1') throw invalid(entry, 'the value must be 0 or 1');
        useImportMime = value === '1';
        break;
      case 'MigrateOutOfOffice':
        if (value !== '0' && value !== '1') throw invalid(entry, 'the value must be 0 or 1');
        migrateOutOfOffice = value === '1';
        break;
      default:
        throw invalid(entry, `"${key}" is not a known Support option (known: ${KNOWN_KEYS.join(', ')})`);
    }
  }
  return { folderMappings, recipientMappings, calendarExpandInstances, useImportMime, migrateOutOfOffice };
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function splitArrow(entry: string, value: string): [string, string] {
  const arrow = value.indexOf('->');
  if (arrow < 0) throw invalid(entry, 'expected "from->to"');
  return [value.slice(0, arrow), value.slice(arrow + 2)];
}

function invalid(entry: string, why: string): UserError {
  const sentence = why.endsWith('.') ? why : `${why}.`;
  return new UserError('SUPPORT_OPTION_INVALID', `The Support option ${entry} is invalid: ${sentence}`, {
    details: { option: entry },
  });
}
