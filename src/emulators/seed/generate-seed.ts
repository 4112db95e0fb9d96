/**
 * `generateSeed` fills a Zimbra data directory (the contract the Zimbra emulator reads):
 *
 *   DIR/server.json                                  admin account and server version
 *   DIR/accounts/<email>/account.json                password, display name, status, two-factor
 *   DIR/accounts/<email>/mail/<folder>/<n>.eml       raw RFC 822 (+ <n>.eml.json flags/tags/receivedMs)
 *   DIR/accounts/<email>/contacts/<folder>/<n>.vcf   vCards 2.1/3.0/4.0 and groups
 *   DIR/accounts/<email>/calendar/<folder>/<n>.ics   VEVENT series with exceptions and VTIMEZONEs
 *   DIR/accounts/<email>/tasks/<folder>/<n>.ics      VTODOs
 *   DIR/accounts/<email>/tags.json | filters.json | outgoing-filters.json | signatures.json | prefs.json
 *
 * `accounts` is the number of ordinary, migratable mailboxes. Unless `specialAccounts` is false, two
 * more follow: `twofactor.user@` (two-factor authentication on) and `locked.user@` (status locked),
 * each with a small mailbox of at most 25 messages. With `huge` (default: `messages >= 200`) the
 * first account gets one message with an attachment above 35 MB.
 *
 * The output depends only on the options: same seed and counts give byte-identical files.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../domain/errors.ts';
import type { AccountContext } from './account-context.ts';
import { TAGS, filterRules, outgoingFilterRules, prefs, signatures } from './account-settings.ts';
import { generateCalendar, type CalendarSummary } from './calendar-generator.ts';
import { generateContacts, type ContactsSummary } from './contacts-generator.ts';
import { generateMail, type MailSummary } from './mail-generator.ts';
import { accountPeople, externalPeople, type Person } from './people.ts';
import { Random } from './random.ts';
import { generateTasks, type TasksSummary } from './tasks-generator.ts';

export interface SeedOptions {
  readonly outDir: string;
  readonly accounts: number;
  readonly messages: number;
  readonly seed?: number;
  readonly domain?: string;
  readonly specialAccounts?: boolean;
  readonly huge?: boolean;
}

export type AccountStatus = 'active' | 'locked' | 'closed';

export interface AccountSummary {
  readonly email: string;
  readonly displayName: string;
  readonly password: string;
  readonly status: AccountStatus;
  readonly twoFactor: boolean;
  readonly mail: MailSummary;
  readonly contacts: ContactsSummary;
  readonly calendar: CalendarSummary;
  readonly tasks: TasksSummary;
  readonly tags: number;
  readonly filters: number;
}

export interface SeedSummary {
  readonly outDir: string;
  readonly domain: string;
  readonly seed: number;
  readonly admin: { readonly name: string; readonly password: string };
  readonly accounts: readonly AccountSummary[];
  readonly totals: { messages: number; bytes: number; contacts: number; events: number; tasks: number };
}

interface AccountSpec {
  readonly person: Person;
  readonly status: AccountStatus;
  readonly twoFactor: boolean;
  readonly messages: number;
}

/** Messages of each special (two-factor, locked) account at most. */
const SPECIAL_MESSAGES = 25;

function special(local: string, first: string, last: string, domain: string): Person {
  return {
    first,
    last,
    name: `${first} ${last}`,
    email: `${local}@${domain}`,
    company: 'Ferry Demo Corp',
    department: 'IT',
    title: 'Test account',
  };
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

async function assertEmpty(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new UserError(
      'SEED_DIR_NOT_EMPTY',
      `${dir} is not empty; choose a new or empty directory for the seed data.`,
    );
  }
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new UserError('SEED_BAD_OPTION', `${name} must be an integer of at least ${min} (got ${value}).`);
}

/** Generates the data directory described above and returns what it wrote. */
export async function generateSeed(options: SeedOptions): Promise<SeedSummary> {
  const seed = options.seed ?? 1;
  const domain = options.domain ?? 'zimbra.example.com';
  checkCount('accounts', options.accounts, 1);
  checkCount('messages', options.messages, 0);
  checkCount('seed', seed, 0);
  await assertEmpty(options.outDir);
  const random = new Random(seed, 'corpus', domain);
  const specs: AccountSpec[] = accountPeople(random, options.accounts, domain).map((person) => ({
    person,
    status: 'active',
    twoFactor: false,
    messages: options.messages,
  }));
  if (options.specialAccounts ?? true) {
    const messages = Math.min(options.messages, SPECIAL_MESSAGES);
    specs.push({
      person: special('twofactor.user', 'Tessa', 'Twofactor', domain),
      status: 'active',
      twoFactor: true,
      messages,
    });
    specs.push({
      person: special('locked.user', 'Lars', 'Locked', domain),
      status: 'locked',
      twoFactor: false,
      messages,
    });
  }
  const externals = externalPeople(random, 60);
  const passwords = specs.map(() => `Ferry-${random.hex(10)}`);
  const admin = { name: `admin@${domain}`, password: `Admin-${random.hex(12)}` };
  await mkdir(path.join(options.outDir, 'accounts'), { recursive: true });
  await writeJson(path.join(options.outDir, 'server.json'), { admin, version: '8.8.15' });
  const huge = options.huge ?? options.messages >= 200;

  const generateAccount = async (index: number): Promise<AccountSummary> => {
    const spec = specs[index];
    if (spec === undefined) throw new RangeError(`no account ${index}`);
    const person = spec.person;
    const ctx: AccountContext = {
      index,
      seed,
      domain,
      person,
      colleagues: specs.map((s) => s.person).filter((p) => p !== person),
      externals: [
        ...externals.slice(index % externals.length),
        ...externals.slice(0, index % externals.length),
      ],
      tags: TAGS.map((t) => t.name),
    };
    const dir = path.join(options.outDir, 'accounts', person.email);
    await mkdir(dir, { recursive: true });
    const password = passwords[index] ?? '';
    await writeJson(path.join(dir, 'account.json'), {
      password,
      displayName: person.name,
      status: spec.status,
      twoFactor: spec.twoFactor,
    });
    const filters = filterRules(new Random(seed, 'filters', index), ctx.colleagues[0]?.email ?? admin.name);
    await writeJson(path.join(dir, 'tags.json'), TAGS);
    await writeJson(path.join(dir, 'filters.json'), filters);
    await writeJson(path.join(dir, 'outgoing-filters.json'), outgoingFilterRules());
    await writeJson(path.join(dir, 'signatures.json'), signatures(person.name));
    // The second account forwards its mail to a colleague outside the company, keeping a copy.
    await writeJson(
      path.join(dir, 'prefs.json'),
      prefs(index === 0, index === 1 ? 'assistant@partner.example' : undefined),
    );
    return {
      email: person.email,
      displayName: person.name,
      password,
      status: spec.status,
      twoFactor: spec.twoFactor,
      mail: await generateMail(dir, ctx, spec.messages, huge && index === 0),
      contacts: await generateContacts(dir, ctx),
      calendar: await generateCalendar(dir, ctx),
      tasks: await generateTasks(dir, ctx),
      tags: TAGS.length,
      filters: filters.length,
    };
  };

  const accounts: AccountSummary[] = [];
  for (const index of specs.keys()) accounts.push(await generateAccount(index));
  const totals = { messages: 0, bytes: 0, contacts: 0, events: 0, tasks: 0 };
  for (const a of accounts) {
    totals.messages += a.mail.messages;
    totals.bytes += a.mail.bytes;
    totals.contacts += a.contacts.contacts;
    totals.events += a.calendar.events;
    totals.tasks += a.tasks.tasks;
  }
  return { outDir: options.outDir, domain, seed, admin, accounts, totals };
}
