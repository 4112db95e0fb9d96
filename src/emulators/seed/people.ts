/**
 * Invented people and organisations: the accounts of the seeded domain and the outside world
 * they correspond with. Names include accents, CJK and Cyrillic so display names need encoding.
 */
import type { Random } from './random.ts';

export interface Person {
  readonly first: string;
  readonly last: string;
  readonly name: string;
  readonly email: string;
  readonly company: string;
  readonly department: string;
  readonly title: string;
}

const FIRST = [
  'Anna',
  'Lukas',
  'Sophie',
  'Mathieu',
  'Émilie',
  'Jonas',
  'Chloé',
  'Noah',
  'Léa',
  'Oliver',
  'Mia',
  'Paul',
  'Inès',
  'David',
  'Sarah',
  'Jürgen',
  'Zoë',
  'Carlos',
  'María',
  'Priya',
  'Arjun',
  'Yuki',
  'Olga',
  'Dmitri',
  'Fatima',
  'Omar',
  'Grace',
  'Henrik',
  'Ingrid',
  'José',
  'Björn',
  'Amélie',
  'Raphaël',
  'Nadia',
  'Tomás',
] as const;
const LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'García',
  'López',
  'Rossi',
  'Bianchi',
  'Smith',
  'Johnson',
  'Brown',
  'Nguyen',
  'Kowalski',
  'Novák',
  'Jensen',
  'Østergaard',
  'Sharma',
  'Patel',
  'Tanaka',
  'Suzuki',
  'Ivanova',
  'Petrov',
  'Lefèvre',
  'Fontaine',
  'Çelik',
  'Łukasik',
] as const;
/** Names written in their own script (display name only; mailbox parts stay ASCII). */
/** [display name, first, last, ASCII first, ASCII last] */
const NATIVE: readonly (readonly [string, string, string, string, string])[] = [
  ['山田 太郎', '太郎', '山田', 'taro', 'yamada'],
  ['李 娜', '娜', '李', 'na', 'li'],
  ['Иван Смирнов', 'Иван', 'Смирнов', 'ivan', 'smirnov'],
  ['Ελένη Παπαδοπούλου', 'Ελένη', 'Παπαδοπούλου', 'eleni', 'papadopoulou'],
];
const COMPANIES = [
  ['Contoso Ltd', 'contoso.example'],
  ['Fabrikam GmbH', 'fabrikam.example'],
  ['Tailspin Toys', 'tailspin.example'],
  ['Northwind Traders', 'northwind.example'],
  ['Société Générale des Eaux', 'sge.example'],
  ['Wingtip Solutions', 'wingtip.example'],
  ['Litware Inc.', 'litware.example'],
  ['株式会社サンプル', 'sample.example.jp'],
  ['Adatum Corporation', 'adatum.example'],
  ['Proseware & Partner KG', 'proseware.example'],
] as const;
const DEPARTMENTS = [
  'Sales',
  'Finance',
  'IT',
  'Marketing',
  'Legal',
  'Einkauf',
  'R&D',
  'Ressources humaines',
] as const;
const TITLES = [
  'Account Manager',
  'CFO',
  'Project Lead',
  'Développeuse',
  'Sachbearbeiter',
  'Director',
  'Consultant',
  'Engineer',
] as const;

/** Lower-case ASCII form of a name for a mailbox local part (`Müller` → `mueller`). */
export function asciiName(name: string): string {
  return name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ø/g, 'oe')
    .replace(/ł/g, 'l')
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
}

/** Distinct first/last pairs for the accounts of the domain, in a stable order. */
export function accountPeople(random: Random, count: number, domain: string): Person[] {
  const people: Person[] = [];
  const used = new Set<string>();
  while (people.length < count) {
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    let local = `${asciiName(first)}.${asciiName(last)}`;
    for (let n = 2; used.has(local); n++) local = `${asciiName(first)}.${asciiName(last)}${n}`;
    used.add(local);
    people.push({
      first,
      last,
      name: `${first} ${last}`,
      email: `${local}@${domain}`,
      company: 'Ferry Demo Corp',
      department: random.pick(DEPARTMENTS),
      title: random.pick(TITLES),
    });
  }
  return people;
}

/** `count` external correspondents at invented companies (domains ending in `.example`). */
export function externalPeople(random: Random, count: number): Person[] {
  const people: Person[] = [];
  const used = new Set<string>();
  for (let i = 0; people.length < count; i++) {
    const [company, companyDomain] = random.pick(COMPANIES);
    const native = i % 9 === 4 ? random.pick(NATIVE) : undefined;
    const first = native?.[3] ?? random.pick(FIRST);
    const last = native?.[4] ?? random.pick(LAST);
    const local = `${asciiName(first)}.${asciiName(last)}`;
    if (used.has(`${local}@${companyDomain}`)) continue;
    used.add(`${local}@${companyDomain}`);
    people.push({
      first: native?.[1] ?? first,
      last: native?.[2] ?? last,
      name: native?.[0] ?? `${first} ${last}`,
      email: `${local}@${companyDomain}`,
      company,
      department: random.pick(DEPARTMENTS),
      title: random.pick(TITLES),
    });
  }
  return people;
}
