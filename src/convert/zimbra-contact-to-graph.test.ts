import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SourceContact } from '../domain/pim.ts';
// eslint-disable-next-line ferry/layers -- test only: the emulator's schema is Graph's list of contact fields
import { checkProperties } from '../emulators/m365/schema.ts';
// eslint-disable-next-line ferry/layers -- test only: the emulator's vCard reader makes Zimbra attributes
import { parseVCards } from '../emulators/zimbra/vcard.ts';
import { ferryNamedPropertyId } from './extended-properties.ts';
import {
  ANNIVERSARY_PROPERTY,
  EXTRA_EMAILS_PROPERTY,
  EXTRA_FIELDS_HEADING,
  GROUP_CATEGORY,
  PERSONAL_HOME_PAGE_PROPERTY,
  UNNAMED_GROUP,
  convertZimbraContact,
  fileAsText,
  imAddress,
} from './zimbra-contact-to-graph.ts';

const STAMP = { propertyId: ferryNamedPropertyId('FerrySourceId'), value: 'zimbra:alice@example.com:258' };
const STAMP_PROPERTY = { id: STAMP.propertyId, value: STAMP.value };

function source(
  attrs: Record<string, string | string[]>,
  extra: Partial<Pick<SourceContact, 'photo' | 'groupMembers'>> & { tags?: string[] } = {},
): SourceContact {
  return {
    ref: {
      id: '258',
      folderId: '7',
      kind: 'contacts',
      revision: '3',
      sizeBytes: 100,
      tags: extra.tags ?? [],
      subject: undefined,
    },
    attrs,
    photo: extra.photo,
    groupMembers: extra.groupMembers ?? [],
  };
}

const convert = (contact: SourceContact) => convertZimbraContact(contact, { stamp: STAMP });

function vcardContact(text: string | Buffer): SourceContact {
  const [card] = parseVCards(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  if (card === undefined) throw new Error('no card in fixture');
  return source(card.attrs);
}

describe('convertZimbraContact: a person', () => {
  it('maps every Zimbra field Graph has a field or property for', () => {
    const result = convert(
      source(
        {
          firstName: 'Peter',
          middleName: 'Benjamin',
          lastName: 'Rabbit',
          namePrefix: 'Mr.',
          nameSuffix: 'Jr.',
          nickname: 'Pete',
          initials: 'P.B.R.',
          phoneticFirstName: 'ピーター',
          phoneticLastName: 'ラビット',
          phoneticCompany: 'バロー',
          fullName: 'Peter Rabbit',
          fileAs: '4',
          company: 'Burrow Inc',
          department: 'Carrots',
          jobTitle: 'CEO',
          office: 'B-12',
          otherProfession: 'Gardener',
          otherMgrName: 'Mrs. Rabbit',
          otherAsstName: 'Benjamin Bunny',
          spouseName: 'Flopsy',
          children: ['Mopsy', 'Cotton-tail'],
          email: 'peter@rabbit.example',
          email2: 'p@home.example',
          workEmail1: 'ceo@burrow.example',
          workPhone: '+1 555 0101',
          workPhone2: '+1 555 0102',
          homePhone: '+1 555 0201',
          homePhone2: '+1 555 0202',
          mobilePhone: '+1 555 0100',
          workFax: '+1 555 0103',
          homeFax: '+1 555 0203',
          otherFax: '+1 555 0303',
          pager: '+1 555 0104',
          carPhone: '+1 555 0105',
          assistantPhone: '+1 555 0106',
          callbackPhone: '+1 555 0107',
          companyPhone: '+1 555 0108',
          otherPhone: '+1 555 0109',
          homeStreet: '1 Sandy Bank\nUnder the fir tree',
          homeCity: 'Sawrey',
          homeState: 'Cumbria',
          homePostalCode: 'LA22 0LF',
          homeCountry: 'United Kingdom',
          workStreet: '2 Burrow Lane',
          workCity: 'Hill Top',
          workPostalCode: 'LA22 0LG',
          otherCity: 'Windermere',
          workURL: 'https://burrow.example',
          homeURL: 'https://peter.example',
          imAddress1: 'xmpp://peter@jabber.example',
          imAddress2: 'skype://peter.rabbit',
          birthday: '1902-10-02',
          anniversary: '1930-06-01',
          notes: 'Likes lettuce.\nAvoid Mr. McGregor.',
          image: 'descriptor',
          vcardUID: 'abc-123',
        },
        { tags: ['Friends', 'VIP'] },
      ),
    );
    expect(result.contact).toEqual({
      givenName: 'Peter',
      middleName: 'Benjamin',
      surname: 'Rabbit',
      title: 'Mr.',
      generation: 'Jr.',
      nickName: 'Pete',
      initials: 'P.B.R.',
      yomiGivenName: 'ピーター',
      yomiSurname: 'ラビット',
      yomiCompanyName: 'バロー',
      displayName: 'Peter Rabbit',
      fileAs: 'Rabbit, Peter (Burrow Inc)',
      companyName: 'Burrow Inc',
      department: 'Carrots',
      jobTitle: 'CEO',
      officeLocation: 'B-12',
      profession: 'Gardener',
      manager: 'Mrs. Rabbit',
      assistantName: 'Benjamin Bunny',
      spouseName: 'Flopsy',
      children: ['Mopsy', 'Cotton-tail'],
      businessHomePage: 'https://burrow.example',
      emailAddresses: [
        { name: 'Peter Rabbit', address: 'peter@rabbit.example' },
        { name: 'Peter Rabbit', address: 'p@home.example' },
        { name: 'Peter Rabbit', address: 'ceo@burrow.example' },
      ],
      businessPhones: ['+1 555 0101', '+1 555 0102'],
      homePhones: ['+1 555 0201', '+1 555 0202'],
      mobilePhone: '+1 555 0100',
      imAddresses: ['peter@jabber.example', 'peter.rabbit (skype)'],
      homeAddress: {
        street: '1 Sandy Bank\nUnder the fir tree',
        city: 'Sawrey',
        state: 'Cumbria',
        postalCode: 'LA22 0LF',
        countryOrRegion: 'United Kingdom',
      },
      businessAddress: { street: '2 Burrow Lane', city: 'Hill Top', postalCode: 'LA22 0LG' },
      otherAddress: { city: 'Windermere' },
      birthday: '1902-10-02T00:00:00Z',
      personalNotes: 'Likes lettuce.\nAvoid Mr. McGregor.',
      categories: ['Friends', 'VIP'],
      singleValueExtendedProperties: [
        STAMP_PROPERTY,
        { id: PERSONAL_HOME_PAGE_PROPERTY, value: 'https://peter.example' },
        { id: 'String 0x3A24', value: '+1 555 0103' },
        { id: 'String 0x3A25', value: '+1 555 0203' },
        { id: 'String 0x3A23', value: '+1 555 0303' },
        { id: 'String 0x3A21', value: '+1 555 0104' },
        { id: 'String 0x3A1F', value: '+1 555 0109' },
        { id: 'String 0x3A1E', value: '+1 555 0105' },
        { id: 'String 0x3A2E', value: '+1 555 0106' },
        { id: 'String 0x3A02', value: '+1 555 0107' },
        { id: 'String 0x3A57', value: '+1 555 0108' },
        { id: ANNIVERSARY_PROPERTY, value: '1930-06-01T00:00:00Z' },
      ],
    });
    expect(result.notes).toEqual([]);
    expect(result.distributionList).toBeUndefined();
    expect(result.photo).toBeUndefined();
    expect(() => checkProperties({ ...result.contact }, 'contact')).not.toThrow();
  });

  it('composes displayName from the name parts, then nickname, company or address', () => {
    const name = (attrs: Record<string, string>) => convert(source(attrs)).contact.displayName;
    expect(name({ namePrefix: 'Dr.', firstName: 'Ann', lastName: 'Lee', nameSuffix: 'PhD' })).toBe(
      'Dr. Ann Lee PhD',
    );
    expect(name({ nickname: 'Annie', company: 'Acme' })).toBe('Annie');
    expect(name({ company: 'Acme' })).toBe('Acme');
    expect(name({ email: 'x@example.com' })).toBe('x@example.com');
    expect(name({})).toBeUndefined();
  });

  it('leaves empty and blank values out and trims the rest', () => {
    const { contact } = convert(
      source({ firstName: '  Ann  ', lastName: '', company: '   ', email: ' a@x.example ' }),
    );
    expect(contact).toEqual({
      givenName: 'Ann',
      displayName: 'Ann',
      fileAs: 'Ann',
      emailAddresses: [{ name: 'Ann', address: 'a@x.example' }],
      singleValueExtendedProperties: [STAMP_PROPERTY],
    });
  });

  it('passes the photo through unchanged', () => {
    const photo = { contentType: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]) };
    const result = convert(source({ firstName: 'Ann' }, { photo }));
    expect(result.photo).toBe(photo);
    expect(result.notes).toEqual([]);
  });

  it('warns about a photo larger than Graph takes, still passing it on', () => {
    const photo = { contentType: 'image/png', bytes: new Uint8Array(4 * 1024 * 1024 + 1) };
    const result = convert(source({ firstName: 'Ann' }, { photo }));
    expect(result.photo).toBe(photo);
    expect(result.notes).toEqual([
      'The contact photo is 4097 KB; Microsoft 365 may refuse photos over 4 MB.',
    ]);
  });
});

describe('fileAs', () => {
  it('applies Zimbra codes 1–8 like Contact.getFileAsString', () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'Rabbit, Peter'],
      ['1', 'Rabbit, Peter'],
      ['2', 'Peter Rabbit'],
      ['3', 'Burrow'],
      ['4', 'Rabbit, Peter (Burrow)'],
      ['5', 'Peter Rabbit (Burrow)'],
      ['6', 'Burrow (Rabbit, Peter)'],
      ['7', 'Burrow (Peter Rabbit)'],
      ['8:Pete the rabbit', 'Pete the rabbit'],
      ['8:with: colon', 'with: colon'],
      ['8:', 'Rabbit, Peter'],
      ['99', 'Rabbit, Peter'],
    ];
    for (const [code, expected] of cases)
      expect(fileAsText(code, 'Peter', 'Rabbit', 'Burrow')).toBe(expected);
    expect(fileAsText('4', 'Peter', '', '')).toBe('Peter');
    expect(fileAsText('6', '', '', 'Burrow')).toBe('Burrow');
  });

  it('falls back to the display name when the code yields nothing', () => {
    const { contact } = convert(source({ fileAs: '3', firstName: 'Ann', lastName: 'Lee' }));
    expect(contact.fileAs).toBe('Ann Lee');
  });
});

describe('e-mail addresses', () => {
  it('keeps 3 and puts the rest in a Ferry property and the notes', () => {
    const result = convert(
      source({
        fullName: 'Many Mails',
        email: 'one@x.example',
        email2: 'two@x.example',
        email3: 'three@x.example',
        email4: 'four@x.example',
        workEmail1: 'ONE@x.example',
        workEmail2: 'work2@x.example',
        notes: 'Original notes',
      }),
    );
    expect(result.contact.emailAddresses).toEqual([
      { name: 'Many Mails', address: 'one@x.example' },
      { name: 'Many Mails', address: 'two@x.example' },
      { name: 'Many Mails', address: 'three@x.example' },
    ]);
    expect(result.contact.singleValueExtendedProperties).toEqual([
      STAMP_PROPERTY,
      { id: EXTRA_EMAILS_PROPERTY, value: 'four@x.example\nwork2@x.example' },
    ]);
    expect(result.contact.personalNotes).toBe(
      `Original notes\n\n${EXTRA_FIELDS_HEADING}\nemail4: four@x.example\nworkEmail2: work2@x.example`,
    );
    expect(result.notes).toEqual([
      "Outlook keeps 3 e-mail addresses per contact; 2 more addresses (email4, workEmail2) are kept in the contact's notes and in Ferry's ZimbraExtraEmailAddresses property.",
    ]);
  });

  it('reads multi-valued attributes (JSON arrays) as several values', () => {
    const { contact } = convert(source({ email: ['a@x.example', 'b@x.example'], email2: 'c@x.example' }));
    expect(contact.emailAddresses).toEqual([
      { name: 'a@x.example', address: 'a@x.example' },
      { name: 'a@x.example', address: 'b@x.example' },
      { name: 'a@x.example', address: 'c@x.example' },
    ]);
  });
});

describe('phones', () => {
  it('puts a third business phone in "other" and, when that is taken, in the notes', () => {
    const result = convert(source({ firstName: 'Ann', workPhone: '1', workPhone2: '2', workPhone3: '3' }));
    expect(result.contact.businessPhones).toEqual(['1', '2']);
    expect(result.contact.singleValueExtendedProperties).toEqual([
      STAMP_PROPERTY,
      { id: 'String 0x3A1F', value: '3' },
    ]);
    const crowded = convert(
      source({
        firstName: 'Ann',
        workPhone: '1',
        workPhone2: '2',
        workPhone3: '3',
        mobilePhone: 'm1',
        mobilePhone2: 'm2',
        tollFree: '0800',
      }),
    );
    expect(crowded.contact.businessPhones).toEqual(['1', '2']);
    expect(crowded.contact.mobilePhone).toBe('m1');
    expect(crowded.contact.singleValueExtendedProperties).toEqual([
      STAMP_PROPERTY,
      { id: 'String 0x3A1F', value: '0800' },
    ]);
    expect(crowded.contact.personalNotes).toBe(`${EXTRA_FIELDS_HEADING}\nworkPhone3: 3\nmobilePhone2: m2`);
    expect(crowded.notes).toEqual([
      "Outlook has no free phone field for workPhone3, mobilePhone2; the numbers are kept in the contact's notes.",
    ]);
  });

  it('gives each number its own slot before any number spills into a shared one', () => {
    const { contact } = convert(
      source({ workPhone: '1', workPhone2: '2', workPhone3: '3', otherPhone: 'o' }),
    );
    expect(contact.singleValueExtendedProperties).toEqual([
      STAMP_PROPERTY,
      { id: 'String 0x3A1F', value: 'o' },
    ]);
    expect(contact.personalNotes).toBe(`${EXTRA_FIELDS_HEADING}\nworkPhone3: 3`);
  });
});

describe('dates', () => {
  const birthday = (value: string) => convert(source({ firstName: 'A', birthday: value }));

  it('writes a full date as midnight UTC', () => {
    expect(birthday('1970-01-31').contact.birthday).toBe('1970-01-31T00:00:00Z');
    expect(birthday('19700131').contact.birthday).toBe('1970-01-31T00:00:00Z');
  });

  it('writes a date without a year in 1604, leap day included', () => {
    expect(birthday('--03-15').contact.birthday).toBe('1604-03-15T00:00:00Z');
    expect(birthday('--0229').contact.birthday).toBe('1604-02-29T00:00:00Z');
    const { contact } = convert(source({ firstName: 'A', anniversary: '--12-24' }));
    expect(contact.singleValueExtendedProperties).toContainEqual({
      id: ANNIVERSARY_PROPERTY,
      value: '1604-12-24T00:00:00Z',
    });
  });

  it('keeps a value that is not a real date in the notes', () => {
    for (const value of ['2023-02-30', 'next tuesday', '1500-01-01']) {
      const result = birthday(value);
      expect(result.contact.birthday).toBeUndefined();
      expect(result.contact.personalNotes).toBe(`${EXTRA_FIELDS_HEADING}\nbirthday: ${value}`);
      expect(result.notes).toEqual([
        `The birthday "${value}" is not a date; it is kept in the contact's notes.`,
      ]);
    }
  });
});

describe('IM addresses', () => {
  it('removes Zimbra protocol prefixes sensibly', () => {
    expect(imAddress('xmpp://bob@jabber.example')).toBe('bob@jabber.example');
    expect(imAddress('other://bob')).toBe('bob');
    expect(imAddress('aim://bobsmith')).toBe('bobsmith (aim)');
    expect(imAddress('yahoo://bob@yahoo.example')).toBe('bob@yahoo.example');
    expect(imAddress('skype:bob.smith')).toBe('bob.smith (skype)');
    expect(imAddress('sip:bob@example.com')).toBe('sip:bob@example.com');
    expect(imAddress('plain-handle')).toBe('plain-handle');
    expect(imAddress('https://teams.example/bob')).toBe('https://teams.example/bob');
  });

  it('keeps 3 and the rest in the notes', () => {
    const result = convert(
      source({
        imAddress1: 'xmpp://a@x',
        imAddress2: 'xmpp://b@x',
        imAddress3: 'xmpp://c@x',
        workIM1: 'd@x',
      }),
    );
    expect(result.contact.imAddresses).toEqual(['a@x', 'b@x', 'c@x']);
    expect(result.contact.personalNotes).toBe(`${EXTRA_FIELDS_HEADING}\nworkIM1: d@x`);
  });
});

describe('fields Graph has no place for', () => {
  it('lists custom, unknown and surplus values at the end of the notes, multi-line values indented', () => {
    const result = convert(
      source({
        firstName: ['Ann', 'Anna'],
        maidenName: 'Smith',
        custom1: 'Blood type: 0+',
        'My Field': 'line one\nline two',
        otherURL: 'https://blog.example',
        workURL2: 'https://second.example',
        isMyCard: 'TRUE',
        zimbraId: 'uuid',
        notes: 'Hello',
      }),
    );
    expect(result.contact.personalNotes).toBe(
      [
        'Hello',
        '',
        EXTRA_FIELDS_HEADING,
        'My Field: line one',
        '  line two',
        'custom1: Blood type: 0+',
        'firstName: Anna',
        'maidenName: Smith',
        'otherURL: https://blog.example',
        'workURL2: https://second.example',
      ].join('\n'),
    );
    expect(result.notes).toEqual([
      "Zimbra fields Outlook has no place for are kept in the contact's notes: My Field, custom1, firstName, maidenName, otherURL, workURL2.",
    ]);
  });

  it('says that S/MIME certificates are not migrated', () => {
    const result = convert(source({ firstName: 'A', userSMIMECertificate: 'MIIB…' }));
    expect(result.contact.personalNotes).toBeUndefined();
    expect(result.notes).toEqual([
      'The contact’s S/MIME certificate was not migrated: Graph contacts cannot hold one.',
    ]);
  });

  it('shortens over-long one-line fields and keeps them whole in the notes', () => {
    const company = 'C'.repeat(300);
    const result = convert(source({ company }));
    expect(result.contact.companyName).toBe('C'.repeat(255));
    expect(result.contact.personalNotes).toBe(`${EXTRA_FIELDS_HEADING}\ncompany: ${company}`);
    expect(result.notes).toEqual([
      "Outlook fields hold 255 characters; longer values were shortened there and kept whole in the contact's notes: company.",
    ]);
  });
});

describe('hostile input', () => {
  it('removes control characters and lone surrogates', () => {
    const { contact } = convert(source({ firstName: 'A\u0000n\u0007n\uD800', notes: 'x\u001by\r\nz' }));
    expect(contact.givenName).toBe('Ann\uFFFD');
    expect(contact.personalNotes).toBe('xy\nz');
  });

  it('caps huge notes with a note for the admin', () => {
    const result = convert(source({ firstName: 'A', notes: 'n'.repeat(600_000) }));
    expect(result.contact.personalNotes).toHaveLength(500_000);
    expect(result.notes).toEqual([
      "The contact's notes are 600000 characters long; only the first 500000 were kept.",
    ]);
  });

  it('ignores values that are not text', () => {
    const attrs = { firstName: 'Ann', image: { part: '1', ct: 'image/jpeg' }, odd: 42 } as unknown as Record<
      string,
      string
    >;
    const result = convert(source(attrs));
    expect(result.contact).toEqual({
      givenName: 'Ann',
      displayName: 'Ann',
      fileAs: 'Ann',
      singleValueExtendedProperties: [STAMP_PROPERTY],
    });
  });

  it('survives a thousand custom fields', () => {
    const attrs = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, `v${i}`]));
    const result = convert(source(attrs));
    expect(String(result.contact.personalNotes).split('\n')).toHaveLength(1001);
  });
});

describe('vCard-derived attributes (the emulator’s reader)', () => {
  it('vCard 2.1 with quoted-printable ISO-8859-1', () => {
    const card = Buffer.from(
      'BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n' +
        'TEL;WORK;VOICE:+49 30 1234\r\nTEL;CELL:+49 170 1234\r\nEMAIL;INTERNET:jm@example.de\r\nEND:VCARD\r\n',
      'latin1',
    );
    const { contact } = convert(vcardContact(card));
    expect(contact).toEqual({
      givenName: 'Jürgen',
      surname: 'Müller',
      displayName: 'Jürgen Müller',
      fileAs: 'Müller, Jürgen',
      emailAddresses: [{ name: 'Jürgen Müller', address: 'jm@example.de' }],
      businessPhones: ['+49 30 1234'],
      mobilePhone: '+49 170 1234',
      singleValueExtendedProperties: [STAMP_PROPERTY],
    });
  });

  it('vCard 3.0 in Windows-1252 bytes without a charset label', () => {
    const card = Buffer.from(
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren\xe9 Fran\xe7ois\r\nN:Fran\xe7ois;Ren\xe9;;;\r\nORG:Caf\xe9 SA;Cuisine\r\n' +
        'ADR;TYPE=WORK:;;1 rue de la Paix;Paris;;75002;France\r\nBDAY:--04-01\r\nEND:VCARD\r\n',
      'latin1',
    );
    const { contact } = convert(vcardContact(card));
    expect(contact).toEqual({
      givenName: 'René',
      surname: 'François',
      displayName: 'René François',
      fileAs: 'François, René',
      companyName: 'Café SA',
      department: 'Cuisine',
      businessAddress: {
        street: '1 rue de la Paix',
        city: 'Paris',
        postalCode: '75002',
        countryOrRegion: 'France',
      },
      birthday: '1604-04-01T00:00:00Z',
      singleValueExtendedProperties: [STAMP_PROPERTY],
    });
  });

  it('vCard 4.0 with IMPP, URL and anniversary', () => {
    const { contact } = convert(
      vcardContact(
        'BEGIN:VCARD\nVERSION:4.0\nFN:安藤 ロイド\nN:安藤;ロイド;;;\nIMPP:xmpp:roid@example.jp\n' +
          'URL;TYPE=home:https://roid.example\nANNIVERSARY:20090808\nTEL;TYPE=fax,work:+81 3 1234\nEND:VCARD\n',
      ),
    );
    expect(contact).toEqual({
      givenName: 'ロイド',
      surname: '安藤',
      displayName: '安藤 ロイド',
      fileAs: '安藤, ロイド',
      imAddresses: ['roid@example.jp'],
      singleValueExtendedProperties: [
        STAMP_PROPERTY,
        { id: PERSONAL_HOME_PAGE_PROPERTY, value: 'https://roid.example' },
        { id: 'String 0x3A24', value: '+81 3 1234' },
        { id: ANNIVERSARY_PROPERTY, value: '2009-08-08T00:00:00Z' },
      ],
    });
  });
});

describe('contact groups', () => {
  const members = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      name: i % 2 === 0 ? `Member ${i}` : undefined,
      address: `m${i}@x.example`,
    }));

  it('a group with many members: a distribution list and a fallback contact that loses none', () => {
    const result = convert(
      source(
        { type: 'group', nickname: 'Team', fileAs: '8:Team', notes: 'Weekly' },
        { groupMembers: members(5), tags: ['Work'] },
      ),
    );
    expect(result.distributionList).toEqual({
      displayName: 'Team',
      members: [
        { name: 'Member 0', address: 'm0@x.example' },
        { name: undefined, address: 'm1@x.example' },
        { name: 'Member 2', address: 'm2@x.example' },
        { name: undefined, address: 'm3@x.example' },
        { name: 'Member 4', address: 'm4@x.example' },
      ],
    });
    expect(result.contact).toEqual({
      displayName: 'Team',
      fileAs: 'Team',
      emailAddresses: [
        { name: 'Member 0', address: 'm0@x.example' },
        { name: 'm1@x.example', address: 'm1@x.example' },
        { name: 'Member 2', address: 'm2@x.example' },
      ],
      personalNotes:
        'Weekly\n\nMembers:\nMember 0 <m0@x.example>\nm1@x.example\nMember 2 <m2@x.example>\nm3@x.example\nMember 4 <m4@x.example>',
      categories: ['Work', GROUP_CATEGORY],
      singleValueExtendedProperties: [STAMP_PROPERTY],
    });
    expect(result.notes).toEqual([]);
  });

  it('a group with one member', () => {
    const result = convert(source({ type: 'group', fullName: 'Solo' }, { groupMembers: members(1) }));
    expect(result.distributionList).toEqual({
      displayName: 'Solo',
      members: [{ name: 'Member 0', address: 'm0@x.example' }],
    });
    expect(result.contact.personalNotes).toBe('Members:\nMember 0 <m0@x.example>');
  });

  it('a group with no members and no name', () => {
    const result = convert(source({ type: 'group' }));
    expect(result.distributionList).toEqual({ displayName: UNNAMED_GROUP, members: [] });
    expect(result.contact).toEqual({
      displayName: UNNAMED_GROUP,
      fileAs: UNNAMED_GROUP,
      personalNotes: 'Members: none',
      categories: [GROUP_CATEGORY],
      singleValueExtendedProperties: [STAMP_PROPERTY],
    });
  });

  it('a pre-8.0 group from its dlist, quoted commas kept, duplicates merged', () => {
    const result = convert(
      source({
        type: 'group',
        nickname: 'Old',
        dlist: '"Doe, Jo" <jo@x.example>, ann@x.example, JO@x.example',
      }),
    );
    expect(result.distributionList?.members).toEqual([
      { name: 'Doe, Jo', address: 'jo@x.example' },
      { name: undefined, address: 'ann@x.example' },
    ]);
  });

  it('lists members without an address in the notes and tells the admin', () => {
    const result = convert(
      source(
        { type: 'group', nickname: 'G' },
        { groupMembers: [{ name: 'Ghost', address: '' }, ...members(1)] },
      ),
    );
    expect(result.distributionList?.members).toEqual([{ name: 'Member 0', address: 'm0@x.example' }]);
    expect(result.contact.personalNotes).toBe('Members:\nMember 0 <m0@x.example>\nGhost (no address)');
    expect(result.notes).toEqual([
      "1 member of the group had no e-mail address in Zimbra (Ghost); they are listed in the contact's notes but cannot be list members.",
    ]);
  });
});

describe('contentHash', () => {
  const base = { firstName: 'Ann', lastName: 'Lee', email: 'a@x.example' };
  const hash = (contact: SourceContact) => convert(contact).contentHash;

  it('is the same for the same contact whatever the attribute order, and a SHA-256 hex', () => {
    const reordered = { email: 'a@x.example', lastName: 'Lee', firstName: 'Ann' };
    expect(hash(source(base))).toBe(hash(source(reordered)));
    expect(hash(source(base))).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(source(base))).not.toBe(createHash('sha256').update('').digest('hex'));
  });

  it('changes with any value, tag, member or photo byte', () => {
    const photo = (byte: number) => ({ contentType: 'image/png', bytes: new Uint8Array([1, 2, byte]) });
    const hashes = [
      hash(source(base)),
      hash(source({ ...base, lastName: 'Li' })),
      hash(source(base, { tags: ['x'] })),
      hash(source(base, { groupMembers: [{ name: undefined, address: 'm@x' }] })),
      hash(source(base, { photo: photo(3) })),
      hash(source(base, { photo: photo(4) })),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
