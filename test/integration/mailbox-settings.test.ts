import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { renderScript } from '../../src/convert/powershell-script.ts';
import { settingsScriptsOf } from '../../src/db/settings-scripts.ts';
import type { MailboxSettingsScript } from '../../src/domain/mailbox-settings.ts';
import type { ItemType, MailboxReport } from '../../src/domain/migration.ts';
import { startMigrationHarness } from '../support/migration-harness.ts';

const SOURCE = 'alice@zimbra.test';
const DESTINATION = 'alice@contoso.com';
const SETTINGS: { itemTypes: ItemType[] } = {
  itemTypes: ['mail', 'rules', 'outOfOffice', 'forwarding', 'signatures'],
};

const eml = (subject: string) =>
  `From: bob@example.org\r\nTo: ${SOURCE}\r\nSubject: ${subject}\r\nDate: Mon, 2 Jan 2023 10:00:00 +0000\r\nMessage-ID: <${subject}@x>\r\n\r\nbody\r\n`;

/** Zimbra's filters as GetFilterRulesResponse carries them (zimbra.md §9). */
const filters = (billsSubject: string) => [
  {
    name: 'Bills',
    active: true,
    filterTests: [
      {
        condition: 'allof',
        addressTest: [
          { index: 0, header: 'from', part: 'all', stringComparison: 'is', value: 'billing@acme.example' },
        ],
        headerTest: [{ index: 1, header: 'subject', stringComparison: 'contains', value: billsSubject }],
      },
    ],
    filterActions: [
      {
        actionFileInto: [{ index: 0, folderPath: '/Bills' }],
        actionTag: [{ index: 1, tagName: 'Money' }],
        actionStop: [{ index: 2 }],
      },
    ],
  },
  {
    name: 'Big mail',
    active: false,
    filterTests: [{ condition: 'anyof', sizeTest: [{ numberComparison: 'over', s: '5M' }] }],
    filterActions: [
      { actionFlag: [{ flagName: 'read' }] },
      { actionRedirect: [{ a: 'archive@contoso.com', copy: true }] },
    ],
  },
  {
    name: 'Old stuff',
    active: true,
    filterTests: [{ condition: 'allof', dateTest: [{ dateComparison: 'before', d: '1609459200' }] }],
    filterActions: [{ actionFileInto: [{ folderPath: 'Bills' }] }],
  },
  {
    name: 'Casino',
    active: true,
    filterTests: [{ condition: 'anyof', bodyTest: [{ value: 'casino' }] }],
    filterActions: [{ actionDiscard: [{}] }],
  },
  {
    name: 'Partners',
    active: true,
    filterTests: [
      {
        condition: 'anyof',
        headerTest: [
          { header: 'subject', stringComparison: 'contains', value: 'partner' },
          { header: 'subject', stringComparison: 'matches', value: '*alliance*' },
        ],
      },
    ],
    filterActions: [{ actionTag: [{ tagName: 'Partners' }] }],
  },
];

const PREFS = {
  zimbraPrefOutOfOfficeReplyEnabled: 'TRUE',
  zimbraPrefOutOfOfficeReply: 'Je suis absent jusqu’au 15.\nMerci',
  zimbraPrefOutOfOfficeExternalReplyEnabled: 'TRUE',
  zimbraPrefOutOfOfficeExternalReply: 'Away until the 15th.',
  zimbraPrefOutOfOfficeFromDate: '20991201080000Z',
  zimbraPrefOutOfOfficeUntilDate: '20991215180000Z',
  zimbraPrefMailForwardingAddress: 'assistant@partner.example',
  zimbraPrefMailLocalDeliveryDisabled: 'FALSE',
  zimbraPrefDefaultSignatureId: 'sig-work',
};

const SIGNATURES = [
  {
    id: 'sig-work',
    name: 'Work',
    content: [
      { type: 'text/plain', _content: 'Alice\nl’équipe' },
      { type: 'text/html', _content: '<b>Alice</b><br>l’équipe' },
    ],
  },
  { id: 'sig-short', name: 'Short', content: [{ type: 'text/plain', _content: '-- A' }] },
];

interface Rule {
  id: string;
  displayName: string;
  sequence: number;
  isEnabled: boolean;
  conditions: Record<string, unknown>;
  exceptions: Record<string, unknown>;
  actions: Record<string, unknown>;
}

describe('mailbox settings end to end', () => {
  let harness: Awaited<ReturnType<typeof startMigrationHarness>>;
  let token: string;
  let first: MailboxReport;

  const graph = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${harness.graphUrl}/v1.0/users/${DESTINATION}/${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, url).toBeLessThan(300);
    return (await response.json()) as T;
  };
  const rules = async () => (await graph<{ value: Rule[] }>('GET', 'mailFolders/inbox/messageRules')).value;
  const folderName = async (id: unknown) =>
    (await graph<{ displayName: string }>('GET', `mailFolders/${encodeURIComponent(String(id))}`))
      .displayName;
  const script = async () => {
    const row = await harness.db.selectFrom('settings_scripts').select('script').executeTakeFirstOrThrow();
    return row.script as unknown as MailboxSettingsScript;
  };

  beforeAll(async () => {
    harness = await startMigrationHarness({
      source: SOURCE,
      sourceFiles: {
        'mail/Inbox/a.eml': eml('hello'),
        'mail/Bills/b.eml': eml('bill'),
        'filters.json': JSON.stringify(filters('invoice')),
        'outgoing-filters.json': JSON.stringify([
          {
            name: 'Sent to clients',
            active: true,
            filterTests: [
              {
                condition: 'anyof',
                headerTest: [{ header: 'to', stringComparison: 'contains', value: 'client' }],
              },
            ],
            filterActions: [{ actionTag: [{ tagName: 'Clients' }] }],
          },
        ]),
        'prefs.json': JSON.stringify(PREFS),
        'signatures.json': JSON.stringify(SIGNATURES),
      },
      destinations: [{ userPrincipalName: DESTINATION, mailbox: true }],
    });
    token = await harness.graphToken();
    // The user made rules in Microsoft 365 before the pass: one of a Zimbra filter's name.
    await graph('POST', 'mailFolders/inbox/messageRules', {
      displayName: 'Partners',
      sequence: 9,
      actions: { markAsRead: true },
    });
    first = await harness.runPass('full', DESTINATION, SETTINGS);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('creates an inbox rule for every filter Graph can express, field by field, in Zimbra order', async () => {
    const byName = new Map((await rules()).map((r) => [r.displayName, r]));
    expect(byName.get('Forwarding (from Zimbra)')).toMatchObject({
      sequence: 1,
      isEnabled: true,
      conditions: {},
      actions: { redirectTo: [{ emailAddress: { address: 'assistant@partner.example' } }] },
    });
    expect(byName.get('Bills')).toMatchObject({
      sequence: 2,
      isEnabled: true,
      conditions: {
        fromAddresses: [{ emailAddress: { address: 'billing@acme.example' } }],
        subjectContains: ['invoice'],
      },
      exceptions: {},
      actions: { assignCategories: ['Money'], stopProcessingRules: true },
    });
    expect(await folderName(byName.get('Bills')!.actions.moveToFolder)).toBe('Bills');
    expect(byName.get('Big mail')).toMatchObject({
      sequence: 3,
      isEnabled: false,
      conditions: { withinSizeRange: { minimumSize: 5120 } },
      actions: { markAsRead: true, redirectTo: [{ emailAddress: { address: 'archive@contoso.com' } }] },
    });
    // The user's own rule of a Zimbra filter's name is untouched; the others were never created.
    expect(byName.get('Partners')).toMatchObject({ sequence: 9, actions: { markAsRead: true } });
    expect([...byName.keys()].sort()).toEqual(['Big mail', 'Bills', 'Forwarding (from Zimbra)', 'Partners']);
  });

  it('reports every filter it could not migrate, with the reason and the original text', () => {
    const messages = first.errors.filter((e) => e.type === 'rules').map((e) => e.message);
    expect(messages).toHaveLength(4);
    expect(messages).toContainEqual(
      expect.stringMatching(/date test.*Original: "Old stuff": if allof \(date :before 1609459200\)/),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(
        /discard.*Original: "Casino": if anyof \(body :contains "casino"\) \{ discard; \}/,
      ),
    );
    expect(messages).toContainEqual(expect.stringMatching(/outgoing filter.*"Sent to clients"/));
    expect(messages).toContainEqual(expect.stringMatching(/"Partners" already exists in Microsoft 365/));
    expect(first.status).toBe('completed_with_errors');
    expect(first.items.rules).toMatchObject({ migrated: 2, failed: 4 });
    expect(first.items.forwarding.migrated).toBe(1);
  });

  it('writes the out-of-office with its texts and dates, switched off before cutover', async () => {
    const replies = await graph<Record<string, unknown>>('GET', 'mailboxSettings/automaticRepliesSetting');
    expect(replies).toMatchObject({
      status: 'disabled',
      externalAudience: 'all',
      internalReplyMessage: 'Je suis absent jusqu’au 15.<br>Merci',
      externalReplyMessage: 'Away until the 15th.',
      scheduledStartDateTime: { dateTime: '2099-12-01T08:00:00', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2099-12-15T18:00:00', timeZone: 'UTC' },
    });
    expect((await script()).notes.join(' ')).toMatch(/MigrateOutOfOffice=1/);
  });

  it('puts the default signature in the PowerShell script and keeps both in the report', async () => {
    const saved = await script();
    expect(saved.signatures.map((s) => s.name)).toEqual(['Work', 'Short']);
    expect(saved.steps.map((s) => s.title)).toEqual([
      `Signature "Work" of ${DESTINATION}, added to new messages`,
    ]);
    const text = renderScript([saved], 'now');
    expect(text).toContain("-SignatureHtml '<b>Alice</b><br>l’’équipe'");
    expect(text).toContain('# Not migrated');
    expect(first.items.signatures).toMatchObject({ migrated: 0, skipped: 2 });
    // ferry migrate --settings-script finds it by the plan's addresses, in any case.
    const ofPlan = await settingsScriptsOf(harness.db, [
      { source: SOURCE.toUpperCase(), destination: DESTINATION },
      { source: 'nobody@zimbra.test', destination: 'nobody@contoso.com' },
    ]);
    expect(ofPlan).toEqual([saved]);
  });

  it('creates nothing new on a second Full pass', async () => {
    const before = await rules();
    const second = await harness.runPass('full', DESTINATION, SETTINGS);
    expect(await rules()).toEqual(before);
    expect(second.items.rules.migrated).toBe(0);
    expect(second.items.outOfOffice.migrated).toBe(0);
    expect(second.items.forwarding.migrated).toBe(0);
  });

  it('updates a changed filter in place, and switches the out-of-office on when asked', async () => {
    const before = (await rules()).find((r) => r.displayName === 'Bills')!;
    const changed = filters('receipt');
    // "Big mail" gains a date test: Graph cannot say it any more, so its rule is switched off.
    (changed[1]!.filterTests[0] as Record<string, unknown>).dateTest = [
      { dateComparison: 'after', d: '1609459200' },
    ];
    writeFileSync(path.join(harness.sourceDir, 'filters.json'), JSON.stringify(changed));
    // Forwarding ended in Zimbra: the forwarding rule must stop forwarding.
    const { zimbraPrefMailForwardingAddress: _ended, ...withoutForwarding } = PREFS;
    writeFileSync(path.join(harness.sourceDir, 'prefs.json'), JSON.stringify(withoutForwarding));
    expect((await fetch(`${harness.zimbraUrl}/_emulator/reload`, { method: 'POST' })).status).toBe(204);
    const third = await harness.runPass('full', DESTINATION, { ...SETTINGS, migrateOutOfOffice: true });
    const after = (await rules()).find((r) => r.displayName === 'Bills')!;
    expect(after.id).toBe(before.id);
    expect(after.conditions.subjectContains).toEqual(['receipt']);
    expect(third.items.rules.migrated).toBe(1);
    const now = new Map((await rules()).map((r) => [r.displayName, r]));
    expect(now.size).toBe(4);
    expect(now.get('Big mail')!.isEnabled).toBe(false);
    expect(now.get('Forwarding (from Zimbra)')!.isEnabled).toBe(false);
    expect(third.errors.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^Filter not migrated, because .*date test.*"Big mail".*switched off\.$/),
    );
    const replies = await graph<{ status: string }>('GET', 'mailboxSettings/automaticRepliesSetting');
    expect(replies.status).toBe('scheduled');
  });
});

describe('Verify Credentials with mailbox settings', () => {
  it('fails the mailbox naming MailboxSettings.ReadWrite when the app may not read inbox rules', async () => {
    const harness = await startMigrationHarness({
      source: SOURCE,
      sourceFiles: { 'mail/Inbox/a.eml': eml('hello') },
      destinations: [{ userPrincipalName: DESTINATION, mailbox: true }],
      permissions: ['Mail.ReadWrite', 'User.Read.All'],
    });
    try {
      const mailOnly = await harness.runPass('verify', DESTINATION, { itemTypes: ['mail'] });
      expect(mailOnly.status).toBe('completed');
      const withRules = await harness.runPass('verify', DESTINATION, { itemTypes: ['mail', 'rules'] });
      expect(withRules.status).toBe('failed');
      expect(withRules.error).toMatch(/^DESTINATION_SETTINGS_ACCESS_DENIED: .*MailboxSettings\.ReadWrite/);
    } finally {
      await harness.close();
    }
  }, 60_000);
});
