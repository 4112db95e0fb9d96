import { Command } from 'commander';

import { adminCommand } from './commands/admin.ts';
import { configCommand } from './commands/config.ts';
import { emulateCommand } from './commands/emulate.ts';
import { processCommand } from './commands/start.ts';
import { VERSION } from './package-info.ts';

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
  .addCommand(emulateCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`ferry: ${(error as Error).message}\n`);
  process.exit(1);
}
