/**
 * Writes an account's address books: `contacts/Contacts` (full cards in vCard 3.0, some 2.1 and
 * 4.0, two groups), `contacts/Emailed Contacts` (name and address only) and the user folder
 * `contacts/Clients VIP` (one file holding several cards).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BASE_MS, DAY_MS, type AccountContext } from './account-context.ts';
import type { Person } from './people.ts';
import { makePng } from './png.ts';
import { Random } from './random.ts';
import { writeCard, writeGroup, type Contact, type PhoneType, type VCardVersion } from './vcard.ts';

export interface ContactsSummary {
  /** Cards per folder, groups included. */
  folders: Record<string, number>;
  contacts: number;
  groups: number;
}

const STREETS = [
  '12 Rue de la Paix',
  'Hauptstraße 5',
  '221B Baker Street',
  'Calle Mayor 8',
  '1-2-3 Shibuya',
  'ул. Тверская, 7',
] as const;
const CITIES = [
  ['Paris', 'Île-de-France', '75002', 'France'],
  ['München', 'Bayern', '80331', 'Deutschland'],
  ['London', '', 'NW1 6XE', 'United Kingdom'],
  ['Madrid', 'Madrid', '28013', 'España'],
  ['東京', '東京都', '150-0002', '日本'],
  ['New York', 'NY', '10001', 'USA'],
] as const;
const NOTES = [
  'Met at the trade fair in Hanover.\nPrefers phone calls in the morning.',
  'Ansprechpartner für Rahmenverträge; Vertretung: Frau Weber.',
  'Allergique aux noix – penser au traiteur.',
  '',
] as const;
const CATEGORIES = ['Clients', 'Suppliers', 'Friends', 'Family', 'VIP', 'Presse'] as const;

function phone(random: Random): string {
  return `+${random.pick(['33 1', '49 89', '44 20', '1 212', '81 3'])} ${random.int(100, 999)} ${random.int(1000, 9999)}`;
}

function makeContact(random: Random, person: Person, rich: boolean, n: number): Contact {
  const local = person.email.split('@')[0] ?? 'contact';
  const emails: Contact['emails'][number][] = [{ type: 'work', value: person.email }];
  const extraEmails = rich ? random.int(1, 4) : random.int(0, 1);
  const extraDomains = ['gmail.example', 'outlook.example', 'home.example', 'alumni.example'];
  for (let i = 0; i < extraEmails; i++)
    emails.push({
      type: i === 0 ? 'home' : 'other',
      value: `${local}${i > 1 ? i : ''}@${extraDomains[i] ?? 'example.org'}`,
    });
  const phoneTypes: PhoneType[] = rich
    ? ['work', 'work', 'work', 'cell', 'home', 'fax', 'pager', 'car', 'main']
    : ['work', 'cell'];
  const phones = phoneTypes
    .slice(0, rich ? random.int(5, phoneTypes.length) : random.int(1, 2))
    .map((type) => ({ type, value: phone(random) }));
  const addressTypes = rich ? (['work', 'home', 'other'] as const) : (['work'] as const);
  const addresses = addressTypes.slice(0, random.int(1, addressTypes.length)).map((type) => {
    const [city, region, postal, country] = random.pick(CITIES);
    return { type, street: random.pick(STREETS), city, region, postal, country };
  });
  const year = random.int(1955, 2000);
  const md = `${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
  return {
    uid: `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-a${random.hex(3)}-${random.hex(12)}`,
    first: person.first,
    last: person.last,
    middle: rich && random.chance(0.3) ? random.pick(['Marie', 'J.', 'Alexander']) : '',
    prefix: rich && random.chance(0.3) ? random.pick(['Dr.', 'Mme', 'Prof.']) : '',
    nickname: rich && random.chance(0.4) ? person.first.slice(0, 3) : '',
    company: person.company,
    department: person.department,
    title: person.title,
    emails,
    phones,
    addresses,
    birthday: rich ? (random.chance(0.2) ? `--${md}` : `${year}-${md}`) : undefined,
    anniversary: rich && random.chance(0.3) ? `${year + 25}-${md}` : undefined,
    url: rich ? `https://www.${person.email.split('@')[1] ?? 'example.com'}/team/${local}` : undefined,
    im: rich
      ? [`xmpp:${local}@chat.example`, ...(random.chance(0.5) ? [`aim:${local.replace('.', '')}`] : [])]
      : [],
    note: rich ? random.pick(NOTES) : '',
    categories: rich ? random.sample(CATEGORIES, random.int(0, 2)) : [],
    photo: rich && n % 3 === 0 ? makePng(random, 24, 24) : undefined,
    revMs: BASE_MS - random.int(1, 700) * DAY_MS,
  };
}

async function writeFolder(dir: string, files: readonly (readonly [string, string])[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of files) await writeFile(path.join(dir, name), text);
}

/** Generates and writes the account's contacts under `accountDir/contacts`. */
export async function generateContacts(accountDir: string, ctx: AccountContext): Promise<ContactsSummary> {
  const random = new Random(ctx.seed, 'contacts', ctx.index);
  const root = path.join(accountDir, 'contacts');
  const main: (readonly [string, string])[] = [];
  const people = [...ctx.externals.slice(0, 24), ...ctx.colleagues.slice(0, 6)];
  const contacts = people.map((person, n) => makeContact(random, person, true, n));
  for (const [n, contact] of contacts.entries()) {
    const version: VCardVersion = n % 10 === 3 ? '2.1' : n % 10 === 7 ? '4.0' : '3.0';
    main.push([`contact-${String(n + 1).padStart(3, '0')}.vcf`, writeCard(contact, version)]);
  }
  const emailsOf = (list: readonly Contact[]): string[] => list.map((c) => c.emails[0]?.value ?? '');
  const groups = [
    writeGroup(
      { uid: random.hex(32), name: 'Projektteam Alpha', members: emailsOf(random.sample(contacts, 5)) },
      '3.0',
    ),
    writeGroup(
      {
        uid: `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-b${random.hex(3)}-${random.hex(12)}`,
        name: 'Équipe « Direction »',
        members: emailsOf(random.sample(contacts, 4)),
      },
      '4.0',
    ),
  ];
  main.push(['group-1.vcf', groups[0] ?? ''], ['group-2.vcf', groups[1] ?? '']);
  await writeFolder(path.join(root, 'Contacts'), main);

  const emailed = ctx.externals
    .slice(24, 39)
    .map(
      (person, n) =>
        [
          `emailed-${String(n + 1).padStart(3, '0')}.vcf`,
          writeCard(makeContact(random, person, false, n), '3.0'),
        ] as const,
    );
  await writeFolder(path.join(root, 'Emailed Contacts'), emailed);

  const vip = ctx.externals
    .slice(0, 5)
    .map((person, n) => writeCard(makeContact(random, person, n % 2 === 0, n), n === 4 ? '4.0' : '3.0'));
  await writeFolder(path.join(root, 'Clients VIP'), [['clients-vip.vcf', vip.join('')]]);

  return {
    folders: { Contacts: main.length, 'Emailed Contacts': emailed.length, 'Clients VIP': vip.length },
    contacts: contacts.length + emailed.length + vip.length,
    groups: groups.length,
  };
}
