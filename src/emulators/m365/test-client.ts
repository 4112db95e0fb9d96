/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- the test helper hands parsed JSON to assertions */
import type { M365EmulatorConfig } from './config.ts';
import { startM365Emulator, type M365EmulatorOptions, type RunningM365Emulator } from './server.ts';

/** Raw-HTTP helpers for the emulator's own test suites (never a Ferry client). */
export const TENANT = '11111111-1111-4111-8111-111111111111';
export const APP = '22222222-2222-4222-8222-222222222222';
export const LIMITED_APP = '33333333-3333-4333-8333-333333333333';
export const EXPIRED_APP = '44444444-4444-4444-8444-444444444444';

export const TEST_CONFIG: M365EmulatorConfig = {
  tenants: [
    {
      id: TENANT,
      domains: ['contoso.onmicrosoft.com', 'contoso.com'],
      region: 'EU',
      apps: [
        {
          clientId: APP,
          secret: 'app-secret',
          permissions: [
            'Mail.ReadWrite',
            'Mail-Advanced.ReadWrite.All',
            'Contacts.ReadWrite',
            'Calendars.ReadWrite',
            'Tasks.ReadWrite.All',
            'User.Read.All',
            'MailboxSettings.ReadWrite',
          ],
        },
        { clientId: LIMITED_APP, secret: 'limited-secret', permissions: ['Mail.Read'] },
        {
          clientId: EXPIRED_APP,
          secret: 'old-secret',
          secretExpiresAt: '2020-01-01T00:00:00Z',
          permissions: ['Mail.ReadWrite'],
        },
      ],
      users: [
        { userPrincipalName: 'alice@contoso.com', password: 'alice-pw', maxMessageSizeMB: 1 },
        { userPrincipalName: 'bob@contoso.com', mailbox: false },
        { userPrincipalName: 'carol@contoso.com', password: 'carol-pw', mfa: true },
      ],
    },
  ],
};

/** Parsed JSON in tests: assertions reach into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply {
  status: number;
  headers: Headers;
  json: Json;
}

export interface Harness {
  emulator: RunningM365Emulator;
  token: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  tokenFor(clientId: string, secret: string): Promise<string>;
  dump(upn: string): Promise<Json>;
}

export async function postForm(url: string, form: Record<string, string>): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Json };
}

/** An emulator with TEST_CONFIG (or `options.config`, which must keep its tenant and APP). */
export async function startHarness(options: M365EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startM365Emulator({ config: TEST_CONFIG, ...options });
  const tokenFor = async (clientId: string, secret: string): Promise<string> => {
    const reply = await postForm(`${emulator.authorityUrl}/${TENANT}/oauth2/v2.0/token`, {
      client_id: clientId,
      client_secret: secret,
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    });
    return (reply.json as { access_token: string }).access_token;
  };
  const token = await tokenFor(APP, 'app-secret');
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const isText = typeof body === 'string';
    const response = await fetch(`${emulator.graphUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': isText ? 'text/plain' : 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: isText ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text === '' ? undefined : JSON.parse(text),
    };
  };
  const dump = async (upn: string) =>
    (await fetch(`${emulator.graphUrl}/_emulator/mailboxes/${upn}`)).json() as Promise<Json>;
  return { emulator, token, call, tokenFor, dump };
}
