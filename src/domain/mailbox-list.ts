import { type CsvRecord, csvRecords } from './csv.ts';
import { UserError } from './errors.ts';
import { mailboxKey, normalizeAddress } from './mailbox-address.ts';

/**
 * Mailbox lists as admins bring them: the Zimbra admin console's account export (Search →
 * Download; no header, 6–8 columns by version, every field quoted before 8.7 — zimbra.md §11.1)
 * or a `source,destination` CSV. Every bad row is reported with its line number, and the caller
 * imports nothing while any row is bad. Lines naming an administrator or a Zimbra system account,
 * which the export always holds, are left out with the reason: they are no user mailboxes.
 */
export interface MailboxListRow {
  readonly line: number;
  readonly source: string;
  readonly destination: string;
}

export interface MailboxListProblem {
  readonly line: number;
  readonly message: string;
}

export interface MailboxListSkip {
  readonly line: number;
  readonly source: string;
  readonly reason: string;
}

export interface MailboxList {
  readonly format: 'pairs' | 'zimbra-export';
  readonly rows: readonly MailboxListRow[];
  readonly problems: readonly MailboxListProblem[];
  readonly skipped: readonly MailboxListSkip[];
}

/**
 * Accounts every Zimbra export lists that are no user mailboxes: admin@ (the Global Administrator
 * zmsetup creates) and the system accounts it names galsync.*, spam.*, ham.*, virus-quarantine.*.
 */
const ZIMBRA_ADMIN_LOCAL_PART = 'admin';
const ZIMBRA_SYSTEM_ACCOUNT = /^(galsync|spam|ham|virus-quarantine)\.[^@]+@/i;

function notAUserMailbox(
  source: string,
  adminAccounts: ReadonlySet<string>,
  zimbraExport: boolean,
): string | undefined {
  const address = source.toLowerCase();
  if (
    adminAccounts.has(mailboxKey(source)) ||
    (zimbraExport && address.split('@')[0] === ZIMBRA_ADMIN_LOCAL_PART)
  )
    return 'is the Zimbra admin account: the migration signs in with it, it is not a mailbox to migrate';
  if (zimbraExport && ZIMBRA_SYSTEM_ACCOUNT.test(address))
    return 'is a Zimbra system account (GAL sync, spam training or quarantine), not a user mailbox';
  return undefined;
}

/** Entry types in column 3 of the Zimbra export; only accounts are mailboxes to migrate. */
const ZIMBRA_ENTRY_TYPES = new Set(['account', 'calresource', 'dl', 'alias', 'domain', 'cos']);
const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/;

/** The most rows one list may hold (README: Bulk Add); split longer lists. */
export const MAX_MAILBOX_LIST_ROWS = 100_000;
/** Records parsed between two of the parser's pauses. */
const RECORDS_PER_STEP = 1_000;

export function parseMailboxList(
  text: string,
  options: { destinationDomain?: string | undefined; adminAccounts?: readonly string[] } = {},
): MailboxList {
  const steps = mailboxListSteps(text, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * The parser, a slice at a time: it pauses (yields) every RECORDS_PER_STEP records so that a server
 * can let other requests run while a 10 MB list is read, and returns the list. More than
 * MAX_MAILBOX_LIST_ROWS records is a UserError.
 */
export function* mailboxListSteps(
  text: string,
  options: { destinationDomain?: string | undefined; adminAccounts?: readonly string[] } = {},
): Generator<void, MailboxList, undefined> {
  const records: CsvRecord[] = [];
  for (const record of csvRecords(text.replace(/^\uFEFF/, ''))) {
    if (records.length === MAX_MAILBOX_LIST_ROWS)
      throw new UserError(
        'MAILBOX_LIST_TOO_LONG',
        `The list has more than ${MAX_MAILBOX_LIST_ROWS.toLocaleString('en')} rows; split it into several lists.`,
        { details: { maxRows: MAX_MAILBOX_LIST_ROWS } },
      );
    records.push(record);
    if (records.length % RECORDS_PER_STEP === 0) yield;
  }
  const zimbraExport = records.some(
    (r) => r.fields.length >= 6 && ZIMBRA_ENTRY_TYPES.has(r.fields[2]?.trim() ?? ''),
  );
  const rows: MailboxListRow[] = [];
  const problems: MailboxListProblem[] = [];
  const skipped: MailboxListSkip[] = [];
  const admins = new Set(options.adminAccounts?.map(mailboxKey));
  const seen = new Map<string, number>();
  const add = (line: number, source: string, destination: string) => {
    const reason = notAUserMailbox(source, admins, zimbraExport);
    if (reason !== undefined) return skipped.push({ line, source, reason });
    if (!EMAIL.test(source)) return problems.push({ line, message: `"${source}" is not an email address` });
    if (!EMAIL.test(destination))
      return problems.push({ line, message: `"${destination}" is not an email address` });
    const key = mailboxKey(source);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      return problems.push({ line, message: `${source} is already on line ${earlier}` });
    seen.set(key, line);
    return rows.push({ line, source: normalizeAddress(source), destination: normalizeAddress(destination) });
  };

  if (zimbraExport) {
    const domain = options.destinationDomain?.trim().replace(/^@/, '');
    for (const [index, { line, fields }] of records.entries()) {
      if (index % RECORDS_PER_STEP === RECORDS_PER_STEP - 1) yield;
      if (fields.length < 6 || fields.length > 8) {
        problems.push({
          line,
          message: `expected 6 to 8 columns of the Zimbra export, found ${fields.length}`,
        });
        continue;
      }
      if (fields[2]?.trim() !== 'account') continue;
      const source = fields[0]!.trim();
      if (domain === undefined || domain === '') {
        problems.push({
          line,
          message: 'the Zimbra export names no destination: give the destination domain',
        });
        continue;
      }
      add(line, source, `${source.split('@')[0] ?? ''}@${domain}`);
    }
    return { format: 'zimbra-export', rows, problems, skipped };
  }

  const first = records[0]?.fields.map((f) => f.trim().toLowerCase());
  const body = first?.[0] === 'source' ? records.slice(1) : records;
  for (const [index, { line, fields }] of body.entries()) {
    if (index % RECORDS_PER_STEP === RECORDS_PER_STEP - 1) yield;
    const [source = '', destination = ''] = fields.map((f) => f.trim());
    if (fields.length !== 2) {
      problems.push({ line, message: `expected "source,destination", found ${fields.length} column(s)` });
      continue;
    }
    add(line, source, destination);
  }
  return { format: 'pairs', rows, problems, skipped };
}
