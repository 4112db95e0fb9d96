import { sql } from 'kysely';

import type { MailboxSettingsScript } from '../domain/mailbox-settings.ts';
import type { Db } from './database.ts';

/** Replaces what the mailbox pair needs from the PowerShell script with what this pass found. */
export async function saveSettingsScript(db: Db, script: MailboxSettingsScript): Promise<void> {
  const values = {
    source_mailbox: script.source.toLowerCase(),
    destination_mailbox: script.destination.toLowerCase(),
    script: JSON.stringify(script),
    updated_at: new Date(),
  };
  await db
    .insertInto('settings_scripts')
    .values(values)
    .onConflict((oc) =>
      oc
        .columns(['source_mailbox', 'destination_mailbox'])
        .doUpdateSet({ script: values.script, updated_at: values.updated_at }),
    )
    .execute();
}

/** The scripts of a project's mailboxes (one mailbox when `mailboxId` is given), by source address. */
export async function projectSettingsScripts(
  db: Db,
  projectId: string,
  mailboxId?: string,
): Promise<MailboxSettingsScript[]> {
  let query = db
    .selectFrom('project_mailboxes')
    .innerJoin('settings_scripts', (join) =>
      join
        .on('settings_scripts.source_mailbox', '=', sql<string>`lower(project_mailboxes.source)`)
        .on('settings_scripts.destination_mailbox', '=', sql<string>`lower(project_mailboxes.destination)`),
    )
    .select('settings_scripts.script')
    .where('project_mailboxes.project_id', '=', projectId)
    .orderBy(sql`lower(project_mailboxes.source)`);
  if (mailboxId !== undefined) query = query.where('project_mailboxes.id', '=', mailboxId);
  const rows = await query.execute();
  return rows.map((row) => row.script as unknown as MailboxSettingsScript);
}

/** The scripts of these mailbox pairs (a migration plan's users), in their order; pairs without one are left out. */
export async function settingsScriptsOf(
  db: Db,
  pairs: readonly { readonly source: string; readonly destination: string }[],
): Promise<MailboxSettingsScript[]> {
  if (pairs.length === 0) return [];
  const rows = await db
    .selectFrom('settings_scripts')
    .select(['source_mailbox', 'destination_mailbox', 'script'])
    .where(
      'source_mailbox',
      'in',
      pairs.map((p) => p.source.toLowerCase()),
    )
    .execute();
  const byPair = new Map(
    rows.map((r) => [
      `${r.source_mailbox}\n${r.destination_mailbox}`,
      r.script as unknown as MailboxSettingsScript,
    ]),
  );
  return pairs.flatMap((p) => byPair.get(`${p.source.toLowerCase()}\n${p.destination.toLowerCase()}`) ?? []);
}
