import { Command } from 'commander';

import { describeConfig } from '../../config/config.ts';
import { loadConfigOrExit } from '../load-config.ts';

export function configCommand(): Command {
  return new Command('config')
    .description('Print the effective configuration (secrets hidden)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const rows = describeConfig(loadConfigOrExit());
      if (options.json === true) {
        process.stdout.write(
          `${JSON.stringify(Object.fromEntries(rows.map((r) => [r.env, r.value])), null, 2)}\n`,
        );
        return;
      }
      const width = Math.max(...rows.map((r) => r.env.length));
      for (const row of rows) process.stdout.write(`${row.env.padEnd(width)}  ${row.value}\n`);
    });
}
