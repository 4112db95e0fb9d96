import { Option } from 'commander';

import { AGENT_ROLES } from '../../domain/agents.ts';
import { UserError } from '../../domain/errors.ts';
import { ApiClient, query } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printPageFooter, printTable } from '../output.ts';

interface Agent {
  id: string;
  email: string;
  name: string;
  role: string;
  lastSignInAt: string | null;
}
interface Invitation {
  id: string;
  email: string;
  role: string;
  expiresAt: string;
}
interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An agent by id or by exact email. */
async function resolveAgent(client: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const page = await client.json<Page<Agent>>('GET', `/api/agents${query({ search: ref, pageSize: 500 })}`);
  const agent = page.items.find((a) => a.email.toLowerCase() === ref.toLowerCase());
  if (agent === undefined)
    throw new UserError('AGENT_UNKNOWN', `No agent of your workgroup has the email ${ref}.`);
  return agent.id;
}

export function agentsCommand() {
  const agents = apiCommand('agents', 'The workgroup and its agents: invite, change roles, deactivate');

  agents
    .command('workgroup')
    .description('Show the workgroup; Administrators rename it or switch Project Sharing')
    .option('--name <name>', 'new name of the workgroup')
    .addOption(
      new Option(
        '--project-sharing <state>',
        'every agent sees every project (on) or their own (off)',
      ).choices(['on', 'off']),
    )
    .option('--json', 'print JSON')
    .action(async (options: { name?: string; projectSharing?: 'on' | 'off'; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const changes = {
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.projectSharing === undefined ? {} : { projectSharing: options.projectSharing === 'on' }),
      };
      const workgroup = await client.json<{ id: string; name: string; projectSharing: boolean }>(
        Object.keys(changes).length === 0 ? 'GET' : 'PATCH',
        '/api/workgroup',
        Object.keys(changes).length === 0 ? undefined : changes,
      );
      if (options.json === true) return printJson(workgroup);
      process.stdout.write(
        `${workgroup.name} (${workgroup.id})\nProject Sharing: ${workgroup.projectSharing ? 'on' : 'off'}\n`,
      );
    });

  agents
    .command('list')
    .description('Agents of the workgroup')
    .option('--search <text>', 'part of a name or email, any case')
    .option('--page <n>', 'page', parsePositiveInt, 1)
    .option('--page-size <n>', 'agents per page', parsePositiveInt, 100)
    .option('--json', 'print JSON')
    .action(async (options: { search?: string; page: number; pageSize: number; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const page = await client.json<Page<Agent>>(
        'GET',
        `/api/agents${query({ search: options.search, page: options.page, pageSize: options.pageSize })}`,
      );
      if (options.json === true) return printJson(page);
      printTable(page.items, [
        { header: 'EMAIL', value: (a) => a.email },
        { header: 'NAME', value: (a) => a.name },
        { header: 'ROLE', value: (a) => a.role },
        { header: 'LAST SIGN-IN', value: (a) => a.lastSignInAt },
        { header: 'ID', value: (a) => a.id },
      ]);
      printPageFooter(page);
    });

  agents
    .command('invite')
    .description(
      'Invite an agent by email; they get a one-time link (Manager or higher; Administrators invite Administrators)',
    )
    .requiredOption('--email <email>', 'email of the person to invite')
    .addOption(
      new Option('--role <role>', 'role they get')
        .choices(['administrator', 'manager', 'agent'])
        .default('agent'),
    )
    .option('--json', 'print JSON')
    .action(async (options: { email: string; role: string; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const invitation = await client.json<Invitation>('POST', '/api/agents/invitations', {
        email: options.email,
        role: options.role,
      });
      if (options.json === true) return printJson(invitation);
      process.stdout.write(
        `Invited ${invitation.email} as ${invitation.role}; the link expires ${invitation.expiresAt}.\n`,
      );
    });

  agents
    .command('invitations')
    .description('Invitations not accepted yet (Manager or higher)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const { invitations } = await client.json<{ invitations: Invitation[] }>(
        'GET',
        '/api/agents/invitations',
      );
      if (options.json === true) return printJson(invitations);
      printTable(invitations, [
        { header: 'EMAIL', value: (i) => i.email },
        { header: 'ROLE', value: (i) => i.role },
        { header: 'EXPIRES', value: (i) => i.expiresAt },
        { header: 'ID', value: (i) => i.id },
      ]);
    });

  agents
    .command('revoke-invitation <id>')
    .description('Revoke an invitation (Manager or higher)')
    .action(async (id: string) => {
      const client = await ApiClient.fromLogin();
      await client.json('DELETE', `/api/agents/invitations/${encodeURIComponent(id)}`);
      process.stdout.write(`Revoked invitation ${id}.\n`);
    });

  agents
    .command('set-role <agent> <role>')
    .description('Change the role of an agent (id or email): administrator, manager, agent or inactive')
    .option('--json', 'print JSON')
    .action(async (ref: string, role: string, options: { json?: boolean }) => {
      if (!(AGENT_ROLES as readonly string[]).includes(role))
        throw new UserError('ROLE_UNKNOWN', `${role} is not a role; use ${AGENT_ROLES.join(', ')}.`);
      await setRole(ref, role, options.json === true);
    });

  agents
    .command('reset-password <agent>')
    .description(
      'Email an agent (id or email) a one-time link to choose a new password; setting it ends their sessions and tokens (Administrators)',
    )
    .action(async (ref: string) => {
      const client = await ApiClient.fromLogin();
      const sent = await client.json<{ email: string; expiresAt: string }>(
        'POST',
        `/api/agents/${await resolveAgent(client, ref)}/password-reset`,
      );
      process.stdout
        .write(`Sent a password reset link to ${sent.email}; it works once, until ${sent.expiresAt}.
`);
    });

  agents
    .command('deactivate <agent>')
    .description('Make an agent (id or email) Inactive: no access, sessions and tokens ended')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) =>
      setRole(ref, 'inactive', options.json === true),
    );

  return agents;
}

async function setRole(ref: string, role: string, json: boolean): Promise<void> {
  const client = await ApiClient.fromLogin();
  const agent = await client.json<Agent>('PATCH', `/api/agents/${await resolveAgent(client, ref)}`, { role });
  if (json) return printJson(agent);
  process.stdout.write(`${agent.email} is now ${agent.role}.\n`);
}
