import { Command } from 'commander';

import { emulateM365Command } from './emulate-m365.ts';
import { emulateSeedCommand } from './emulate-seed.ts';
import { emulateZimbraCommand } from './emulate-zimbra.ts';

export function emulateCommand(): Command {
  return new Command('emulate')
    .description('Run the emulated Zimbra or Microsoft 365, or write a seeded Zimbra data directory')
    .addCommand(emulateZimbraCommand())
    .addCommand(emulateM365Command())
    .addCommand(emulateSeedCommand());
}
