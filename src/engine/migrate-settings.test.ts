import { describe, expect, it } from 'vitest';

import type { Destination, DestinationMailbox } from '../domain/destination.ts';
import { TransientError, UserError } from '../domain/errors.ts';
import type { MailboxSettingsScript, SourceMailboxSettings } from '../domain/mailbox-settings.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, type ItemType } from '../domain/migration.ts';
import type { ItemOutcome, ItemResult, MigrationStore, RunMailbox } from '../domain/migration-store.ts';
import type { Source, SourceFolder } from '../domain/source.ts';
import { migrateMailboxSettings } from './migrate-settings.ts';

const folder = (id: string, path: string, role?: 'inbox'): SourceFolder => ({
  id,
  parentId: '1',
  name: path.split('/').at(-1)!,
  path,
  view: 'message',
  role,
  itemCount: 1,
  sizeBytes: 1,
  color: undefined,
});
const FOLDERS = [folder('2', 'Inbox', 'inbox'), folder('300', 'Bills'), folder('301', 'Junk mail')];

function run(settings: Partial<SourceMailboxSettings> | Error, itemTypes: ItemType[], folderFilter?: string) {
  const outcomes: ItemOutcome[] = [];
  const scripts: MailboxSettingsScript[] = [];
  const writes: string[] = [];
  const mailbox: RunMailbox = {
    id: 'run-mailbox',
    runId: 'run',
    source: 'alice@zimbra.test',
    destination: 'alice@contoso.com',
    status: 'running',
    options: {
      pass: 'full',
      itemTypes,
      receivedBeforeMs: undefined,
      receivedAfterMs: undefined,
      folderFilter,
      folderMappings: [],
      recipientMappings: [],
      maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
      logSubjects: false,
    },
  };
  const source = {
    readMailboxSettings: () =>
      settings instanceof Error
        ? Promise.reject(settings)
        : Promise.resolve({
            filterRules: [],
            outgoingFilterRules: [],
            prefs: {},
            signatures: [],
            ...settings,
          }),
  } as unknown as Source;
  const destinationMailbox = {
    listMessageRules: () => Promise.resolve([]),
    ensureMailFolder: (request: { path: readonly string[] }) =>
      Promise.resolve(`folder:${request.path.join('/')}`),
    createMessageRule: (rule: Record<string, unknown>) => {
      writes.push(JSON.stringify(rule));
      return Promise.resolve('rule-1');
    },
    setAutomaticReplies: (setting: unknown) => {
      writes.push(JSON.stringify(setting));
      return Promise.resolve();
    },
  } as unknown as DestinationMailbox;
  const destination: Destination = { mailbox: () => destinationMailbox };
  const store = {
    findMappedItems: () => Promise.resolve(new Map()),
    markInFlight: () => Promise.resolve(),
    recordResults: (_lease: unknown, _pair: unknown, items: readonly ItemResult[]) => {
      for (const item of items) if (item.outcome !== undefined) outcomes.push(item.outcome);
      return Promise.resolve();
    },
    saveSettingsScript: (script: MailboxSettingsScript) => {
      scripts.push(script);
      return Promise.resolve();
    },
  } as unknown as MigrationStore;
  return {
    done: migrateMailboxSettings(
      { source, destination, store },
      { runMailboxId: mailbox.id, workerId: 'w', epoch: 1 },
      mailbox,
      FOLDERS,
    ),
    outcomes,
    scripts,
    writes,
  };
}

describe('migrateMailboxSettings', () => {
  it('scripts forwarding that keeps no copy, reporting the addresses Set-Mailbox cannot take', async () => {
    const result = run(
      {
        prefs: {
          zimbraPrefMailForwardingAddress: 'a@partner.example, b@partner.example',
          zimbraPrefMailLocalDeliveryDisabled: 'TRUE',
        },
      },
      ['forwarding'],
    );
    await result.done;
    expect(result.writes).toEqual([]);
    expect(result.scripts[0]!.steps[0]!.change).toBe(
      "Set-Mailbox -Identity 'alice@contoso.com' -ForwardingSmtpAddress 'a@partner.example' -DeliverToMailboxAndForward $false",
    );
    expect(result.scripts[0]!.notMigrated[0]).toMatch(/^Forwarding to b@partner\.example/);
    expect(result.outcomes).toEqual([
      expect.objectContaining({ type: 'forwarding', outcome: 'skipped', code: 'IN_POWERSHELL_SCRIPT' }),
    ]);
  });

  it('reports a filter whose folder the folder filter leaves out, and files others through the plan', async () => {
    const fileInto = (name: string, folderPath: string) => ({
      name,
      active: true,
      filterTests: [{ condition: 'anyof', bodyTest: [{ value: 'x' }] }],
      filterActions: [{ actionFileInto: [{ folderPath }] }],
    });
    const result = run(
      { filterRules: [fileInto('To junk', 'Junk mail'), fileInto('To bills', 'Bills')] },
      ['rules'],
      '^Junk',
    );
    await result.done;
    expect(result.outcomes.map((o) => [o.sourceItemId, o.outcome])).toEqual([
      ['settings:rule:To junk', 'failed'],
      ['settings:rule:To bills', 'migrated'],
    ]);
    expect(result.outcomes[0]!.message).toMatch(/folder "Junk mail" is not migrated/);
    expect(JSON.parse(result.writes[0]!)).toMatchObject({
      displayName: 'To bills',
      sequence: 3,
      actions: { moveToFolder: 'folder:Bills' },
    });
  });

  it('records unreadable settings as failures of their kinds, leaving the mailbox to go on', async () => {
    const result = run(new UserError('ZIMBRA_FAULT', 'unknown document'), ['rules', 'signatures']);
    await result.done;
    expect(result.outcomes.map((o) => [o.sourceItemId, o.outcome, o.code])).toEqual([
      ['settings:rules', 'failed', 'ZIMBRA_FAULT'],
      ['settings:signatures', 'failed', 'ZIMBRA_FAULT'],
    ]);
    const transient = run(new TransientError('ZIMBRA_DOWN', 'down'), ['rules']);
    await expect(transient.done).rejects.toBeInstanceOf(TransientError);
  });

  it('does nothing for a pass without settings kinds', async () => {
    const result = run({ prefs: { zimbraPrefMailForwardingAddress: 'a@partner.example' } }, ['mail']);
    await result.done;
    expect(result.scripts).toEqual([]);
    expect(result.outcomes).toEqual([]);
  });
});
