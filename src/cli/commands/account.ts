import { Option } from 'commander';

import { UserError } from '../../domain/errors.ts';
import { ApiClient } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printTable } from '../output.ts';
import { promptHidden, readStdin } from './admin.ts';

interface Token {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function tokenStatus(token: Token, now = Date.now()): string {
  if (token.revokedAt !== null) return 'revoked';
  return new Date(token.expiresAt).getTime() <= now ? 'expired' : 'active';
}

/** The current and the new password: two lines on stdin, or asked for on the terminal (the new one twice). */
async function readPasswordChange(
  fromStdin: boolean,
): Promise<{ currentPassword: string; newPassword: string }> {
  if (fromStdin || !process.stdin.isTTY) {
    const [currentPassword, newPassword] = (await readStdin()).split(/\r?\n/);
    if (currentPassword === undefined || newPassword === undefined || newPassword === '')
      throw new UserError(
        'PASSWORD_STDIN',
        'Give the current password on the first line of standard input and the new one on the second.',
      );
    return { currentPassword, newPassword };
  }
  const currentPassword = await promptHidden('Current password: ');
  const newPassword = await promptHidden('New password: ');
  if ((await promptHidden('New password again: ')) !== newPassword)
    throw new UserError('PASSWORD_MISMATCH', 'The two new passwords differ; nothing was changed.');
  return { currentPassword, newPassword };
}

export function accountCommand() {
  const account = apiCommand('account', 'Your own agent account: password and personal API tokens');

  account
    .command('password')
    .description(
      'Change your password; every other session and API token of your account ends (this CLI keeps its token)',
    )
    .option('--password-stdin', 'read the current password, then the new one, as two lines of standard input')
    .action(async (options: { passwordStdin?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const change = await readPasswordChange(options.passwordStdin === true);
      const ended = await client.json<{ sessionsEnded: number; tokensRevoked: number }>(
        'POST',
        '/api/auth/password',
        change,
      );
      process.stdout.write(
        `Password changed; ${ended.sessionsEnded} other session(s) ended and ${ended.tokensRevoked} other API token(s) revoked.\n`,
      );
    });

  account
    .command('tokens')
    .description('Your personal API tokens: when they expire and were last used (never their values)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const { tokens } = await client.json<{ tokens: Token[] }>('GET', '/api/tokens');
      if (options.json === true) return printJson(tokens);
      printTable(tokens, [
        { header: 'NAME', value: (t) => t.name },
        { header: 'STARTS WITH', value: (t) => `${t.prefix}…` },
        { header: 'CREATED', value: (t) => t.createdAt },
        { header: 'EXPIRES', value: (t) => t.expiresAt },
        { header: 'LAST USED', value: (t) => t.lastUsedAt },
        { header: 'STATUS', value: (t) => tokenStatus(t) },
        { header: 'ID', value: (t) => t.id },
      ]);
    });

  account
    .command('create-token')
    .description('Create a personal API token for a script; its value is printed once')
    .requiredOption('--name <name>', 'what the token is for')
    .addOption(
      new Option('--expires-in-days <days>', 'days until it stops working (at most 365)')
        .argParser(parsePositiveInt)
        .default(90),
    )
    .option('--json', 'print JSON')
    .action(async (options: { name: string; expiresInDays: number; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const created = await client.json<{ token: Token; value: string }>('POST', '/api/tokens', {
        name: options.name,
        expiresInDays: options.expiresInDays,
      });
      if (options.json === true) return printJson(created);
      process.stdout.write(
        `${created.value}\nToken "${created.token.name}" expires ${created.token.expiresAt}; this is the only time its value is shown.\n`,
      );
    });

  account
    .command('revoke-token <id>')
    .description('Revoke one of your personal API tokens')
    .action(async (id: string) => {
      const client = await ApiClient.fromLogin();
      await client.json('DELETE', `/api/tokens/${encodeURIComponent(id)}`);
      process.stdout.write(`Revoked token ${id}.\n`);
    });

  return account;
}
