import { mkdtempSync, writeFileSync } from 'node:fs';
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
    expect(plan.itemTypes).toEqual(['mail', 'contacts', 'calendar', 'tasks']);
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
});
