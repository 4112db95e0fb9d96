/**
 * The small per-account JSON files: tags.json, filters.json and outgoing-filters.json (Zimbra
 * filterRule objects as in GetFilterRulesResponse, zimbra.md §9), signatures.json (the signature
 * array of GetSignaturesResponse, §10) and prefs.json (Zimbra pref name → string value).
 */
import type { Random } from './random.ts';

export interface Tag {
  readonly name: string;
  readonly color?: number;
  readonly rgb?: string;
}

/** Tags of every account: colour indexes 0–9 and two RGB colours, one non-ASCII name. */
export const TAGS: readonly Tag[] = [
  { name: 'Work', color: 3 },
  { name: 'Personal', color: 1 },
  { name: 'Urgent', color: 5 },
  { name: 'Clients', color: 4 },
  { name: 'Réunion', rgb: '#1E90FF' },
  { name: 'Follow up', rgb: '#FF8C00' },
];

type FilterRule = Record<string, unknown>;

function fileInto(folderPath: string): FilterRule {
  return { actionFileInto: [{ folderPath }] };
}

const STOP: FilterRule = { actionStop: [{}] };

/**
 * 6–8 rules filing into the account's user folders, tagging, flagging and one inactive rule, and the
 * awkward ones real mailboxes have: a date test, a discard, a nested rule (Zimbra 8.5+).
 */
export function filterRules(random: Random, colleagueEmail: string): FilterRule[] {
  const rules: FilterRule[] = [
    {
      name: 'Newsletters',
      active: true,
      filterTests: [
        {
          condition: 'anyof',
          headerTest: [{ header: 'subject', stringComparison: 'contains', value: 'Newsletter' }],
          headerExistsTest: [{ header: 'List-Unsubscribe' }],
        },
      ],
      filterActions: [fileInto('Inbox/Newsletters'), STOP],
    },
    {
      name: 'Équipe projets',
      active: true,
      filterTests: [
        {
          condition: 'allof',
          addressTest: [{ header: 'from', part: 'domain', stringComparison: 'is', value: 'contoso.example' }],
          headerTest: [{ header: 'subject', stringComparison: 'contains', value: 'projet' }],
        },
      ],
      filterActions: [fileInto('Projets/Équipe'), { actionTag: [{ tagName: 'Work' }] }],
    },
    {
      name: 'Big attachments',
      active: true,
      filterTests: [{ condition: 'anyof', sizeTest: [{ numberComparison: 'over', s: '3M' }] }],
      filterActions: [{ actionFlag: [{ flagName: 'flagged' }] }, { actionKeep: [{}] }],
    },
  ];
  rules.push(
    {
      name: 'Old invoices',
      active: true,
      filterTests: [
        {
          condition: 'allof',
          headerTest: [{ header: 'subject', stringComparison: 'contains', value: 'invoice' }],
          dateTest: [{ dateComparison: 'before', d: '1609459200' }],
        },
      ],
      filterActions: [fileInto('Archive/2024')],
    },
    {
      name: 'Casino spam',
      active: true,
      filterTests: [{ condition: 'anyof', bodyTest: [{ value: 'casino bonus' }] }],
      filterActions: [{ actionDiscard: [{}] }, STOP],
    },
    {
      name: 'Partners (nested)',
      active: true,
      filterTests: [
        {
          condition: 'anyof',
          addressTest: [{ header: 'from', part: 'domain', stringComparison: 'is', value: 'partner.example' }],
          headerTest: [{ header: 'subject', stringComparison: 'contains', value: 'partner' }],
        },
      ],
      nestedRule: [
        {
          filterTests: [{ condition: 'anyof', attachmentTest: [{}] }],
          filterActions: [fileInto('Kunden & Partner')],
        },
      ],
    },
  );
  if (random.chance(0.7)) {
    rules.push({
      name: 'Kunden',
      active: false,
      filterTests: [
        {
          condition: 'anyof',
          headerTest: [{ header: 'to', stringComparison: 'matches', value: '*kunden*' }],
        },
      ],
      filterActions: [fileInto('Kunden & Partner'), STOP],
    });
  }
  if (random.chance(0.7)) {
    rules.push({
      name: 'From my colleague',
      active: true,
      filterTests: [
        {
          condition: 'anyof',
          addressTest: [{ header: 'from', part: 'all', stringComparison: 'is', value: colleagueEmail }],
        },
      ],
      filterActions: [{ actionTag: [{ tagName: 'Urgent' }] }, { actionFlag: [{ flagName: 'read' }] }],
    });
  }
  return rules;
}

/** One outgoing filter: Exchange inbox rules cannot run on sent mail, so it is reported. */
export function outgoingFilterRules(): FilterRule[] {
  return [
    {
      name: 'Sent to clients',
      active: true,
      filterTests: [
        {
          condition: 'anyof',
          addressTest: [{ header: 'to', part: 'domain', stringComparison: 'is', value: 'client.example' }],
        },
      ],
      filterActions: [{ actionTag: [{ tagName: 'Clients' }] }],
    },
  ];
}

/** Two signatures (HTML with a quote Outlook users type, and plain text), the first for new mail, the second for replies. */
export function signatures(name: string): Record<string, unknown>[] {
  return [
    {
      id: '6b6c1f3e-0001-4c3a-9c1e-5d5d5d5d0001',
      name: 'Work',
      content: [
        { type: 'text/plain', _content: `${name}\nFerry Demo Corp – l’équipe\n+33 1 23 45 67 89` },
        {
          type: 'text/html',
          _content: `<div><b>${name}</b><br>Ferry Demo Corp – l’équipe<br><a href="https://ferry.example">ferry.example</a></div>`,
        },
      ],
    },
    {
      id: '6b6c1f3e-0002-4c3a-9c1e-5d5d5d5d0002',
      name: "Short 'n' plain",
      content: [{ type: 'text/plain', _content: `-- \n${name}` }],
    },
  ];
}

/**
 * Zimbra preferences; out of office is switched on when `outOfOffice` is true, forwarding to
 * `forwardTo` (keeping a copy) when given.
 */
export function prefs(outOfOffice: boolean, forwardTo?: string): Record<string, string> {
  const base: Record<string, string> = {
    zimbraPrefTimeZoneId: 'Europe/Paris',
    zimbraPrefLocale: 'fr',
    zimbraPrefMailSignature: '--\nFerry Demo Corp\nhttps://ferry.example',
    zimbraPrefDefaultSignatureId: '6b6c1f3e-0001-4c3a-9c1e-5d5d5d5d0001',
    zimbraPrefForwardReplySignatureId: '6b6c1f3e-0002-4c3a-9c1e-5d5d5d5d0002',
    ...(forwardTo === undefined
      ? {}
      : { zimbraPrefMailForwardingAddress: forwardTo, zimbraPrefMailLocalDeliveryDisabled: 'FALSE' }),
  };
  if (!outOfOffice) return { ...base, zimbraPrefOutOfOfficeReplyEnabled: 'FALSE' };
  return {
    ...base,
    zimbraPrefOutOfOfficeReplyEnabled: 'TRUE',
    zimbraPrefOutOfOfficeReply:
      'Je suis absent jusqu’au 15 décembre. / I am out of the office until 15 December.',
    zimbraPrefOutOfOfficeExternalReplyEnabled: 'TRUE',
    zimbraPrefOutOfOfficeExternalReply: 'Thank you for your message. I am away until 15 December.',
    zimbraPrefOutOfOfficeFromDate: '20261201000000Z',
    zimbraPrefOutOfOfficeUntilDate: '20261215000000Z',
  };
}
