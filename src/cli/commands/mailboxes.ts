import { readFile } from 'node:fs/promises';

import { UserError } from '../../domain/errors.ts';
import { ApiClient, query } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printPageFooter, printTable } from '../output.ts';
import { readPassword } from './admin.ts';
import type { Page } from './customers.ts';
import { resolveProject } from './projects.ts';

export interface Mailbox {
  id: string;
  source: string;
  destination: string;
  status: string;
  statusLabel: string;
  lastPass: string | null;
  lastError: string | null;
  progress: { itemsDone: number; itemsPlanned: number; bytesDone: number; etaSeconds: number | null } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every mailbox of a project (all pages). */
export async function allMailboxes(client: ApiClient, projectId: string): Promise<Mailbox[]> {
  const mailboxes: Mailbox[] = [];
  for (let page = 1; ; page++) {
    const result = await client.json<Page<Mailbox>>(
      'GET',
      `/api/projects/${projectId}/mailboxes${query({ page, pageSize: 500 })}`,
    );
    mailboxes.push(...result.items);
    if (mailboxes.length >= result.total || result.items.length === 0) return mailboxes;
  }
}

/** Mailbox ids from ids or source addresses, or every mailbox with --all. */
export async function resolveMailboxes(
  client: ApiClient,
  projectId: string,
  refs: readonly string[],
  all: boolean,
): Promise<string[]> {
  if (all) return (await allMailboxes(client, projectId)).map((m) => m.id);
  if (refs.length === 0)
    throw new UserError('NO_MAILBOXES', 'Name the mailboxes (ids or source addresses), or give --all.');
  if (refs.every((r) => UUID.test(r))) return [...refs];
  const bySource = new Map(
    (await allMailboxes(client, projectId)).map((m) => [m.source.toLowerCase(), m.id]),
  );
  return refs.map((ref) => {
    if (UUID.test(ref)) return ref;
    const id = bySource.get(ref.toLowerCase());
    if (id === undefined)
      throw new UserError(
        'MAILBOX_UNKNOWN',
        `The project has no mailbox ${ref}; see "ferry mailboxes list".`,
      );
    return id;
  });
}

export function printMailboxes(mailboxes: readonly Mailbox[]): void {
  printTable(mailboxes, [
    { header: 'SOURCE', value: (m) => m.source },
    { header: 'DESTINATION', value: (m) => m.destination },
    { header: 'STATUS', value: (m) => m.statusLabel },
    { header: 'PASS', value: (m) => m.lastPass },
    {
      header: 'PROGRESS',
      value: (m) => (m.progress === null ? null : `${m.progress.itemsDone}/${m.progress.itemsPlanned}`),
    },
    { header: 'LAST ERROR', value: (m) => m.lastError },
    { header: 'ID', value: (m) => m.id },
  ]);
}

export function mailboxesCommand() {
  const mailboxes = apiCommand('mailboxes', "A project's mailboxes: Add, Bulk Add, status, edit, remove");

  mailboxes
    .command('list <project>')
    .description('Mailboxes with status and last error; search, filter by status, sort')
    .option('--search <text>', 'text in the source or destination address')
    .option(
      '--status <status>',
      'not_started, queued, running, completed, completed_with_errors, failed or stopped',
    )
    .option('--sort <column>', 'source, destination, status or created', 'source')
    .option('--desc', 'sort in descending order')
    .option('--page <n>', 'page', parsePositiveInt, 1)
    .option('--page-size <n>', 'mailboxes per page', parsePositiveInt, 50)
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        options: {
          search?: string;
          status?: string;
          sort: string;
          desc?: boolean;
          page: number;
          pageSize: number;
          json?: boolean;
        },
      ) => {
        const client = await ApiClient.fromLogin();
        const page = await client.json<Page<Mailbox>>(
          'GET',
          `/api/projects/${await resolveProject(client, ref)}/mailboxes${query({
            search: options.search,
            status: options.status,
            sort: options.sort,
            order: options.desc === true ? 'desc' : 'asc',
            page: options.page,
            pageSize: options.pageSize,
          })}`,
        );
        if (options.json === true) return printJson(page);
        printMailboxes(page.items);
        printPageFooter(page);
      },
    );

  mailboxes
    .command('add <project> <source> <destination>')
    .description('Add one mailbox: the source username (never the Zimbra admin) and the destination UPN')
    .option('--password-stdin', "regular-user mode: read the mailbox's Zimbra password from standard input")
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        source: string,
        destination: string,
        options: { passwordStdin?: boolean; json?: boolean },
      ) => {
        const client = await ApiClient.fromLogin();
        const mailbox = await client.json<Mailbox>(
          'POST',
          `/api/projects/${await resolveProject(client, ref)}/mailboxes`,
          {
            source,
            destination,
            ...(options.passwordStdin === true ? { sourcePassword: await readPassword(true) } : {}),
          },
        );
        if (options.json === true) return printJson(mailbox);
        process.stdout.write(`Added ${mailbox.source} -> ${mailbox.destination}.\n`);
      },
    );

  mailboxes
    .command('import <project> <csv-file>')
    .description(
      'Bulk Add from the Zimbra admin-console export or source,destination lines; all rows or none',
    )
    .option(
      '--destination-domain <domain>',
      'rewrite every destination to this domain (required for the Zimbra export)',
    )
    .option('--preview', 'only show what would be imported, and every bad line')
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        file: string,
        options: { destinationDomain?: string; preview?: boolean; json?: boolean },
      ) => {
        const client = await ApiClient.fromLogin();
        const id = await resolveProject(client, ref);
        const body = {
          csv: await readFile(file, 'utf8').catch((error: unknown) => {
            throw new UserError('CSV_UNREADABLE', `${file} cannot be read: ${(error as Error).message}`);
          }),
          ...(options.destinationDomain === undefined
            ? {}
            : { destinationDomain: options.destinationDomain }),
        };
        const preview = await client.json<{
          ok: boolean;
          format: string;
          rows: { line: number; source: string; destination: string }[];
          problems: { line: number; message: string }[];
          skipped: { line: number; source: string; reason: string }[];
        }>('POST', `/api/projects/${id}/mailboxes/bulk-preview`, body);
        const leftOut = preview.skipped.map((s) => `  line ${s.line}: left out, ${s.source} ${s.reason}\n`);
        if (options.preview === true || !preview.ok) {
          if (options.json === true) printJson(preview);
          else {
            process.stdout.write(
              `${preview.format === 'zimbra-export' ? 'Zimbra admin-console export' : 'source,destination list'}: ${preview.rows.length} mailbox(es)\n`,
            );
            for (const row of preview.rows)
              process.stdout.write(`  line ${row.line}: ${row.source} -> ${row.destination}\n`);
            for (const p of preview.problems) process.stdout.write(`  line ${p.line}: ${p.message}\n`);
            for (const line of leftOut) process.stdout.write(line);
          }
          if (!preview.ok)
            throw new UserError(
              'CSV_ROW_INVALID',
              `${file} has ${preview.problems.length} bad line(s); nothing was imported.`,
            );
          return;
        }
        const result = await client.json<{ added: number }>(
          'POST',
          `/api/projects/${id}/mailboxes/bulk`,
          body,
        );
        if (options.json === true) return printJson(result);
        process.stdout.write(`Imported ${result.added} mailbox(es).\n`);
        for (const line of leftOut) process.stdout.write(line);
      },
    );

  mailboxes
    .command('show <project> <mailbox>')
    .description('One mailbox: status, progress, last error and pass history')
    .option('--json', 'print JSON')
    .action(async (ref: string, mailboxRef: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const projectId = await resolveProject(client, ref);
      const [id] = await resolveMailboxes(client, projectId, [mailboxRef], false);
      const mailbox = await client.json<
        Mailbox & { passes: { pass: string; status: string; createdAt: string; error: string | null }[] }
      >('GET', `/api/projects/${projectId}/mailboxes/${id}`);
      if (options.json === true) return printJson(mailbox);
      printMailboxes([mailbox]);
      process.stdout.write('Pass history:\n');
      printTable(mailbox.passes, [
        { header: 'PASS', value: (p) => p.pass },
        { header: 'STATUS', value: (p) => p.status },
        { header: 'STARTED', value: (p) => p.createdAt },
        { header: 'ERROR', value: (p) => p.error },
      ]);
    });

  mailboxes
    .command('edit <project> <mailbox>')
    .description('Change the source or destination (not while the mailbox is in a pass)')
    .option('--source <address>', 'source username')
    .option('--destination <upn>', 'destination UPN')
    .option('--password-stdin', "regular-user mode: replace the mailbox's Zimbra password")
    .action(
      async (
        ref: string,
        mailboxRef: string,
        options: { source?: string; destination?: string; passwordStdin?: boolean },
      ) => {
        const client = await ApiClient.fromLogin();
        const projectId = await resolveProject(client, ref);
        const [id] = await resolveMailboxes(client, projectId, [mailboxRef], false);
        const current = await client.json<Mailbox>('GET', `/api/projects/${projectId}/mailboxes/${id}`);
        const saved = await client.json<Mailbox>('PUT', `/api/projects/${projectId}/mailboxes/${id}`, {
          source: options.source ?? current.source,
          destination: options.destination ?? current.destination,
          ...(options.passwordStdin === true ? { sourcePassword: await readPassword(true) } : {}),
        });
        process.stdout.write(`Saved ${saved.source} -> ${saved.destination}.\n`);
      },
    );

  mailboxes
    .command('remove <project> <mailbox...>')
    .description('Remove mailboxes from the project (ids or source addresses)')
    .action(async (ref: string, refs: string[]) => {
      const client = await ApiClient.fromLogin();
      const projectId = await resolveProject(client, ref);
      for (const id of await resolveMailboxes(client, projectId, refs, false))
        await client.json('DELETE', `/api/projects/${projectId}/mailboxes/${id}`);
      process.stdout.write(`Removed ${refs.length} mailbox(es).\n`);
    });

  return mailboxes;
}
