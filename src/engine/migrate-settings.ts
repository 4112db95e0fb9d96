import { createHash } from 'node:crypto';

import { convertFilterRule, outgoingRuleReason } from '../convert/filter-rules.ts';
import { convertOutOfOffice } from '../convert/out-of-office.ts';
import { forwardingStep, signatureStep } from '../convert/powershell-script.ts';
import type { Destination, DestinationMailbox } from '../domain/destination.ts';
import { coerceError, FerryError, MailboxError, TransientError } from '../domain/errors.ts';
import {
  SETTINGS_ITEM_TYPES,
  type ScriptStep,
  type SettingsItemType,
  type SourceMailboxSettings,
  type SourceSignature,
} from '../domain/mailbox-settings.ts';
import type {
  MailboxLease,
  MappedItem,
  MigratedItem,
  MigrationStore,
  RunMailbox,
} from '../domain/migration-store.ts';
import type { GraphPayload } from '../domain/pim.ts';
import type { Source, SourceFolder } from '../domain/source.ts';
import { planMailFolders } from './folder-plan.ts';

export interface SettingsDeps {
  readonly source: Source;
  readonly destination: Destination;
  readonly store: MigrationStore;
}

/** The rule Zimbra's own forwarding becomes; first, so that no filter's "stop" keeps mail from it. */
const FORWARDING_RULE_NAME = 'Forwarding (from Zimbra)';
/** Item map ids of the settings: Zimbra item ids are numbers, so these never meet one. */
const ITEM_IDS = {
  rule: (name: string) => `settings:rule:${name}`,
  outgoingRule: (name: string) => `settings:outgoing-rule:${name}`,
  forwarding: 'settings:forwarding',
  outOfOffice: 'settings:out-of-office',
  signature: (id: string) => `settings:signature:${id}`,
} as const;
/** Written where the item map and run_items want a folder: settings belong to the mailbox. */
const SETTINGS_FOLDER = 'settings';
const SCRIPTED = 'IN_POWERSHELL_SCRIPT';
const NOT_MIGRATED = 'SETTING_NOT_MIGRATED';

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Errors that concern the whole mailbox, not one setting: the job fails or retries as for items. */
function isMailboxLevel(error: Error): boolean {
  return error instanceof TransientError || error instanceof MailboxError;
}

/** Verify Credentials: inbox rules and automatic replies can be written, when the pass will move settings. */
export async function verifySettingsAccess(deps: SettingsDeps, mailbox: RunMailbox): Promise<void> {
  if (!mailbox.options.itemTypes.some((t) => (SETTINGS_ITEM_TYPES as readonly string[]).includes(t))) return;
  await deps.destination.mailbox(mailbox.destination).verifySettingsAccess();
}

/**
 * Moves the mailbox's filters, out-of-office, forwarding and signatures (Full and Retry Errors
 * passes): inbox rules and automatic replies through Graph, signatures and forwarding that keeps
 * no copy into the mailbox's PowerShell script, and every setting neither can carry into the
 * report with its reason. Idempotent through the item map: an unchanged setting is not written
 * again, a changed one updates what Ferry created, and rules users made in Microsoft 365 are
 * never touched (Ferry writes only the rule ids it recorded).
 */
export async function migrateMailboxSettings(
  deps: SettingsDeps,
  lease: MailboxLease,
  mailbox: RunMailbox,
  folders: readonly SourceFolder[],
): Promise<void> {
  const kinds = new Set(
    mailbox.options.itemTypes.filter((t): t is SettingsItemType =>
      (SETTINGS_ITEM_TYPES as readonly string[]).includes(t),
    ),
  );
  if (kinds.size === 0) return;
  let settings: SourceMailboxSettings;
  try {
    settings = await deps.source.readMailboxSettings(mailbox.source);
  } catch (caught) {
    // Settings that cannot be read are the settings' failure, never a reason to hold back the mail.
    const error = coerceError(caught);
    if (error instanceof TransientError) throw error;
    await deps.store.recordResults(
      lease,
      { source: mailbox.source, destination: mailbox.destination },
      [...kinds].map((kind) => ({
        outcome: {
          sourceItemId: `settings:${kind}`,
          type: kind,
          sourceFolderId: SETTINGS_FOLDER,
          outcome: 'failed' as const,
          bytes: 0,
          code: error instanceof FerryError ? error.code : 'UNEXPECTED',
          message: `The mailbox settings could not be read from Zimbra: ${error.message}`,
        },
      })),
    );
    return;
  }
  const destination = deps.destination.mailbox(mailbox.destination);
  const run = new SettingsRun(deps.store, lease, mailbox, destination, settings);
  await run.load();
  if (kinds.has('forwarding')) await run.forwarding();
  if (kinds.has('rules')) await run.rules(folders);
  if (kinds.has('outOfOffice')) await run.outOfOffice();
  if (kinds.has('signatures')) await run.signatures();
  await run.finish();
}

class SettingsRun {
  private mapped = new Map<string, MappedItem>();
  private existingRules: Promise<{ id: string; displayName: string }[]> | undefined;
  private readonly steps: ScriptStep[] = [];
  private readonly notMigrated: string[] = [];
  private readonly notes: string[] = [];
  private readonly keptSignatures: SourceSignature[] = [];

  private readonly store: MigrationStore;
  private readonly lease: MailboxLease;
  private readonly mailbox: RunMailbox;
  private readonly destination: DestinationMailbox;
  private readonly settings: SourceMailboxSettings;

  constructor(
    store: MigrationStore,
    lease: MailboxLease,
    mailbox: RunMailbox,
    destination: DestinationMailbox,
    settings: SourceMailboxSettings,
  ) {
    this.store = store;
    this.lease = lease;
    this.mailbox = mailbox;
    this.destination = destination;
    this.settings = settings;
  }

  async load(): Promise<void> {
    const ids = [...this.ruleIds().map((r) => r.itemId), ITEM_IDS.forwarding, ITEM_IDS.outOfOffice];
    this.mapped = await this.store.findMappedItems(this.mailbox.source, this.mailbox.destination, ids);
  }

  /** Each incoming rule with a unique item id (Zimbra names rules uniquely; a repeat gets its position). */
  private ruleIds(): { itemId: string; index: number }[] {
    const seen = new Set<string>();
    return this.settings.filterRules.map((rule, index) => {
      const name = typeof rule.name === 'string' ? rule.name : '';
      let itemId = ITEM_IDS.rule(name);
      if (seen.has(itemId)) itemId = `${itemId}#${index + 1}`;
      seen.add(itemId);
      return { itemId, index };
    });
  }

  private record(
    type: SettingsItemType,
    sourceItemId: string,
    outcome: 'migrated' | 'skipped' | 'failed',
    detail: { code?: string; message?: string } = {},
  ): Promise<void> {
    return this.store.recordResults(this.lease, this.pair(), [
      { outcome: { sourceItemId, type, sourceFolderId: SETTINGS_FOLDER, outcome, bytes: 0, ...detail } },
    ]);
  }

  private pair() {
    return { source: this.mailbox.source, destination: this.mailbox.destination };
  }

  /** Records a setting Ferry now owns in the destination, at once: a crash after it must not write it twice. */
  private owned(item: MigratedItem): Promise<void> {
    return this.store.recordResults(this.lease, this.pair(), [{ migrated: item }]);
  }

  private async notMigratedItem(type: SettingsItemType, itemId: string, message: string): Promise<void> {
    this.notMigrated.push(message);
    await this.record(type, itemId, 'failed', { code: NOT_MIGRATED, message });
  }

  /** A rule the user made in Microsoft 365 with this name: Ferry leaves it alone and says so. */
  private async userRuleNamed(name: string): Promise<boolean> {
    this.existingRules ??= this.destination.listMessageRules();
    return (await this.existingRules).some((r) => r.displayName === name);
  }

  /** Creates or updates one of Ferry's inbox rules; unchanged ones are not written again. */
  private async writeRule(type: SettingsItemType, itemId: string, rule: GraphPayload): Promise<void> {
    const mapped = this.mapped.get(itemId);
    const contentHash = hashOf(rule);
    if (mapped?.status === 'migrated' && mapped.contentHash === contentHash) return;
    const name = String(rule.displayName);
    if (mapped === undefined && (await this.userRuleNamed(name))) {
      await this.notMigratedItem(
        type,
        itemId,
        `The inbox rule "${name}" already exists in Microsoft 365 (made there, not by Ferry) and is left as it is; the Zimbra filter of that name was not copied.`,
      );
      return;
    }
    await this.store.markInFlight(this.lease, this.pair(), [
      { sourceItemId: itemId, type, stamp: name, destinationFolderId: 'inbox' },
    ]);
    // An earlier attempt that created the rule but did not record it left it under its name.
    let previous = mapped?.destinationItemId;
    if (mapped?.status === 'in_flight' && (previous === undefined || previous === '')) {
      this.existingRules ??= this.destination.listMessageRules();
      previous = (await this.existingRules).find((r) => r.displayName === name)?.id;
    }
    const updated =
      previous !== undefined && previous !== '' && (await this.destination.updateMessageRule(previous, rule));
    const id = updated && previous !== undefined ? previous : await this.destination.createMessageRule(rule);
    await this.owned({
      sourceItemId: itemId,
      type,
      stamp: name,
      destinationFolderId: 'inbox',
      destinationItemId: id,
      contentHash,
      revision: '',
    });
    await this.record(type, itemId, 'migrated');
  }

  /**
   * Switches off the rule an earlier pass made from a setting that no longer converts (or no
   * longer exists): it must not go on filtering differently from Zimbra. True when one was switched off.
   */
  private async switchOff(itemId: string): Promise<boolean> {
    const mapped = this.mapped.get(itemId);
    const id = mapped?.destinationItemId;
    if (mapped?.status !== 'migrated' || id === undefined || id === '' || mapped.contentHash === 'off')
      return false;
    if (!(await this.destination.updateMessageRule(id, { isEnabled: false }))) return false;
    await this.owned({
      sourceItemId: itemId,
      type: itemId === ITEM_IDS.forwarding ? 'forwarding' : 'rules',
      stamp: mapped.stamp,
      destinationFolderId: mapped.destinationFolderId,
      destinationItemId: id,
      contentHash: 'off',
      revision: '',
    });
    return true;
  }

  /** Runs one setting; a failure is that setting's, unless it concerns the whole mailbox. */
  private async guarded(type: SettingsItemType, itemId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (caught) {
      const error = coerceError(caught);
      if (isMailboxLevel(error)) throw error;
      await this.record(type, itemId, 'failed', {
        code: error instanceof FerryError ? error.code : 'UNEXPECTED',
        message: error.message,
      });
    }
  }

  async rules(folders: readonly SourceFolder[]): Promise<void> {
    const plan = new Map(
      planMailFolders(folders, this.mailbox.options).map((f) => [f.sourcePath.toLowerCase(), f]),
    );
    for (const { itemId, index } of this.ruleIds()) {
      const source = this.settings.filterRules[index]!;
      await this.guarded('rules', itemId, async () => {
        const converted = convertFilterRule(source);
        if (!converted.ok) {
          const off = (await this.switchOff(itemId))
            ? ' The inbox rule an earlier pass made from it is switched off.'
            : '';
          await this.notMigratedItem(
            'rules',
            itemId,
            `Filter not migrated, because Graph inbox rules cannot express ${converted.reasons.join('; ')}. Original: ${converted.original}${off}`,
          );
          return;
        }
        const { fileInto, ...rule } = converted.rule;
        const actions: Record<string, unknown> = { ...rule.actions };
        if (fileInto !== undefined) {
          const folder = plan.get(fileInto.folderPath.toLowerCase());
          if (folder === undefined) {
            await this.notMigratedItem(
              'rules',
              itemId,
              `Filter not migrated, because its folder "${fileInto.folderPath}" is not migrated (it does not exist, or the project's folder filter leaves it out). Original: ${converted.original}`,
            );
            return;
          }
          const folderId = await this.destination.ensureMailFolder({
            path: folder.destinationPath,
            role: folder.role,
          });
          actions[fileInto.copy ? 'copyToFolder' : 'moveToFolder'] = folderId;
        }
        // Zimbra's order is kept; the forwarding rule comes first.
        await this.writeRule('rules', itemId, { ...rule, actions, sequence: index + 2 });
      });
    }
    for (const rule of this.settings.outgoingFilterRules) {
      const name = typeof rule.name === 'string' ? rule.name : '';
      const { reason, original } = outgoingRuleReason(rule);
      await this.notMigratedItem(
        'rules',
        ITEM_IDS.outgoingRule(name),
        `Filter not migrated, because it is ${reason}. Original: ${original}`,
      );
    }
  }

  async forwarding(): Promise<void> {
    const addresses = (this.settings.prefs.zimbraPrefMailForwardingAddress ?? '')
      .split(/[,;\s]+/)
      .filter((a) => a.includes('@'));
    if (addresses.length === 0) {
      // Forwarding ended in Zimbra: the rule Ferry made for it must not keep forwarding.
      await this.guarded('forwarding', ITEM_IDS.forwarding, async () => {
        if (await this.switchOff(ITEM_IDS.forwarding))
          await this.record('forwarding', ITEM_IDS.forwarding, 'migrated');
      });
      return;
    }
    const keepCopy = this.settings.prefs.zimbraPrefMailLocalDeliveryDisabled?.toUpperCase() !== 'TRUE';
    const warning =
      'Microsoft 365 blocks automatic forwarding to external addresses by default (outbound spam policy): allow it for this mailbox, or forwarded mail is refused.';
    await this.guarded('forwarding', ITEM_IDS.forwarding, async () => {
      if (keepCopy) {
        // Zimbra forwards the message as it came (sender kept): Graph's redirect does the same.
        await this.writeRule('forwarding', ITEM_IDS.forwarding, {
          displayName: FORWARDING_RULE_NAME,
          sequence: 1,
          isEnabled: true,
          conditions: {},
          exceptions: {},
          actions: { redirectTo: addresses.map((address) => ({ emailAddress: { address } })) },
        });
        this.notes.push(
          `Forwarding to ${addresses.join(', ')} is the inbox rule "${FORWARDING_RULE_NAME}". ${warning}`,
        );
        return;
      }
      // An inbox rule always leaves the message in the mailbox; only Set-Mailbox forwards without a copy.
      const step = forwardingStep(this.mailbox.destination, addresses[0]!, false);
      this.steps.push(step);
      this.notes.push(`${step.title} is in the PowerShell script. ${warning}`);
      if (addresses.length > 1) {
        this.notMigrated.push(
          `Forwarding to ${addresses.slice(1).join(', ')} without keeping a copy: Exchange Online forwards a mailbox to one address; add a mail flow rule or a distribution group for the others.`,
        );
      }
      await this.record('forwarding', ITEM_IDS.forwarding, 'skipped', {
        code: SCRIPTED,
        message: `In the mailbox's PowerShell script: ${step.title}.`,
      });
    });
  }

  async outOfOffice(): Promise<void> {
    const converted = convertOutOfOffice(
      this.settings.prefs,
      this.mailbox.options.migrateOutOfOffice === true,
      Date.now(),
    );
    if (converted === undefined) return;
    this.notes.push(...converted.notes);
    await this.guarded('outOfOffice', ITEM_IDS.outOfOffice, async () => {
      const mapped = this.mapped.get(ITEM_IDS.outOfOffice);
      const contentHash = hashOf(converted.setting);
      if (mapped?.status === 'migrated' && mapped.contentHash === contentHash) return;
      const item = {
        sourceItemId: ITEM_IDS.outOfOffice,
        type: 'outOfOffice' as const,
        stamp: ITEM_IDS.outOfOffice,
        destinationFolderId: SETTINGS_FOLDER,
      };
      await this.store.markInFlight(this.lease, this.pair(), [item]);
      await this.destination.setAutomaticReplies(converted.setting);
      await this.owned({ ...item, destinationItemId: 'mailboxSettings', contentHash, revision: '' });
      await this.record('outOfOffice', ITEM_IDS.outOfOffice, 'migrated');
    });
  }

  /** Exchange Online keeps one signature per mailbox (Set-MailboxMessageConfiguration); Graph has none. */
  async signatures(): Promise<void> {
    const prefs = this.settings.prefs;
    const legacyText = prefs.zimbraPrefMailSignature;
    const legacyHtml = prefs.zimbraPrefMailSignatureHTML;
    // Zimbra 6 kept one signature in preferences; later versions keep signature objects.
    const signatures: readonly SourceSignature[] =
      this.settings.signatures.length > 0 || (legacyText === undefined && legacyHtml === undefined)
        ? this.settings.signatures
        : [{ id: 'legacy', name: 'Signature', text: legacyText, html: legacyHtml }];
    if (signatures.length === 0) return;
    const legacy = signatures[0]!.id === 'legacy';
    const forNew = signatures.find((s) => s.id === prefs.zimbraPrefDefaultSignatureId);
    const forReplies = signatures.find((s) => s.id === prefs.zimbraPrefForwardReplySignatureId);
    const chosen = forNew ?? forReplies ?? signatures[0]!;
    const use = {
      newMessages: legacy || chosen === forNew,
      replies: legacy || chosen === forReplies,
    };
    this.steps.push(signatureStep(this.mailbox.destination, chosen, use));
    this.keptSignatures.push(...signatures);
    if (forReplies !== undefined && forReplies !== chosen) {
      this.notes.push(
        `Zimbra added the signature "${forReplies.name}" to replies and forwards; Exchange Online keeps one signature, "${chosen.name}": the other is kept in the mailbox report.`,
      );
    }
    for (const signature of signatures) {
      await this.record('signatures', ITEM_IDS.signature(signature.id), 'skipped', {
        code: SCRIPTED,
        message:
          signature === chosen
            ? `In the mailbox's PowerShell script: ${this.steps.at(-1)!.title}.`
            : `Kept in the mailbox report: Exchange Online keeps one signature per mailbox ("${chosen.name}").`,
      });
    }
  }

  async finish(): Promise<void> {
    await this.store.saveSettingsScript({
      source: this.mailbox.source,
      destination: this.mailbox.destination,
      steps: this.steps,
      notMigrated: this.notMigrated,
      notes: this.notes,
      signatures: this.keptSignatures,
    });
  }
}
