/**
 * A Zimbra contact (native `_attrs`, zimbra.md §6) → the Graph v1.0 `contact` that recreates it
 * (microsoft-graph.md §7). Pure: no I/O, no clock; never throws for odd input.
 *
 * Where each Graph field comes from:
 * - names: firstName, middleName, lastName, namePrefix (title), nameSuffix (generation), nickname,
 *   initials, phonetic* (yomi*); displayName = fullName, else the name parts, else nickname, company
 *   or the first address; fileAs = Zimbra's fileAs code 1–7 applied as Zimbra does (default 1,
 *   "Last, First"), `8:<text>` its text, falling back to displayName.
 * - work: company, department, jobTitle, office, otherProfession/profession, otherMgrName/managerName,
 *   otherAsstName/assistantName; workURL → businessHomePage, homeURL → PidTagPersonalHomePage 0x3A50.
 * - emailAddresses: email, email2, email3…, then workEmail1…; the first 3 distinct ones (Graph
 *   refuses a 4th). The rest go into the named property {@link EXTRA_EMAILS_PROPERTY} (one per line)
 *   and the notes.
 * - phones: contact-phones.ts. imAddresses: imAddress1…, then workIM1…, `xmpp://` style prefixes
 *   removed (a non-generic network without an address is kept as `name (network)`); 3 at most.
 * - home/business/other address from {home|work|other}{Street|City|State|PostalCode|Country}.
 * - birthday and anniversary (PidTagWeddingAnniversary 0x3A41): contact-dates.ts.
 * - spouseName/spouse, children/child, personalNotes (notes), categories (the contact's tags), the
 *   idempotency stamp, the photo (passed through for the destination's separate request).
 *
 * Nothing is dropped silently: every value no field takes (unknown and custom attributes, a 4th
 * e-mail, a phone without a free slot, extra web pages, a date that is not a date, text longer than
 * a field holds) is listed under "Other Zimbra fields:" at the end of personalNotes as
 * `zimbraName: value`, and a note tells the admin. The notes were chosen over one named property
 * per attribute: they are visible in every client, and arbitrary attribute names would each use up
 * one of the mailbox's limited named-property slots. Not carried over: the photo descriptor `image`
 * (the photo itself is), S/MIME certificates (a note says so), and Zimbra bookkeeping (`vcardUID`,
 * `zimbraId`, `dn`, `isMyCard`, `canExpand`).
 *
 * A contact group (`type` = group) becomes `distributionList` {displayName, members} for the
 * destination to create where it can, and a fallback contact that loses no member: displayName and
 * fileAs = the group name, the first 3 members as emailAddresses, every member on a "Members:" line
 * of personalNotes, and the category {@link GROUP_CATEGORY} so the fallback contacts can be found
 * (and removed once real lists exist).
 */
import type { GraphExtendedProperty } from '../domain/mail.ts';
import type { ConvertedContact, SourceContact } from '../domain/pim.ts';
import { ContactAttrReader, type AttrValue } from './contact-attrs.ts';
import { contactDate } from './contact-dates.ts';
import { groupMembers, memberLine, type GroupMember } from './contact-groups.ts';
import { contactContentHash } from './contact-hash.ts';
import { readPhones } from './contact-phones.ts';
import { ferryNamedPropertyId } from './extended-properties.ts';
import { MAX_FIELD_CHARS, MAX_NOTES_CHARS, cleanLine, truncate } from './pim-text.ts';

export interface ContactConversionOptions {
  /** The idempotency stamp: a named property id (see FERRY_PROPERTY_SET_GUID) and its value. */
  readonly stamp: { readonly propertyId: string; readonly value: string };
}

/** E-mail addresses beyond Graph's three, one per line. */
export const EXTRA_EMAILS_PROPERTY = ferryNamedPropertyId('ZimbraExtraEmailAddresses');
/** PidTagPersonalHomePage. */
export const PERSONAL_HOME_PAGE_PROPERTY = 'String 0x3A50';
/** PidTagWeddingAnniversary. */
export const ANNIVERSARY_PROPERTY = 'SystemTime 0x3A41';
export const GROUP_CATEGORY = 'Contact group';
export const UNNAMED_GROUP = 'Unnamed contact group';
export const EXTRA_FIELDS_HEADING = 'Other Zimbra fields:';

const MAX_EMAILS = 3;
const MAX_IM_ADDRESSES = 3;
/** Graph's contact photo endpoint is documented for photos up to 4 MB [U]. */
const MAX_PHOTO_BYTES = 4 * 1024 * 1024;

/** Attributes read elsewhere or deliberately not carried (see the module comment). */
const NOT_FIELDS = ['image', 'type', 'dlist', 'groupMember', 'member', 'vcardUID', 'zimbraId', 'dn'];
const BOOKKEEPING = ['isMyCard', 'canExpand'];
const CERTIFICATES = ['userCertificate', 'userSMIMECertificate'];

/** IM networks whose prefix carries no information once removed. */
const GENERIC_IM = new Set(['other', 'xmpp', 'jabber', 'local', 'im']);
/** `network:` prefixes of vCard IMPP values; `sip:` is left alone, it is what Outlook/Teams expect. */
const IM_SCHEMES = /^(xmpp|jabber|gtalk|skype|ymsgr|yahoo|aim|msn|msnim|icq|irc|other|local|im):/i;

type Payload = Record<string, unknown>;

/** Collects the Graph fields and everything that must go to the notes instead. */
class ContactBuilder {
  readonly payload: Payload = {};
  readonly extra: AttrValue[] = [];
  readonly notes: string[] = [];
  readonly #truncated: string[] = [];

  /** A one-line field: cleaned, capped (the whole value then goes to the notes), left out when empty. */
  line(field: string, value: string | undefined, sourceKey: string): void {
    const text = this.fit(value, sourceKey);
    if (text !== undefined) this.payload[field] = text;
  }

  fit(value: string | undefined, sourceKey: string): string | undefined {
    if (value === undefined) return undefined;
    const text = cleanLine(value);
    if (text === '') return undefined;
    if (text.length <= MAX_FIELD_CHARS) return text;
    this.extra.push({ key: sourceKey, value: text });
    this.#truncated.push(sourceKey);
    return truncate(text, MAX_FIELD_CHARS);
  }

  finishNotes(): void {
    if (this.#truncated.length > 0) {
      this.notes.push(
        `Outlook fields hold ${MAX_FIELD_CHARS} characters; longer values were shortened there and kept whole in the contact's notes: ${list(this.#truncated)}.`,
      );
    }
  }
}

function list(keys: readonly string[]): string {
  return [...new Set(keys)].join(', ');
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Zimbra's `protocol://name` (or vCard IMPP `protocol:name`) → the name: `xmpp://bob@example.org` →
 * `bob@example.org`; a named network without an address keeps its name: `skype://bob` → `bob (skype)`.
 */
export function imAddress(value: string): string {
  const match =
    /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is.exec(value) ??
    (IM_SCHEMES.test(value) ? /^([^:]+):(.*)$/s.exec(value) : null);
  const protocol = (match?.[1] ?? '').toLowerCase();
  if (!match || protocol === 'http' || protocol === 'https') return value;
  const rest = (match[2] ?? '').trim();
  if (rest === '' || GENERIC_IM.has(protocol) || rest.includes('@')) return rest;
  return `${rest} (${protocol})`;
}

/** Zimbra's "file as" string (Contact.getFileAsString): codes 1–7 compose, `8:<text>` is the text. */
export function fileAsText(code: string | undefined, first: string, last: string, company: string): string {
  const [kind = '1', explicit] = (code ?? '1').split(/:(.*)/s);
  const lastFirst = [last, first].filter((s) => s !== '').join(', ');
  const firstLast = [first, last].filter((s) => s !== '').join(' ');
  const withCompany = (name: string): string => (company === '' ? name : `${name} (${company})`.trim());
  const companyWith = (name: string): string => (name === '' ? company : `${company} (${name})`.trim());
  switch (kind.trim()) {
    case '2':
      return firstLast;
    case '3':
      return company;
    case '4':
      return withCompany(lastFirst);
    case '5':
      return withCompany(firstLast);
    case '6':
      return companyWith(lastFirst);
    case '7':
      return companyWith(firstLast);
    case '8':
      return (explicit ?? '').trim() || lastFirst;
    default:
      return lastFirst;
  }
}

function address(reader: ContactAttrReader, builder: ContactBuilder, kind: string): Payload | undefined {
  const parts: Payload = {};
  const put = (field: string, keys: readonly string[]): void => {
    for (const key of keys) {
      const raw = reader.first(key);
      if (raw === undefined) continue;
      // Street keeps its line breaks (Outlook shows multi-line streets); the rest are one line.
      const value = field === 'street' ? raw.replace(/\r\n?/g, '\n') : builder.fit(raw, key);
      if (value !== undefined && value !== '') parts[field] = value;
      return;
    }
  };
  put('street', [`${kind}Street`, `${kind}Address`]);
  put('city', [`${kind}City`]);
  put('state', [`${kind}State`]);
  put('postalCode', [`${kind}PostalCode`]);
  put('countryOrRegion', [`${kind}Country`]);
  return Object.keys(parts).length > 0 ? parts : undefined;
}

function displayNameOf(
  reader: ContactAttrReader,
  builder: ContactBuilder,
  names: Payload,
): string | undefined {
  const composed = [names.title, names.givenName, names.middleName, names.surname, names.generation]
    .filter((part): part is string => typeof part === 'string')
    .join(' ');
  return (
    builder.fit(reader.first('fullName'), 'fullName') ??
    (composed === '' ? undefined : truncate(composed, MAX_FIELD_CHARS))
  );
}

function readEmails(reader: ContactAttrReader, builder: ContactBuilder): AttrValue[] {
  const seen = new Set<string>();
  const emails = [...reader.series('email'), ...reader.series('workEmail')]
    .map((e) => ({ key: e.key, value: cleanLine(e.value) }))
    .filter((e) => {
      const key = e.value.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const extra = emails.slice(MAX_EMAILS);
  if (extra.length > 0) {
    builder.extra.push(...extra);
    builder.notes.push(
      `Outlook keeps 3 e-mail addresses per contact; ${plural(extra.length, 'more address', 'more addresses')} (${list(extra.map((e) => e.key))}) ` +
        `${extra.length === 1 ? 'is' : 'are'} kept in the contact's notes and in Ferry's ZimbraExtraEmailAddresses property.`,
    );
  }
  return emails;
}

function readDates(
  reader: ContactAttrReader,
  builder: ContactBuilder,
  properties: GraphExtendedProperty[],
): void {
  const date = (keys: readonly string[], label: string): string | undefined => {
    for (const key of keys) {
      const raw = reader.first(key);
      if (raw === undefined) continue;
      const value = contactDate(raw);
      if (value === undefined) {
        builder.extra.push({ key, value: raw });
        builder.notes.push(
          `The ${label} "${truncate(raw, 40)}" is not a date; it is kept in the contact's notes.`,
        );
      }
      return value;
    }
    return undefined;
  };
  const birthday = date(['birthday'], 'birthday');
  if (birthday !== undefined) builder.payload.birthday = birthday;
  const anniversary = date(['anniversary', 'otherAnniversary'], 'anniversary');
  if (anniversary !== undefined) properties.push({ id: ANNIVERSARY_PROPERTY, value: anniversary });
}

function readImAddresses(reader: ContactAttrReader, builder: ContactBuilder): void {
  const ims = [...reader.series('imAddress'), ...reader.series('workIM')]
    .map((im) => ({ key: im.key, value: imAddress(cleanLine(im.value)) }))
    .filter((im) => im.value !== '');
  if (ims.length > 0) {
    builder.payload.imAddresses = ims
      .slice(0, MAX_IM_ADDRESSES)
      .map((im) => builder.fit(im.value, im.key) ?? im.value);
  }
  if (ims.length > MAX_IM_ADDRESSES) {
    const extra = ims.slice(MAX_IM_ADDRESSES);
    builder.extra.push(...extra);
    builder.notes.push(
      `Outlook keeps 3 IM addresses per contact; ${list(extra.map((im) => im.key))} are kept in the contact's notes.`,
    );
  }
}

function readPersonFields(
  reader: ContactAttrReader,
  builder: ContactBuilder,
  properties: GraphExtendedProperty[],
): void {
  const { payload } = builder;
  builder.line('givenName', reader.first('firstName'), 'firstName');
  builder.line('middleName', reader.first('middleName'), 'middleName');
  builder.line('surname', reader.first('lastName'), 'lastName');
  builder.line('title', reader.first('namePrefix'), 'namePrefix');
  builder.line('generation', reader.first('nameSuffix'), 'nameSuffix');
  builder.line('nickName', reader.first('nickname'), 'nickname');
  builder.line('initials', reader.first('initials'), 'initials');
  builder.line('yomiGivenName', reader.first('phoneticFirstName'), 'phoneticFirstName');
  builder.line('yomiSurname', reader.first('phoneticLastName'), 'phoneticLastName');
  builder.line('yomiCompanyName', reader.first('phoneticCompany'), 'phoneticCompany');
  builder.line('companyName', reader.first('company'), 'company');
  builder.line('department', reader.firstOf(['department', 'otherDepartment']), 'department');
  builder.line('jobTitle', reader.first('jobTitle'), 'jobTitle');
  builder.line('officeLocation', reader.firstOf(['office', 'otherOffice']), 'office');
  builder.line('profession', reader.firstOf(['profession', 'otherProfession']), 'profession');
  builder.line('manager', reader.firstOf(['managerName', 'manager', 'otherMgrName']), 'manager');
  builder.line('assistantName', reader.firstOf(['assistantName', 'otherAsstName']), 'assistantName');
  builder.line('spouseName', reader.firstOf(['spouseName', 'spouse']), 'spouseName');
  builder.line('businessHomePage', reader.first('workURL'), 'workURL');
  const homePage = builder.fit(reader.first('homeURL'), 'homeURL');
  if (homePage !== undefined) properties.push({ id: PERSONAL_HOME_PAGE_PROPERTY, value: homePage });

  const children = [...reader.all('children'), ...reader.all('child')]
    .map((c) => builder.fit(c.value, c.key))
    .filter((c): c is string => c !== undefined);
  if (children.length > 0) payload.children = children;

  const displayName = displayNameOf(reader, builder, payload);
  const fileAsCode = reader.first('fileAs');
  const text = (field: string): string => (typeof payload[field] === 'string' ? payload[field] : '');
  const fileAs = fileAsText(fileAsCode, text('givenName'), text('surname'), text('companyName'));
  const emails = readEmails(reader, builder);
  const shownName = displayName ?? (text('nickName') || text('companyName') || emails[0]?.value || '');
  if (shownName !== '') payload.displayName = truncate(shownName, MAX_FIELD_CHARS);
  const fileAsValue = truncate(fileAs, MAX_FIELD_CHARS) || (payload.displayName as string | undefined) || '';
  if (fileAsValue !== '') payload.fileAs = fileAsValue;

  if (emails.length > 0) {
    const name = typeof payload.displayName === 'string' ? payload.displayName : undefined;
    payload.emailAddresses = emails.slice(0, MAX_EMAILS).map((email) => {
      const address = builder.fit(email.value, email.key) ?? email.value;
      return { name: name ?? address, address };
    });
    if (emails.length > MAX_EMAILS) {
      const extra = emails.slice(MAX_EMAILS).map((email) => email.value);
      properties.push({ id: EXTRA_EMAILS_PROPERTY, value: extra.join('\n') });
    }
  }

  readPhoneFields(reader, builder, properties);
  readImAddresses(reader, builder);

  for (const [field, kind] of [
    ['homeAddress', 'home'],
    ['businessAddress', 'work'],
    ['otherAddress', 'other'],
  ] as const) {
    const value = address(reader, builder, kind);
    if (value !== undefined) payload[field] = value;
  }
  readDates(reader, builder, properties);
}

function readPhoneFields(
  reader: ContactAttrReader,
  builder: ContactBuilder,
  properties: GraphExtendedProperty[],
): void {
  const phones = readPhones(reader);
  const fitAll = (values: readonly AttrValue[]): string[] =>
    values.map((p) => builder.fit(p.value, p.key)).filter((p): p is string => p !== undefined);
  const business = fitAll(phones.businessPhones);
  const home = fitAll(phones.homePhones);
  if (business.length > 0) builder.payload.businessPhones = business;
  if (home.length > 0) builder.payload.homePhones = home;
  builder.line('mobilePhone', phones.mobilePhone?.value, phones.mobilePhone?.key ?? 'mobilePhone');
  for (const [id, phone] of phones.properties) {
    const number = builder.fit(phone.value, phone.key);
    if (number !== undefined) properties.push({ id, value: number });
  }
  if (phones.overflow.length > 0) {
    builder.extra.push(...phones.overflow);
    builder.notes.push(
      `Outlook has no free phone field for ${list(phones.overflow.map((p) => p.key))}; ` +
        `${phones.overflow.length === 1 ? 'the number is' : 'the numbers are'} kept in the contact's notes.`,
    );
  }
}

function readGroup(
  contact: SourceContact,
  reader: ContactAttrReader,
  builder: ContactBuilder,
): { displayName: string; members: GroupMember[]; membersBlock: string } {
  const dlist = typeof contact.attrs.dlist === 'string' ? [contact.attrs.dlist] : (contact.attrs.dlist ?? []);
  const { members, withoutAddress } = groupMembers(contact.groupMembers, dlist);
  const fileAsCode = reader.first('fileAs');
  const explicit = fileAsCode?.startsWith('8:') === true ? fileAsCode.slice(2) : undefined;
  const displayName =
    builder.fit(reader.firstOf(['nickname', 'fullName']), 'nickname') ??
    builder.fit(explicit, 'fileAs') ??
    UNNAMED_GROUP;
  builder.payload.displayName = displayName;
  builder.payload.fileAs = displayName;
  if (members.length > 0) {
    builder.payload.emailAddresses = members.slice(0, MAX_EMAILS).map((m) => ({
      name: truncate(m.name ?? m.address, MAX_FIELD_CHARS),
      address: truncate(m.address, MAX_FIELD_CHARS),
    }));
  }
  const lines = [...members.map(memberLine), ...withoutAddress.map((name) => `${name} (no address)`)];
  if (withoutAddress.length > 0) {
    builder.notes.push(
      `${plural(withoutAddress.length, 'member', 'members')} of the group had no e-mail address in Zimbra ` +
        `(${list(withoutAddress)}); they are listed in the contact's notes but cannot be list members.`,
    );
  }
  const membersBlock = lines.length === 0 ? 'Members: none' : ['Members:', ...lines].join('\n');
  return { displayName, members, membersBlock };
}

/** `key: value` lines; a multi-line value continues on lines indented by two spaces. */
function extraBlock(extra: readonly AttrValue[]): string | undefined {
  if (extra.length === 0) return undefined;
  const lines = extra.map(({ key, value }) => `${key}: ${value.replace(/\r\n?|\n/g, '\n  ')}`);
  return [EXTRA_FIELDS_HEADING, ...lines].join('\n');
}

function categoriesOf(tags: readonly string[], group: boolean): string[] {
  const seen = new Set<string>();
  return [...tags.map(cleanLine), ...(group ? [GROUP_CATEGORY] : [])].filter((tag) => {
    const key = tag.toLowerCase();
    if (tag === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function convertZimbraContact(
  contact: SourceContact,
  options: ContactConversionOptions,
): ConvertedContact {
  const isGroup = contact.attrs.type === 'group';
  const reader = new ContactAttrReader(contact.attrs, [...NOT_FIELDS, ...BOOKKEEPING]);
  const builder = new ContactBuilder();
  const properties: GraphExtendedProperty[] = [{ id: options.stamp.propertyId, value: options.stamp.value }];

  const certificates = CERTIFICATES.filter((key) => reader.has(key));
  certificates.forEach((key) => reader.consume(key));
  if (certificates.length > 0) {
    builder.notes.push('The contact’s S/MIME certificate was not migrated: Graph contacts cannot hold one.');
  }

  const group = isGroup ? readGroup(contact, reader, builder) : undefined;
  if (!isGroup) readPersonFields(reader, builder, properties);
  const notes = reader.first('notes')?.replace(/\r\n?/g, '\n');

  const leftovers = reader.leftovers();
  if (leftovers.length > 0) {
    builder.extra.push(...leftovers);
    builder.notes.push(
      `Zimbra fields Outlook has no place for are kept in the contact's notes: ${list(leftovers.map((l) => l.key))}.`,
    );
  }
  builder.finishNotes();

  const personalNotes = [notes, group?.membersBlock, extraBlock(builder.extra)]
    .filter((part): part is string => part !== undefined && part !== '')
    .join('\n\n');
  if (personalNotes !== '') {
    builder.payload.personalNotes = truncate(personalNotes, MAX_NOTES_CHARS);
    if (personalNotes.length > MAX_NOTES_CHARS) {
      builder.notes.push(
        `The contact's notes are ${personalNotes.length} characters long; only the first ${MAX_NOTES_CHARS} were kept.`,
      );
    }
  }
  const categories = categoriesOf(contact.ref.tags, isGroup);
  if (categories.length > 0) builder.payload.categories = categories;

  if (contact.photo !== undefined && contact.photo.bytes.byteLength > MAX_PHOTO_BYTES) {
    builder.notes.push(
      `The contact photo is ${Math.ceil(contact.photo.bytes.byteLength / 1024)} KB; Microsoft 365 may refuse photos over 4 MB.`,
    );
  }

  return {
    contact: { ...builder.payload, singleValueExtendedProperties: properties },
    photo: contact.photo,
    distributionList:
      group === undefined ? undefined : { displayName: group.displayName, members: group.members },
    notes: builder.notes,
    contentHash: contactContentHash(contact),
  };
}
