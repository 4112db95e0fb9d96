import { Command } from 'commander';

import { UserError } from '../domain/errors.ts';

import { adminCommand } from './commands/admin.ts';
import { configCommand } from './commands/config.ts';
import { emulateCommand } from './commands/emulate.ts';
import { migrateCommand } from './commands/migrate.ts';
import { processCommand } from './commands/start.ts';
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
  .addCommand(emulateCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`ferry: ${(error as Error).message}\n`);
  // Bad input (a plan, an option, credentials) is the admin's to fix: exit 2, as for bad configuration.
  process.exit(error instanceof UserError ? 2 : 1);
}
