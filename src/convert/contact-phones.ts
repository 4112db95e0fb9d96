/**
 * Zimbra phone numbers → Graph's phone fields and Outlook's other phone properties.
 *
 * Graph v1.0 has `businessPhones` (at most 2, or a 400), `homePhones` (2 assumed) and one
 * `mobilePhone`; Outlook's other phone slots exist only as MAPI string properties
 * (microsoft-graph.md §7). Each Zimbra field lists the slots it may fill, best first: a number takes
 * its own slot when free (first pass, so every number gets its proper slot before any spills over),
 * then the next free one of its list, usually "other" (second pass). A number no slot can take is
 * returned as an overflow for the notes.
 */
import type { AttrValue, ContactAttrReader } from './contact-attrs.ts';

/** Outlook phone properties (MS-OXPROPS PidTag…TelephoneNumber / …FaxNumber). */
export const PHONE_PROPERTY_IDS = {
  businessFax: 'String 0x3A24',
  homeFax: 'String 0x3A25',
  /** Outlook labels PidTagPrimaryFaxNumber "Other Fax". */
  otherFax: 'String 0x3A23',
  pager: 'String 0x3A21',
  other: 'String 0x3A1F',
  car: 'String 0x3A1E',
  assistant: 'String 0x3A2E',
  callback: 'String 0x3A02',
  companyMain: 'String 0x3A57',
} as const;

type PropertySlot = keyof typeof PHONE_PROPERTY_IDS;
type Slot = 'business' | 'home' | 'mobile' | PropertySlot;

const CAPACITY: Readonly<Record<'business' | 'home' | 'mobile', number>> = {
  business: 2,
  home: 2,
  mobile: 1,
};

/** Zimbra phone fields (numbered series like `workPhone`, `workPhone2`) in the order they claim slots. */
const SOURCES: readonly (readonly [string, readonly Slot[]])[] = [
  ['workPhone', ['business', 'other']],
  ['homePhone', ['home', 'other']],
  ['mobilePhone', ['mobile', 'other']],
  ['workFax', ['businessFax', 'otherFax']],
  ['homeFax', ['homeFax', 'otherFax']],
  ['otherFax', ['otherFax']],
  ['pager', ['pager', 'other']],
  ['carPhone', ['car', 'other']],
  ['assistantPhone', ['assistant', 'other']],
  ['callbackPhone', ['callback', 'other']],
  ['companyPhone', ['companyMain', 'business', 'other']],
  ['otherPhone', ['other']],
  ['workMobile', ['mobile', 'other']],
  ['workAltPhone', ['business', 'other']],
  ['tollFree', ['other']],
];

export interface ContactPhones {
  readonly businessPhones: AttrValue[];
  readonly homePhones: AttrValue[];
  readonly mobilePhone: AttrValue | undefined;
  /** MAPI property id → number. */
  readonly properties: Map<string, AttrValue>;
  /** Numbers no slot could take, with the Zimbra field they came from. */
  readonly overflow: AttrValue[];
}

export function readPhones(reader: ContactAttrReader): ContactPhones {
  const filled = new Map<Slot, AttrValue[]>();
  const capacity = (slot: Slot): number => (slot in CAPACITY ? CAPACITY[slot as keyof typeof CAPACITY] : 1);
  const place = (slot: Slot, value: AttrValue): boolean => {
    const list = filled.get(slot) ?? [];
    if (list.length >= capacity(slot)) return false;
    filled.set(slot, [...list, value]);
    return true;
  };
  const waiting: { phone: AttrValue; slots: readonly Slot[] }[] = [];
  for (const [base, slots] of SOURCES) {
    for (const phone of reader.series(base)) {
      const [own, ...others] = slots;
      if (own === undefined || !place(own, phone)) waiting.push({ phone, slots: others });
    }
  }
  const overflow = waiting
    .filter(({ phone, slots }) => !slots.some((slot) => place(slot, phone)))
    .map(({ phone }) => phone);
  const properties = new Map<string, AttrValue>();
  for (const [slot, id] of Object.entries(PHONE_PROPERTY_IDS) as [PropertySlot, string][]) {
    const value = filled.get(slot)?.[0];
    if (value !== undefined) properties.set(id, value);
  }
  return {
    businessPhones: filled.get('business') ?? [],
    homePhones: filled.get('home') ?? [],
    mobilePhone: filled.get('mobile')?.[0],
    properties,
    overflow,
  };
}
