/**
 * The small per-account JSON files: tags.json, filters.json (Zimbra filterRule objects as in
 * GetFilterRulesResponse) and prefs.json (Zimbra pref name → string value).
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

/** 3–5 rules filing into the account's user folders, tagging, flagging and one inactive rule. */
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

/** Zimbra preferences; out of office is switched on when `outOfOffice` is true. */
export function prefs(outOfOffice: boolean): Record<string, string> {
  const base: Record<string, string> = {
    zimbraPrefTimeZoneId: 'Europe/Paris',
    zimbraPrefLocale: 'fr',
    zimbraPrefMailSignature: '--\nFerry Demo Corp\nhttps://ferry.example',
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
