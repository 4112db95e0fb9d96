import { InvalidArgumentError } from 'commander';

import { UserError } from '../../domain/errors.ts';
import { ApiClient, query } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printPageFooter, printTable } from '../output.ts';
import { resolveCustomer, type Page } from './customers.ts';
import { printValidation, resolveEndpoint, type Validation } from './endpoints.ts';

interface Project {
  id: string;
  name: string;
  customerId: string;
  sourceEndpointId: string;
  destinationEndpointId: string;
  mailboxCount?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A project by id or exact name (any case). */
export async function resolveProject(client: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const page = await client.json<Page<Project>>(
    'GET',
    `/api/projects${query({ search: ref, pageSize: 500 })}`,
  );
  const matches = page.items.filter((p) => p.name.toLowerCase() === ref.toLowerCase());
  if (matches.length === 1) return matches[0]!.id;
  throw new UserError(
    'PROJECT_UNKNOWN',
    matches.length === 0
      ? `No project you can see is named ${ref}; see "ferry projects list".`
      : `${matches.length} projects are named ${ref}; give the project's id.`,
  );
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface OptionFlags {
  support?: string[];
  clearSupport?: boolean;
  maxConcurrent?: number;
  itemTypes?: string;
  folderFilter?: string;
  receivedAfter?: string;
  receivedBefore?: string;
  maxMessageSize?: number;
  logSubjects?: boolean;
  impersonation?: boolean;
  notify?: string[];
  json?: boolean;
}

export function projectsCommand() {
  const projects = apiCommand(
    'projects',
    'Mailbox projects: create, validate (Save and Go to Summary), Advanced Options',
  );

  projects
    .command('list')
    .description('Projects you can see (Project Sharing); --search matches names in any case')
    .option('--search <text>', 'text to look for')
    .option('--page <n>', 'page', parsePositiveInt, 1)
    .option('--page-size <n>', 'projects per page', parsePositiveInt, 50)
    .option('--json', 'print JSON')
    .action(async (options: { search?: string; page: number; pageSize: number; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const page = await client.json<Page<Project>>(
        'GET',
        `/api/projects${query({ search: options.search, page: options.page, pageSize: options.pageSize })}`,
      );
      if (options.json === true) return printJson(page);
      printTable(page.items, [
        { header: 'NAME', value: (p) => p.name },
        { header: 'MAILBOXES', value: (p) => p.mailboxCount },
        { header: 'ID', value: (p) => p.id },
      ]);
      printPageFooter(page);
    });

  projects
    .command('create')
    .description('Create Project → Mailbox Project: a name, a Customer, a source and a destination endpoint')
    .requiredOption('--name <name>', 'project name')
    .requiredOption('--customer <customer>', 'customer id, Company Name or Primary Email Domain')
    .requiredOption('--source <endpoint>', 'Zimbra 6.5+ endpoint (id or name)')
    .requiredOption('--destination <endpoint>', 'Microsoft 365 endpoint (id or name)')
    .option('--json', 'print JSON')
    .action(
      async (options: {
        name: string;
        customer: string;
        source: string;
        destination: string;
        json?: boolean;
      }) => {
        const client = await ApiClient.fromLogin();
        const project = await client.json<Project>('POST', '/api/projects', {
          name: options.name,
          customerId: await resolveCustomer(client, options.customer),
          sourceEndpointId: await resolveEndpoint(client, options.source),
          destinationEndpointId: await resolveEndpoint(client, options.destination),
        });
        if (options.json === true) return printJson(project);
        process.stdout.write(`Created project ${project.name} (${project.id}).\n`);
      },
    );

  projects
    .command('show <project>')
    .description('The project summary: endpoints and the Region of Destination Tenant')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const summary = await client.json<{
        project: Project;
        source: { name: string } | null;
        destination: { name: string; region: string | null } | null;
        regionNotice: string | null;
      }>('GET', `/api/projects/${await resolveProject(client, ref)}/summary`);
      if (options.json === true) return printJson(summary);
      printTable(
        [
          ['Name', summary.project.name],
          ['Id', summary.project.id],
          ['Source endpoint', summary.source?.name ?? null],
          ['Destination endpoint', summary.destination?.name ?? null],
          ['Region of Destination Tenant', summary.destination?.region ?? '(detected at validation)'],
        ] as const,
        [
          { header: 'FIELD', value: (r) => r[0] },
          { header: 'VALUE', value: (r) => r[1] },
        ],
      );
      if (summary.regionNotice !== null) process.stdout.write(`${summary.regionNotice}\n`);
    });

  projects
    .command('edit <project>')
    .description('Edit the name, customer or endpoints')
    .option('--name <name>', 'project name')
    .option('--customer <customer>', 'customer')
    .option('--source <endpoint>', 'Zimbra 6.5+ endpoint')
    .option('--destination <endpoint>', 'Microsoft 365 endpoint')
    .option(
      '--clear-mailbox-passwords',
      'confirm that a source endpoint at another server clears the stored mailbox passwords (regular-user mode)',
    )
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        options: {
          name?: string;
          customer?: string;
          source?: string;
          destination?: string;
          clearMailboxPasswords?: boolean;
          json?: boolean;
        },
      ) => {
        const client = await ApiClient.fromLogin();
        const id = await resolveProject(client, ref);
        const current = await client.json<Project>('GET', `/api/projects/${id}`);
        const project = await client.json<Project & { mailboxPasswordsCleared: number }>(
          'PUT',
          `/api/projects/${id}`,
          {
            name: options.name ?? current.name,
            customerId:
              options.customer === undefined
                ? current.customerId
                : await resolveCustomer(client, options.customer),
            sourceEndpointId:
              options.source === undefined
                ? current.sourceEndpointId
                : await resolveEndpoint(client, options.source),
            destinationEndpointId:
              options.destination === undefined
                ? current.destinationEndpointId
                : await resolveEndpoint(client, options.destination),
            clearMailboxPasswords: options.clearMailboxPasswords === true,
          },
        );
        if (options.json === true) return printJson(project);
        process.stdout.write(`Saved project ${project.name}.\n`);
        if (project.mailboxPasswordsCleared > 0)
          process.stdout.write(
            `Cleared ${project.mailboxPasswordsCleared} mailbox password(s): enter each again with "ferry mailboxes edit".\n`,
          );
      },
    );

  projects
    .command('delete <project>')
    .description('Delete a project and its mailboxes')
    .action(async (ref: string) => {
      const client = await ApiClient.fromLogin();
      await client.json('DELETE', `/api/projects/${await resolveProject(client, ref)}`);
      process.stdout.write(`Deleted project ${ref}.\n`);
    });

  projects
    .command('validate <project>')
    .description('Save and Go to Summary: validate both endpoints and detect the tenant region')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const result = await client.json<{ ok: boolean; source: Validation; destination: Validation }>(
        'POST',
        `/api/projects/${await resolveProject(client, ref)}/validate`,
      );
      if (options.json === true) printJson(result);
      else {
        printValidation('Source endpoint', result.source);
        printValidation('Destination endpoint', result.destination);
      }
      if (!result.ok) process.exitCode = 1;
    });

  projects
    .command('options <project>')
    .description('Show Advanced Options, or change them with the flags (bad options change nothing)')
    .option(
      '--support <Key=Value>',
      'add a Support option (repeatable), e.g. ZimbraCalendarExpandInstances=1',
      collect,
    )
    .option('--clear-support', 'remove every Support option first')
    .option('--max-concurrent <n>', 'Performance: maximum concurrent migrations (1–100)', parsePositiveInt)
    .option(
      '--item-types <list>',
      'comma-separated: mail,contacts,calendar,tasks,rules,outOfOffice,forwarding,signatures',
    )
    .option(
      '--folder-filter <pattern>',
      'leave out folders whose path matches this RE2 pattern (empty to clear)',
    )
    .option('--received-after <date>', 'only items received on or after YYYY-MM-DD (empty to clear)')
    .option('--received-before <date>', 'only items received before YYYY-MM-DD (empty to clear)')
    .option('--max-message-size <MB>', 'largest message the destination accepts (1–150)', parsePositiveInt)
    .option('--log-subjects', 'log the subjects of failed items')
    .option('--no-log-subjects', 'do not log subjects')
    .option('--no-impersonation', 'Source/Destination: clear Use Impersonation to Authenticate')
    .option('--notify <email>', 'notification recipient (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(async (ref: string, flags: OptionFlags) => {
      const client = await ApiClient.fromLogin();
      const id = await resolveProject(client, ref);
      const current = await client.json<Record<string, unknown> & { support: string[] }>(
        'GET',
        `/api/projects/${id}/options`,
      );
      const argv = process.argv;
      const changes: Record<string, unknown> = {};
      if (flags.clearSupport === true || flags.support !== undefined)
        changes.support = [...(flags.clearSupport === true ? [] : current.support), ...(flags.support ?? [])];
      if (flags.maxConcurrent !== undefined) changes.maxConcurrentMigrations = flags.maxConcurrent;
      if (flags.itemTypes !== undefined) changes.itemTypes = flags.itemTypes.split(',').map((t) => t.trim());
      if (flags.folderFilter !== undefined)
        changes.folderFilter = flags.folderFilter === '' ? null : flags.folderFilter;
      if (flags.receivedAfter !== undefined)
        changes.receivedAfter = flags.receivedAfter === '' ? null : flags.receivedAfter;
      if (flags.receivedBefore !== undefined)
        changes.receivedBefore = flags.receivedBefore === '' ? null : flags.receivedBefore;
      if (flags.maxMessageSize !== undefined) changes.maxMessageSizeMB = flags.maxMessageSize;
      if (argv.includes('--log-subjects') || argv.includes('--no-log-subjects'))
        changes.logSubjects = flags.logSubjects;
      if (argv.includes('--no-impersonation')) changes.useImpersonation = false;
      if (flags.notify !== undefined) changes.notificationRecipients = flags.notify;
      let options = current;
      if (Object.keys(changes).length > 0) {
        const { endpointSupport: _e, performanceGuidance: _g, ...editable } = current;
        options = await client.json('PUT', `/api/projects/${id}/options`, { ...editable, ...changes });
      }
      if (flags.json === true) return printJson(options);
      const { endpointSupport, performanceGuidance, ...rest } = options as unknown as Record<
        string,
        unknown
      > & {
        endpointSupport: { key: string; value: string }[];
        performanceGuidance: string;
      };
      printTable(Object.entries(rest), [
        { header: 'OPTION', value: (r) => r[0] },
        { header: 'VALUE', value: (r) => (Array.isArray(r[1]) ? r[1].join(', ') : (r[1] as string | null)) },
      ]);
      process.stdout.write('View-only Support options from the endpoints:\n');
      for (const o of endpointSupport) process.stdout.write(`  ${o.key}=${o.value}\n`);
      process.stdout.write(`Performance guidance: ${performanceGuidance}\n`);
    });

  return projects;
}

export function parseDaysAgo(value: string): number {
  if (!['30', '60', '90'].includes(value)) throw new InvalidArgumentError('must be 30, 60 or 90.');
  return Number(value);
}
