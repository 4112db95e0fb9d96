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
  if (adminAccounts.has(address) || (zimbraExport && address.split('@')[0] === ZIMBRA_ADMIN_LOCAL_PART))
    return 'is the Zimbra admin account: the migration signs in with it, it is not a mailbox to migrate';
  if (zimbraExport && ZIMBRA_SYSTEM_ACCOUNT.test(address))
    return 'is a Zimbra system account (GAL sync, spam training or quarantine), not a user mailbox';
  return undefined;
}

/** Entry types in column 3 of the Zimbra export; only accounts are mailboxes to migrate. */
const ZIMBRA_ENTRY_TYPES = new Set(['account', 'calresource', 'dl', 'alias', 'domain', 'cos']);
const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/;

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0]!.trim() !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += char;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

export function parseMailboxList(
  text: string,
  options: { destinationDomain?: string | undefined; adminAccounts?: readonly string[] } = {},
): MailboxList {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''));
  const first = records[0]?.fields.map((f) => f.trim().toLowerCase());
  const zimbraExport = records.some(
    (r) => r.fields.length >= 6 && ZIMBRA_ENTRY_TYPES.has(r.fields[2]?.trim() ?? ''),
  );
  const rows: MailboxListRow[] = [];
  const problems: MailboxListProblem[] = [];
  const skipped: MailboxListSkip[] = [];
  const admins = new Set(options.adminAccounts?.map((a) => a.toLowerCase()));
  const seen = new Map<string, number>();
  const add = (line: number, source: string, destination: string) => {
    const reason = notAUserMailbox(source, admins, zimbraExport);
    if (reason !== undefined) return skipped.push({ line, source, reason });
    if (!EMAIL.test(source)) return problems.push({ line, message: `"${source}" is not an email address` });
    if (!EMAIL.test(destination))
      return problems.push({ line, message: `"${destination}" is not an email address` });
    const earlier = seen.get(source.toLowerCase());
    if (earlier !== undefined)
      return problems.push({ line, message: `${source} is already on line ${earlier}` });
    seen.set(source.toLowerCase(), line);
    return rows.push({ line, source, destination });
  };

  if (zimbraExport) {
    const domain = options.destinationDomain?.trim().replace(/^@/, '');
    for (const { line, fields } of records) {
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

  const body = first?.[0] === 'source' ? records.slice(1) : records;
  for (const { line, fields } of body) {
    const [source = '', destination = ''] = fields.map((f) => f.trim());
    if (fields.length !== 2) {
      problems.push({ line, message: `expected "source,destination", found ${fields.length} column(s)` });
      continue;
    }
    add(line, source, destination);
  }
  return { format: 'pairs', rows, problems, skipped };
}
