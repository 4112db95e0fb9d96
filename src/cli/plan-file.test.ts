import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { UserError } from '../domain/errors.ts';
import { loadPlan } from './plan-file.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ferry-plan-'));
const base = {
  name: 'acme',
  source: {
    type: 'zimbra',
    url: 'https://mail.example.com',
    adminUrl: 'https://mail.example.com:7071',
    username: 'admin@example.com',
    password: 'pw',
  },
  destination: { type: 'm365', tenantId: 't', clientId: 'c', clientSecret: 's' },
  users: [{ source: 'alice@example.com', destination: 'alice@contoso.com' }],
};

function planFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('plan files', () => {
  it('reads JSON with defaults and the global cloud', async () => {
    const plan = await loadPlan(planFile('a.json', base));
    expect(plan.maxConcurrentMigrations).toBe(5);
    expect(plan.itemTypes).toEqual([
      'mail',
      'contacts',
      'calendar',
      'tasks',
      'rules',
      'outOfOffice',
      'forwarding',
      'signatures',
    ]);
    expect(plan.endpoints.destination.graphUrl).toBe('https://graph.microsoft.com');
  });

  it('reads YAML and a source,destination CSV relative to the plan', async () => {
    planFile('users.csv', 'source,destination\nbob@example.com,bob@contoso.com\n');
    const yaml = `name: acme
source: {type: zimbra, url: "https://mail.example.com", username: admin@example.com, password: pw}
destination: {type: m365, tenantId: t, clientId: c, clientSecret: s}
usersCsv: users.csv
options: {supportOptions: ["RecipientMapping=@example.com->@contoso.com"]}
`;
    const plan = await loadPlan(planFile('b.yaml', yaml));
    expect(plan.users).toEqual([{ source: 'bob@example.com', destination: 'bob@contoso.com' }]);
    expect(plan.support.recipientMappings).toEqual([{ from: '@example.com', to: '@contoso.com' }]);
  });

  it('reads a certificate credential from PEM files beside the plan, and refuses a secret and a certificate together', async () => {
    planFile('app.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    planFile('app.key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
    const { clientSecret: _secret, ...withoutSecret } = base.destination;
    const certificate = { certificateFile: 'app.crt', privateKeyFile: 'app.key' };
    const plan = await loadPlan(
      planFile('cert.json', { ...base, destination: { ...withoutSecret, clientCertificate: certificate } }),
    );
    expect(plan.endpoints.destination.clientCertificate?.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(plan.endpoints.destination.clientCertificate?.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    const both = planFile('both.json', {
      ...base,
      destination: { ...base.destination, clientCertificate: certificate },
    });
    await expect(loadPlan(both)).rejects.toThrow(/exactly one of clientSecret and clientCertificate/);
  });

  it('refuses a password with a comma, saying why', async () => {
    const file = planFile('c.json', { ...base, source: { ...base.source, password: 'a,b' } });
    await expect(loadPlan(file)).rejects.toThrow(/source\.password: must not contain a comma/);
  });

  it('names the CSV line that is wrong', async () => {
    planFile('bad.csv', 'source,destination\nbob@example.com,bob@contoso.com\nnot-an-address\n');
    const error = await loadPlan(
      planFile('d.json', { ...base, users: undefined, usersCsv: 'bad.csv' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/line 3: expected "source,destination"/);
  });

  it('reads the Zimbra admin-console export with a destination domain', async () => {
    planFile(
      'export.csv',
      '"alice@example.com","9f1c","account","Alice","active","e004"\n"dl@example.com","1","dl","List","active","e004"\n',
    );
    const plan = await loadPlan(
      planFile('f.json', {
        ...base,
        users: undefined,
        usersCsv: 'export.csv',
        destinationDomain: 'contoso.com',
      }),
    );
    expect(plan.users).toEqual([{ source: 'alice@example.com', destination: 'alice@contoso.com' }]);
  });

  it('refuses unknown Support options', async () => {
    const file = planFile('e.json', { ...base, options: { supportOptions: ['NoSuchKey=1'] } });
    await expect(loadPlan(file)).rejects.toThrow(/not a known Support option/);
  });

  /** The problem lines of a plan the loader refuses (a UserError: `ferry migrate` exits 2). */
  async function refusal(content: unknown, name = 'refused.json'): Promise<string[]> {
    const error = await loadPlan(planFile(name, content)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).message.split('\n');
  }

  it('refuses unknown keys at every level, suggesting the key that was meant', async () => {
    const { destination, ...withoutDestination } = base;
    const lines = await refusal({
      ...withoutDestination,
      destinaton: destination,
      source: { ...base.source, usrname: 'x' },
      users: [{ ...base.users[0], pasword: 'x' }],
      options: { folderFiltr: '^Junk$', colour: 'red' },
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        'destinaton: unknown key; did you mean `destination`?',
        'source.usrname: unknown key; did you mean `username`?',
        'users.0.pasword: unknown key; did you mean `password`?',
        'options.folderFiltr: unknown key; did you mean `folderFilter`?',
        'options.colour: unknown key; known keys: maxConcurrentMigrations, itemTypes, supportOptions, folderFilter, logSubjects, maxMessageSizeMB, receivedAfter',
      ]),
    );
  });

  it('refuses a source or a destination named twice, ignoring case, naming both users', async () => {
    const lines = await refusal({
      ...base,
      users: [
        { source: 'alice@example.com', destination: 'alice@contoso.com' },
        { source: 'bob@example.com', destination: 'Alice@Contoso.com' },
        { source: 'ALICE@example.com', destination: 'carol@contoso.com' },
      ],
    });
    expect(lines.slice(1)).toEqual([
      'users.2: source ALICE@example.com is already users.0',
      'users.1: destination Alice@Contoso.com is already users.0',
    ]);
    planFile('twice.csv', 'alice@example.com,shared@contoso.com\nbob@example.com,shared@contoso.com\n');
    expect((await refusal({ ...base, users: undefined, usersCsv: 'twice.csv' })).slice(1)).toEqual([
      'twice.csv line 2: destination shared@contoso.com is already twice.csv line 1',
    ]);
  });

  it('refuses a missing usersCsv or a directory in one line', async () => {
    expect(await refusal({ ...base, users: undefined, usersCsv: 'missing.csv' })).toEqual([
      `The usersCsv file ${path.join(dir, 'missing.csv')} named by the plan does not exist.`,
    ]);
    mkdirSync(path.join(dir, 'a-directory'), { recursive: true });
    expect(await refusal({ ...base, users: undefined, usersCsv: 'a-directory' })).toEqual([
      `The usersCsv file ${path.join(dir, 'a-directory')} named by the plan is a directory, not a CSV file.`,
    ]);
  });

  it('refuses a NUL byte in any field, naming the field and never its value', async () => {
    const lines = await refusal({ ...base, source: { ...base.source, password: 'p\u0000w' } });
    expect(lines.slice(1)).toEqual(['source.password: contains a NUL byte']);
    expect(
      (await refusal({ ...base, users: [{ ...base.users[0], destination: 'a\u0000@contoso.com' }] })).slice(
        1,
      ),
    ).toEqual(['users.0.destination: contains a NUL byte']);
    planFile('nul.csv', 'alice@example.com,alice@contoso.com\nbob\u0000@example.com,bob@contoso.com\n');
    expect((await refusal({ ...base, users: undefined, usersCsv: 'nul.csv' })).slice(1)).toEqual([
      'line 2: contains a NUL byte',
    ]);
  });

  it('refuses a per-user password with a comma, as the source password', async () => {
    const lines = await refusal({
      ...base,
      source: { type: 'zimbra', url: base.source.url },
      users: [{ ...base.users[0], password: 'a,b' }],
    });
    expect(lines.slice(1)).toEqual([
      'users.0.password: must not contain a comma: Zimbra migrations fail with such passwords. Change the password of the account in Zimbra and enter the new one',
    ]);
  });

  it('accepts only http and https URLs', async () => {
    const lines = await refusal({
      ...base,
      source: { ...base.source, url: 'file:///etc/passwd', adminUrl: 'ftp://mail.example.com' },
      destination: { ...base.destination, graphUrl: 'javascript:alert(1)' },
    });
    expect(lines.slice(1)).toEqual([
      'source.url: must be an http:// or https:// URL',
      'source.adminUrl: must be an http:// or https:// URL',
      'destination.graphUrl: must be an http:// or https:// URL',
    ]);
  });

  it('refuses a folder filter RE2 cannot run, naming the construct', async () => {
    const lines = await refusal({ ...base, options: { folderFilter: '(?!Junk)' } });
    expect(lines.slice(1)).toEqual([
      'options.folderFilter: Folder filter `(?!Junk)`: negative lookahead `(?!` is not supported. Ferry uses RE2 syntax (no lookaround, no backreferences) so that no pattern can stall a migration.',
    ]);
  });
});
