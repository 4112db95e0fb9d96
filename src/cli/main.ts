import { Command } from 'commander';

import { UserError } from '../domain/errors.ts';

import { accountCommand } from './commands/account.ts';
import { adminCommand } from './commands/admin.ts';
import { agentsCommand } from './commands/agents.ts';
import { auditCommand } from './commands/audit.ts';
import { configCommand } from './commands/config.ts';
import { customersCommand } from './commands/customers.ts';
import { cutoverCommand } from './commands/cutover.ts';
import { emulateCommand } from './commands/emulate.ts';
import { endpointsCommand } from './commands/endpoints.ts';
import { licensesCommand } from './commands/licenses.ts';
import { loginCommand } from './commands/login.ts';
import { mailboxesCommand } from './commands/mailboxes.ts';
import { migrateCommand } from './commands/migrate.ts';
import { passesCommand } from './commands/passes.ts';
import { projectsCommand } from './commands/projects.ts';
import { processCommand } from './commands/start.ts';
import { statisticsCommand } from './commands/statistics.ts';
import { usersCommand } from './commands/users.ts';
import { VERSION } from './package-info.ts';

// `ferry config | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('ferry')
  .description('Ferry moves Zimbra mailboxes (mail, folders, contacts, calendars, tasks) into Microsoft 365.')
  .version(VERSION)
  .showHelpAfterError()
  // Subcommands such as `emulate zimbra --version 8.8.15` have options named like the root's.
  .enablePositionalOptions()
  .addCommand(processCommand('start'))
  .addCommand(processCommand('server'))
  .addCommand(processCommand('worker'))
  .addCommand(adminCommand())
  .addCommand(configCommand())
  .addCommand(migrateCommand())
  .addCommand(emulateCommand())
  .addCommand(loginCommand())
  .addCommand(accountCommand())
  .addCommand(agentsCommand())
  .addCommand(customersCommand())
  .addCommand(usersCommand())
  .addCommand(licensesCommand())
  .addCommand(auditCommand())
  .addCommand(endpointsCommand())
  .addCommand(projectsCommand())
  .addCommand(mailboxesCommand())
  .addCommand(passesCommand())
  .addCommand(statisticsCommand())
  .addCommand(cutoverCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`ferry: ${(error as Error).message}\n`);
  // Bad input (a plan, an option, credentials) is the admin's to fix: exit 2, as for bad configuration.
  process.exit(error instanceof UserError ? 2 : 1);
}
