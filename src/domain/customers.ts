import { parseCsvRecords } from './csv.ts';
import { mailboxKey } from './mailbox-address.ts';

/** A domain name as a customer's Primary Email Domain: labels of letters, digits and hyphens, a TLD of letters. */
const DOMAIN =
  /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

export function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
}

export function isValidDomain(domain: string): boolean {
  return DOMAIN.test(domain);
}

export function isValidEmail(email: string): boolean {
  return EMAIL.test(email);
}

export interface CustomerUserInput {
  readonly email: string;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
}

export interface CustomerUserRow extends CustomerUserInput {
  /** Line of the CSV, or position (from 1) in a JSON list. */
  readonly line: number;
}

export interface CustomerUserProblem {
  readonly line: number;
  readonly message: string;
}

export const MAX_NAME_LENGTH = 200;

/**
 * Checks a list of customer users: every bad row and every duplicate is reported with its line,
 * so the caller can refuse the whole list.
 */
export function checkCustomerUsers(rows: readonly CustomerUserRow[]): {
  users: CustomerUserRow[];
  problems: CustomerUserProblem[];
} {
  const users: CustomerUserRow[] = [];
  const problems: CustomerUserProblem[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const email = mailboxKey(row.email);
    const firstName = emptyToUndefined(row.firstName);
    const lastName = emptyToUndefined(row.lastName);
    if (email === '') problems.push({ line: row.line, message: 'the email is empty' });
    else if (!isValidEmail(email))
      problems.push({ line: row.line, message: `"${row.email}" is not an email address` });
    else if (seen.has(email))
      problems.push({ line: row.line, message: `${email} is already on line ${seen.get(email)}` });
    else if ((firstName?.length ?? 0) > MAX_NAME_LENGTH || (lastName?.length ?? 0) > MAX_NAME_LENGTH)
      problems.push({ line: row.line, message: `a name is longer than ${MAX_NAME_LENGTH} characters` });
    else {
      seen.set(email, row.line);
      users.push({ line: row.line, email, firstName, lastName });
    }
  }
  return { users, problems };
}

/** `email,firstName,lastName` CSV, with or without that header line; names are optional. */
export function parseCustomerUsersCsv(text: string): {
  users: CustomerUserRow[];
  problems: CustomerUserProblem[];
} {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''));
  const header = records[0]?.fields.map((f) => f.trim().toLowerCase().replace(/[\s_]/g, ''));
  const hasHeader = header?.[0] === 'email' || header?.[0] === 'emailaddress';
  const rows: CustomerUserRow[] = [];
  const problems: CustomerUserProblem[] = [];
  for (const record of hasHeader ? records.slice(1) : records) {
    if (record.fields.length > 3) {
      problems.push({
        line: record.line,
        message: `expected email,firstName,lastName but found ${record.fields.length} columns`,
      });
      continue;
    }
    const [email = '', firstName, lastName] = record.fields.map((f) => f.trim());
    rows.push({ line: record.line, email, firstName, lastName });
  }
  const checked = checkCustomerUsers(rows);
  return {
    users: checked.users,
    problems: [...problems, ...checked.problems].sort((a, b) => a.line - b.line),
  };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
