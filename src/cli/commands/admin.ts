import { createInterface } from 'node:readline/promises';

import { Command } from 'commander';

import { createFirstAdministrator } from '../../api/first-administrator.ts';
import { newAdministratorSchema } from '../../api/routes/setup.ts';
import { createLogger } from '../../config/logger.ts';
import { findAgentCredentials } from '../../db/agents.ts';
import { loadConfigOrExit } from '../load-config.ts';
import { openRuntime } from '../runtime.ts';

interface AdminCreateOptions {
  email: string;
  name: string;
  workgroup: string;
  passwordStdin?: boolean;
}

export function adminCommand(): Command {
  const admin = new Command('admin').description('Administer agents from the command line');
  admin
    .command('create')
    .description(
      'Create an Administrator with a new workgroup (the first one, or when the web setup link is lost)',
    )
    .requiredOption('--email <email>', 'sign-in email of the Administrator')
    .requiredOption('--name <name>', 'display name')
    .option('--workgroup <name>', 'name of the new workgroup', 'My Workgroup')
    .option('--password-stdin', 'read the password from standard input instead of prompting')
    .action(async (options: AdminCreateOptions) => {
      const config = loadConfigOrExit();
      const password = await readPassword(options.passwordStdin === true);
      const parsed = newAdministratorSchema.safeParse({
        workgroupName: options.workgroup,
        name: options.name,
        email: options.email,
        password,
      });
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          process.stderr.write(`ferry: ${issue.path.join('.')}: ${issue.message}\n`);
        process.exitCode = 2;
        return;
      }
      const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
      const runtime = await openRuntime(config, logger);
      try {
        if ((await findAgentCredentials(runtime.database.db, parsed.data.email)) !== undefined) {
          process.stderr.write(`ferry: an agent with the email ${parsed.data.email} already exists\n`);
          process.exitCode = 2;
          return;
        }
        const agent = await createFirstAdministrator(runtime.database.db, parsed.data);
        process.stdout.write(
          `Created Administrator ${agent.email} (${agent.id}) in workgroup "${parsed.data.workgroupName}".\n`,
        );
      } finally {
        await runtime.close();
      }
    });
  return admin;
}

export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) return (await readStdin()).replace(/\r?\n$/, '');
  return promptHidden('Password: ');
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal without echoing what is typed. */
export async function promptHidden(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Hide typed characters: echo nothing after the prompt.
  const output = rl as unknown as { _writeToOutput: (text: string) => void };
  let prompted = false;
  output._writeToOutput = (text) => {
    if (!prompted) process.stderr.write(text);
    prompted = true;
  };
  const password = await rl.question(prompt);
  rl.close();
  process.stderr.write('\n');
  return password;
}
