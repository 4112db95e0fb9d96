import { Command } from 'commander';

import { UserError } from '../domain/errors.ts';

import { VERSION } from './package-info.ts';

// `ferry config | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/**
 * Every command, loaded only when it runs: the commands together pull in the API server, the
 * emulators and the whole engine (about 160 MB), and `ferry worker` needs only its own part.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/start.ts')).processCommand('start'),
  server: async () => (await import('./commands/start.ts')).processCommand('server'),
  worker: async () => (await import('./commands/start.ts')).processCommand('worker'),
  admin: async () => (await import('./commands/admin.ts')).adminCommand(),
  config: async () => (await import('./commands/config.ts')).configCommand(),
  migrate: async () => (await import('./commands/migrate.ts')).migrateCommand(),
  emulate: async () => (await import('./commands/emulate.ts')).emulateCommand(),
  login: async () => (await import('./commands/login.ts')).loginCommand(),
  account: async () => (await import('./commands/account.ts')).accountCommand(),
  agents: async () => (await import('./commands/agents.ts')).agentsCommand(),
  customers: async () => (await import('./commands/customers.ts')).customersCommand(),
  users: async () => (await import('./commands/users.ts')).usersCommand(),
  licenses: async () => (await import('./commands/licenses.ts')).licensesCommand(),
  audit: async () => (await import('./commands/audit.ts')).auditCommand(),
  endpoints: async () => (await import('./commands/endpoints.ts')).endpointsCommand(),
  projects: async () => (await import('./commands/projects.ts')).projectsCommand(),
  mailboxes: async () =>
    (await import('./commands/mailbox-downloads.ts')).addMailboxDownloads(
      (await import('./commands/mailboxes.ts')).mailboxesCommand(),
    ),
  passes: async () => (await import('./commands/passes.ts')).passesCommand(),
  statistics: async () => (await import('./commands/statistics.ts')).statisticsCommand(),
  cutover: async () => (await import('./commands/cutover.ts')).cutoverCommand(),
};

const program = new Command('ferry')
  .description('Ferry moves Zimbra mailboxes (mail, folders, contacts, calendars, tasks) into Microsoft 365.')
  .version(VERSION)
  .showHelpAfterError()
  // Subcommands such as `emulate zimbra --version 8.8.15` have options named like the root's.
  .enablePositionalOptions();

try {
  // The command named on the command line alone; help, a typo or no command load them all.
  const named = process.argv[2];
  const load =
    named !== undefined && Object.hasOwn(COMMANDS, named) ? [COMMANDS[named]!] : Object.values(COMMANDS);
  for (const command of await Promise.all(load.map((make) => make()))) program.addCommand(command);
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`ferry: ${(error as Error).message}\n`);
  // Bad input (a plan, an option, credentials) is the admin's to fix: exit 2, as for bad configuration.
  process.exit(error instanceof UserError ? 2 : 1);
}
