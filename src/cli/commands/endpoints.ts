import { UserError } from '../../domain/errors.ts';
import { ApiClient, query } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printPageFooter, printTable } from '../output.ts';
import { readPassword } from './admin.ts';
import type { Page } from './customers.ts';

export interface Endpoint {
  id: string;
  name: string;
  kind: 'zimbra' | 'm365';
  kindLabel: string;
  zimbra: {
    serverUrl: string;
    adminUrl: string;
    provideCredentials: boolean;
    mode: string;
    adminUsername: string | null;
    adminPassword: { set: boolean };
  } | null;
  m365: {
    applicationId: string;
    tenantId: string;
    provideCredentials: boolean;
    clientSecret: { set: boolean };
    nationalCloud: string;
    authorityUrl: string | null;
    graphUrl: string | null;
  } | null;
  region: string | null;
  regionNotice: string | null;
}

export interface Validation {
  ok: boolean;
  checks: { check: string; ok: boolean; message: string; fix?: string }[];
  regionNotice: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An endpoint by id or exact name (any case). */
export async function resolveEndpoint(client: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const page = await client.json<Page<Endpoint>>(
    'GET',
    `/api/endpoints${query({ search: ref, pageSize: 500 })}`,
  );
  const matches = page.items.filter((e) => e.name.toLowerCase() === ref.toLowerCase());
  if (matches.length === 1) return matches[0]!.id;
  throw new UserError(
    'ENDPOINT_UNKNOWN',
    matches.length === 0
      ? `No endpoint is named ${ref}; see "ferry endpoints list".`
      : `${matches.length} endpoints are named ${ref}; give the endpoint's id.`,
  );
}

export function printValidation(title: string, validation: Validation): void {
  process.stdout.write(`${title}: ${validation.ok ? 'OK' : 'NOT OK'}\n`);
  for (const check of validation.checks) {
    process.stdout.write(`  [${check.ok ? 'ok' : 'FAIL'}] ${check.check}: ${check.message}\n`);
    if (check.fix !== undefined) process.stdout.write(`         Fix: ${check.fix}\n`);
  }
  if (validation.regionNotice !== null) process.stdout.write(`  ${validation.regionNotice}\n`);
}

function printEndpoint(endpoint: Endpoint, json: boolean): void {
  if (json) return printJson(endpoint);
  const rows: [string, string | null | boolean][] = [
    ['Name', endpoint.name],
    ['Type', endpoint.kindLabel],
    ['Id', endpoint.id],
  ];
  if (endpoint.zimbra !== null) {
    rows.push(
      ['Zimbra server URL', endpoint.zimbra.serverUrl],
      ['Admin URL', endpoint.zimbra.adminUrl],
      ['Provide Credentials', endpoint.zimbra.provideCredentials],
      ['Admin username', endpoint.zimbra.adminUsername],
      ['Admin password', endpoint.zimbra.adminPassword.set ? '(set)' : '(not set)'],
    );
  }
  if (endpoint.m365 !== null) {
    rows.push(
      ['Application (client) ID', endpoint.m365.applicationId],
      ['Directory (tenant) ID', endpoint.m365.tenantId],
      ['Provide Credentials', endpoint.m365.provideCredentials],
      ['Client Secret', endpoint.m365.clientSecret.set ? '(set)' : '(not set)'],
      ['National cloud', endpoint.m365.nationalCloud],
      ['Region of Destination Tenant', endpoint.region ?? '(detected at validation)'],
    );
  }
  printTable(rows, [
    { header: 'FIELD', value: (r) => r[0] },
    { header: 'VALUE', value: (r) => r[1] },
  ]);
}

interface ZimbraOptions {
  name?: string;
  serverUrl?: string;
  adminUrl?: string;
  adminUsername?: string;
  passwordStdin?: boolean;
  credentials?: boolean;
  json?: boolean;
}

interface M365Options {
  name?: string;
  applicationId?: string;
  tenantId?: string;
  secretStdin?: boolean;
  credentials?: boolean;
  cloud?: string;
  authorityUrl?: string;
  graphUrl?: string;
  json?: boolean;
}

async function zimbraBody(options: ZimbraOptions, current: Endpoint | undefined) {
  const zimbra = current?.zimbra;
  const provideCredentials = options.credentials ?? zimbra?.provideCredentials ?? true;
  return {
    kind: 'zimbra',
    name: options.name ?? current?.name,
    serverUrl: options.serverUrl ?? zimbra?.serverUrl,
    adminUrl: options.adminUrl ?? zimbra?.adminUrl,
    provideCredentials,
    ...(provideCredentials
      ? { adminUsername: options.adminUsername ?? zimbra?.adminUsername ?? undefined }
      : {}),
    ...(options.passwordStdin === true || (current === undefined && provideCredentials)
      ? { adminPassword: await readPassword(options.passwordStdin === true) }
      : {}),
  };
}

async function m365Body(options: M365Options, current: Endpoint | undefined) {
  const m365 = current?.m365;
  const provideCredentials = options.credentials ?? m365?.provideCredentials ?? true;
  return {
    kind: 'm365',
    name: options.name ?? current?.name,
    applicationId: options.applicationId ?? m365?.applicationId,
    tenantId: options.tenantId ?? m365?.tenantId,
    provideCredentials,
    nationalCloud: options.cloud ?? m365?.nationalCloud ?? 'global',
    authorityUrl: options.authorityUrl ?? m365?.authorityUrl ?? null,
    graphUrl: options.graphUrl ?? m365?.graphUrl ?? null,
    ...(options.secretStdin === true || (current === undefined && provideCredentials)
      ? { clientSecret: await readPassword(options.secretStdin === true) }
      : {}),
  };
}

export function endpointsCommand() {
  const endpoints = apiCommand('endpoints', 'Source (Zimbra 6.5+) and destination (Microsoft 365) endpoints');

  endpoints
    .command('list')
    .description('Endpoints; --search matches names in any case (never capped at ten)')
    .option('--search <text>', 'text to look for')
    .option('--kind <kind>', 'zimbra or m365')
    .option('--page <n>', 'page', parsePositiveInt, 1)
    .option('--page-size <n>', 'endpoints per page', parsePositiveInt, 50)
    .option('--json', 'print JSON')
    .action(
      async (options: { search?: string; kind?: string; page: number; pageSize: number; json?: boolean }) => {
        const client = await ApiClient.fromLogin();
        const page = await client.json<Page<Endpoint>>(
          'GET',
          `/api/endpoints${query({ search: options.search, kind: options.kind, page: options.page, pageSize: options.pageSize })}`,
        );
        if (options.json === true) return printJson(page);
        printTable(page.items, [
          { header: 'NAME', value: (e) => e.name },
          { header: 'TYPE', value: (e) => e.kindLabel },
          { header: 'ADDRESS', value: (e) => e.zimbra?.serverUrl ?? e.m365?.tenantId },
          { header: 'REGION', value: (e) => e.region },
          { header: 'ID', value: (e) => e.id },
        ]);
        printPageFooter(page);
      },
    );

  endpoints
    .command('show <endpoint>')
    .description('One endpoint (its secret only as set / not set)')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      printEndpoint(
        await client.json<Endpoint>('GET', `/api/endpoints/${await resolveEndpoint(client, ref)}`),
        options.json === true,
      );
    });

  const zimbraOptions = (command: ReturnType<typeof endpoints.command>) =>
    command
      .option('--admin-url <url>', 'admin URL (default https://<server>:7071)')
      .option('--admin-username <email>', 'the Zimbra admin account (Provide Credentials)')
      .option('--password-stdin', 'read the admin password from standard input (otherwise prompted)')
      .option('--no-credentials', 'regular-user mode: no admin, a password per mailbox')
      .option('--json', 'print JSON');
  zimbraOptions(
    endpoints
      .command('add-zimbra')
      .description('Add Endpoint → Zimbra 6.5+ (the admin password must not contain a comma)')
      .requiredOption('--name <name>', 'endpoint name')
      .requiredOption('--server-url <url>', 'Zimbra server URL, such as https://mail.example.com'),
  ).action(async (options: ZimbraOptions) => {
    const client = await ApiClient.fromLogin();
    printEndpoint(
      await client.json<Endpoint>('POST', '/api/endpoints', await zimbraBody(options, undefined)),
      options.json === true,
    );
  });

  const m365Options = (command: ReturnType<typeof endpoints.command>) =>
    command
      .option('--secret-stdin', 'read the Client Secret from standard input (otherwise prompted)')
      .option('--no-credentials', 'do not Provide Credentials (the Client Secret becomes optional)')
      .option('--cloud <cloud>', 'national cloud: global, usGovernment or china')
      .option('--authority-url <url>', 'identity address override (proxies, emulators)')
      .option('--graph-url <url>', 'Graph address override (proxies, emulators)')
      .option('--json', 'print JSON');
  m365Options(
    endpoints
      .command('add-m365')
      .description(
        'Add Endpoint → Microsoft 365: Application (client) ID and Directory (tenant) ID are mandatory',
      )
      .requiredOption('--name <name>', 'endpoint name')
      .requiredOption('--application-id <id>', 'Application (client) ID')
      .requiredOption('--tenant-id <id>', 'Directory (tenant) ID or domain'),
  ).action(async (options: M365Options) => {
    const client = await ApiClient.fromLogin();
    printEndpoint(
      await client.json<Endpoint>('POST', '/api/endpoints', await m365Body(options, undefined)),
      options.json === true,
    );
  });

  endpoints
    .command('edit <endpoint>')
    .description('Edit an endpoint; secrets are replaced only with --password-stdin / --secret-stdin')
    .option('--name <name>', 'endpoint name')
    .option('--server-url <url>', 'Zimbra: server URL')
    .option('--admin-url <url>', 'Zimbra: admin URL')
    .option('--admin-username <email>', 'Zimbra: the admin account')
    .option('--password-stdin', 'Zimbra: read a new admin password from standard input')
    .option('--application-id <id>', 'Microsoft 365: Application (client) ID')
    .option('--tenant-id <id>', 'Microsoft 365: Directory (tenant) ID')
    .option('--secret-stdin', 'Microsoft 365: read a new Client Secret from standard input')
    .option('--cloud <cloud>', 'Microsoft 365: national cloud')
    .option('--authority-url <url>', 'Microsoft 365: identity address override')
    .option('--graph-url <url>', 'Microsoft 365: Graph address override')
    .option('--credentials', 'Provide Credentials')
    .option('--no-credentials', 'do not Provide Credentials')
    .option(
      '--clear-mailbox-passwords',
      'Zimbra: confirm that a new server URL clears the stored mailbox passwords (regular-user mode)',
    )
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        options: ZimbraOptions & M365Options & { credentials?: boolean; clearMailboxPasswords?: boolean },
      ) => {
        const client = await ApiClient.fromLogin();
        const id = await resolveEndpoint(client, ref);
        const current = await client.json<Endpoint>('GET', `/api/endpoints/${id}`);
        // With both --credentials and --no-credentials defined, commander leaves it undefined unless one is given.
        const body =
          current.kind === 'zimbra'
            ? {
                ...(await zimbraBody(options, current)),
                clearMailboxPasswords: options.clearMailboxPasswords === true,
              }
            : await m365Body(options, current);
        const saved = await client.json<Endpoint & { mailboxPasswordsCleared: number }>(
          'PUT',
          `/api/endpoints/${id}`,
          body,
        );
        printEndpoint(saved, options.json === true);
        if (options.json !== true && saved.mailboxPasswordsCleared > 0)
          process.stdout.write(
            `Cleared ${saved.mailboxPasswordsCleared} mailbox password(s) stored for the old server: enter each again with "ferry mailboxes edit".\n`,
          );
      },
    );

  endpoints
    .command('delete <endpoint>')
    .description('Delete an endpoint no project uses')
    .action(async (ref: string) => {
      const client = await ApiClient.fromLogin();
      await client.json('DELETE', `/api/endpoints/${await resolveEndpoint(client, ref)}`);
      process.stdout.write(`Deleted endpoint ${ref}.\n`);
    });

  endpoints
    .command('setup <endpoint>')
    .description(
      'How to prepare it: Graph application permissions and admin-consent link, or zmprov commands',
    )
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const setup = await client.json<{
        m365: {
          permissions: { permission: string; why: string }[];
          adminConsentUrl: string;
          steps: string[];
        } | null;
        zimbra: { createAdmin: string; promoteAdmin: string; ports: string[]; steps: string[] } | null;
      }>('GET', `/api/endpoints/${await resolveEndpoint(client, ref)}/setup`);
      if (options.json === true) return printJson(setup);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      if (setup.m365 !== null) {
        out('Application permissions (Microsoft Graph, type Application):');
        for (const p of setup.m365.permissions) out(`  ${p.permission} — ${p.why}`);
        out(`Admin consent: ${setup.m365.adminConsentUrl}`);
        setup.m365.steps.forEach((s, i) => out(`${i + 1}. ${s}`));
      }
      if (setup.zimbra !== null) {
        out(`Create a migration admin:  ${setup.zimbra.createAdmin}`);
        out(`Or promote an account:     ${setup.zimbra.promoteAdmin}`);
        for (const port of setup.zimbra.ports) out(`  ${port}`);
        setup.zimbra.steps.forEach((s, i) => out(`${i + 1}. ${s}`));
      }
    });

  endpoints
    .command('validate <endpoint>')
    .description('Test the endpoint now: ports and credentials, in plain words with the fix')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const result = await client.json<Validation>(
        'POST',
        `/api/endpoints/${await resolveEndpoint(client, ref)}/validate`,
      );
      if (options.json === true) printJson(result);
      else printValidation(ref, result);
      if (!result.ok) process.exitCode = 1;
    });

  return endpoints;
}
