import { hostname } from 'node:os';

import { ApiClient, saveCredentials } from '../api-client.ts';
import { apiCommand } from '../output.ts';
import { readPassword } from './admin.ts';
import { UserError } from '../../domain/errors.ts';

interface LoginOptions {
  url: string;
  token?: string;
  email?: string;
  passwordStdin?: boolean;
}

interface Me {
  agent: { email: string; role: string };
  workgroup: { name: string };
}

export function loginCommand() {
  return apiCommand(
    'login',
    'Sign the CLI in to a Ferry server with a personal API token, or with email and password (creates a token)',
  )
    .requiredOption('--url <url>', 'address of the Ferry server, such as https://ferry.example.com')
    .option(
      '--token <token>',
      'a personal API token (fry_…) made under your profile or with POST /api/tokens',
    )
    .option('--email <email>', 'sign in with this email; the password is prompted for or read from stdin')
    .option('--password-stdin', 'with --email: read the password from standard input')
    .action(async (options: LoginOptions) => {
      if ((options.token === undefined) === (options.email === undefined))
        throw new UserError('LOGIN_OPTIONS', 'Give either --token or --email.');
      const url = parseUrl(options.url);
      const token =
        options.token ?? (await tokenFromPassword(url, options.email!, options.passwordStdin === true));
      const me = await new ApiClient(url, { authorization: `Bearer ${token}` }).json<Me>(
        'GET',
        '/api/auth/me',
      );
      const file = await saveCredentials({ url, token, email: me.agent.email });
      process.stdout.write(
        `Signed in to ${url} as ${me.agent.email} (${me.agent.role}, workgroup "${me.workgroup.name}"); token stored in ${file}.\n`,
      );
    });
}

function parseUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.toString().replace(/\/+$/, '');
  } catch {
    throw new UserError('LOGIN_URL', `--url ${text} is not an http:// or https:// address.`);
  }
}

/** Signs in like the console, makes a personal API token for this machine, and ends the browser-style session. */
async function tokenFromPassword(url: string, email: string, fromStdin: boolean): Promise<string> {
  const password = await readPassword(fromStdin);
  const anonymous = new ApiClient(url, {});
  const login = await anonymous.raw('POST', '/api/auth/login', { email, password });
  const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = cookies.find((c) => c.startsWith('ferry_csrf='))?.slice('ferry_csrf='.length) ?? '';
  const session = new ApiClient(url, {
    cookie: cookies.join('; '),
    'x-csrf-token': decodeURIComponent(csrf),
  });
  const created = await session.json<{ value: string }>('POST', '/api/tokens', {
    name: `ferry CLI on ${hostname()}`,
  });
  await session.raw('POST', '/api/auth/logout');
  return created.value;
}
