import { writeFile } from 'node:fs/promises';

import { ITEM_TYPES, type ItemType } from '../../domain/migration.ts';
import { ApiClient } from '../api-client.ts';
import { apiCommand, printJson, printTable } from '../output.ts';
import { resolveMailboxes } from './mailboxes.ts';
import { resolveProject } from './projects.ts';

interface Counts {
  migrated: number;
  skipped: number;
  failed: number;
  bytes: number;
}
type ByType = Record<ItemType, Counts>;
interface MailboxStatistics {
  source: string;
  destination: string;
  status: string;
  migrated: ByType;
  lastPassItems: ByType;
  durationMs: number;
  folders: { path: string; source: number; atDestination: number; failed: number; verdict: string }[];
  errors: { folder: string; sourceId: string; code: string; message: string }[];
}

const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

export function statisticsCommand() {
  const statistics = apiCommand(
    'statistics',
    'Migration statistics of a project or a mailbox; Request Statistics by email',
  );

  statistics
    .command('show <project> [mailbox]')
    .description('Items and bytes by type, errors, durations; with a mailbox, its per-folder reconciliation')
    .option('--json', 'print JSON')
    .action(async (ref: string, mailboxRef: string | undefined, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const projectId = await resolveProject(client, ref);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      if (mailboxRef !== undefined) {
        const [id] = await resolveMailboxes(client, projectId, [mailboxRef], false);
        const m = await client.json<MailboxStatistics>(
          'GET',
          `/api/projects/${projectId}/mailboxes/${id}/statistics`,
        );
        if (options.json === true) return printJson(m);
        out(`${m.source} -> ${m.destination}: ${m.status}, ${(m.durationMs / 1000).toFixed(1)} s`);
        printTable(m.folders, [
          { header: 'FOLDER', value: (f) => f.path },
          { header: 'SOURCE', value: (f) => f.source },
          { header: 'AT DESTINATION', value: (f) => f.atDestination },
          { header: 'FAILED', value: (f) => f.failed },
          { header: 'VERDICT', value: (f) => f.verdict },
        ]);
        for (const e of m.errors) out(`  ${e.folder} #${e.sourceId}: ${e.code} ${e.message}`);
        return;
      }
      const result = await client.json<{
        project: {
          mailboxes: number;
          byStatus: Record<string, number>;
          migrated: ByType;
          failedItems: number;
        };
        mailboxes: MailboxStatistics[];
      }>('GET', `/api/projects/${projectId}/statistics`);
      if (options.json === true) return printJson(result);
      out(
        `${result.project.mailboxes} mailbox(es): ${Object.entries(result.project.byStatus)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ')}`,
      );
      out(
        `Migrated: ${ITEM_TYPES.map((t) => `${t} ${result.project.migrated[t].migrated}`).join(', ')}; ${result.project.failedItems} failed`,
      );
      printTable(result.mailboxes, [
        { header: 'SOURCE', value: (m) => m.source },
        { header: 'STATUS', value: (m) => m.status },
        ...ITEM_TYPES.map((t) => ({
          header: t.toUpperCase(),
          value: (m: MailboxStatistics) => m.migrated[t].migrated,
        })),
        { header: 'FAILED', value: (m) => ITEM_TYPES.reduce((s, t) => s + m.lastPassItems[t].failed, 0) },
        { header: 'MB', value: (m) => mb(ITEM_TYPES.reduce((s, t) => s + m.migrated[t].bytes, 0)) },
      ]);
    });

  statistics
    .command('request <project>')
    .description('Request Statistics: email yourself the report (HTML with a chart, CSV attached)')
    .action(async (ref: string) => {
      const client = await ApiClient.fromLogin();
      const { sentTo } = await client.json<{ sentTo: string[] }>(
        'POST',
        `/api/projects/${await resolveProject(client, ref)}/statistics/request`,
      );
      process.stdout.write(`Statistics sent to ${sentTo.join(', ')}.\n`);
    });

  statistics
    .command('settings-script <project> [mailbox]')
    .description(
      'The Exchange Online PowerShell script for the settings Graph cannot write (signatures, forwarding), for the project or one mailbox',
    )
    .option('-o, --output <file>', 'write the script to this file instead of printing it')
    .action(async (ref: string, mailboxRef: string | undefined, options: { output?: string }) => {
      const client = await ApiClient.fromLogin();
      const projectId = await resolveProject(client, ref);
      const route =
        mailboxRef === undefined
          ? `/api/projects/${projectId}/settings-script`
          : `/api/projects/${projectId}/mailboxes/${(await resolveMailboxes(client, projectId, [mailboxRef], false))[0]}/settings-script`;
      const script = await client.text('GET', route);
      if (options.output === undefined) process.stdout.write(script);
      else {
        await writeFile(options.output, script, 'utf8');
        process.stdout.write(`Wrote ${options.output}; preview it with: pwsh ${options.output} -WhatIf\n`);
      }
    });

  return statistics;
}
