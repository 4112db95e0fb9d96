import { describe, expect, it } from 'vitest';

import type { M365Settings, ZimbraSettings } from '../domain/endpoint-settings.ts';
import {
  changedDestination,
  endpointSecretBinding,
  normalisedUrl,
  SECRET_BOUND_CODE,
  type SecretBindingInput,
  sourceSwitchBinding,
} from './endpoint-secret-binding.ts';

const zimbra: ZimbraSettings = {
  serverUrl: 'https://mail.fabrikam.com',
  adminUrl: 'https://mail.fabrikam.com:7071',
  provideCredentials: true,
  adminUsername: 'migration@fabrikam.com',
};

const m365: M365Settings = {
  applicationId: '11111111-2222-4333-8444-555555555555',
  tenantId: '0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a',
  provideCredentials: true,
  nationalCloud: 'global',
  authorityUrl: null,
  graphUrl: null,
};

const zimbraEdit = (
  after: Partial<ZimbraSettings>,
  rest: Partial<Omit<SecretBindingInput, 'change'>> = {},
): SecretBindingInput => ({
  change: { kind: 'zimbra', before: zimbra, after: { ...zimbra, ...after } },
  secretStored: true,
  secret: 'omitted',
  mailboxPasswordsStored: 0,
  clearMailboxPasswords: false,
  ...rest,
});

const m365Edit = (
  after: Partial<M365Settings>,
  rest: Partial<Omit<SecretBindingInput, 'change'>> = {},
): SecretBindingInput => ({
  change: { kind: 'm365', before: m365, after: { ...m365, ...after } },
  secretStored: true,
  secret: 'omitted',
  mailboxPasswordsStored: 0,
  clearMailboxPasswords: false,
  ...rest,
});

describe('normalisedUrl', () => {
  it('compares what a URL reaches: case of scheme and host, default port and trailing slash do not count', () => {
    expect(normalisedUrl('HTTPS://Mail.Fabrikam.COM:443/')).toBe(normalisedUrl('https://mail.fabrikam.com'));
    expect(normalisedUrl('http://mail.fabrikam.com:80')).toBe('http://mail.fabrikam.com');
    expect(normalisedUrl('https://mail.fabrikam.com:8443')).not.toBe(
      normalisedUrl('https://mail.fabrikam.com'),
    );
    expect(normalisedUrl('http://mail.fabrikam.com')).not.toBe(normalisedUrl('https://mail.fabrikam.com'));
    expect(normalisedUrl('https://mail.fabrikam.com/zimbra')).not.toBe(
      normalisedUrl('https://mail.fabrikam.com'),
    );
  });
});

describe('endpointSecretBinding, Zimbra', () => {
  it.each([
    ['serverUrl', { serverUrl: 'https://evil.example' }],
    ['adminUrl', { adminUrl: 'https://evil.example:7071' }],
    ['adminUrl', { adminUrl: 'https://mail.fabrikam.com:7072' }],
    ['serverUrl', { serverUrl: 'http://mail.fabrikam.com' }],
  ] as const)('refuses a moved %s without the admin password, naming the field', (field, after) => {
    const binding = endpointSecretBinding(zimbraEdit(after));
    expect(binding.changed).toEqual([field]);
    expect(binding.secretUnbound).toBe(true);
    expect(binding.problem?.code).toBe(SECRET_BOUND_CODE);
    expect(binding.problem?.message).toContain(
      `The ${field === 'serverUrl' ? 'server URL' : 'admin URL'} changed, so the stored Admin password cannot be kept: enter it again to save this change. Ferry never sends a stored password to a different server.`,
    );
    expect(binding.problem?.details['problems']).toEqual([
      expect.objectContaining({ field: 'adminPassword' }),
    ]);
  });

  it('names every moved field', () => {
    const binding = endpointSecretBinding(
      zimbraEdit({ serverUrl: 'https://b.example', adminUrl: 'https://b.example:7071' }),
    );
    expect(binding.problem?.message).toMatch(/^The server URL and the admin URL changed, so/);
  });

  it('accepts the move when the password is entered again, or cleared, or nothing was stored', () => {
    for (const rest of [
      { secret: 'entered' as const },
      { secret: 'cleared' as const },
      { secretStored: false },
    ]) {
      const binding = endpointSecretBinding(zimbraEdit({ serverUrl: 'https://b.example' }, rest));
      expect(binding.problem).toBeUndefined();
      expect(binding.changed).toEqual(['serverUrl']);
    }
  });

  it('accepts a move to regular-user mode: that mode keeps no admin password', () => {
    const binding = endpointSecretBinding(
      zimbraEdit({ serverUrl: 'https://b.example', provideCredentials: false, adminUsername: null }),
    );
    expect(binding.problem).toBeUndefined();
    expect(binding.secretUnbound).toBe(true);
  });

  it('keeps the secret when the destination does not move: name, admin username, slash, case of the host', () => {
    const binding = endpointSecretBinding(
      zimbraEdit({
        serverUrl: 'HTTPS://MAIL.Fabrikam.com/',
        adminUrl: 'https://mail.fabrikam.com:7071/',
        adminUsername: 'other-admin@fabrikam.com',
      }),
    );
    expect(binding).toEqual({
      changed: [],
      secretUnbound: false,
      mailboxPasswordsToClear: 0,
      problem: undefined,
    });
  });

  it('refuses to move the server URL while mailbox passwords are stored, unless clearing them is confirmed', () => {
    const refused = endpointSecretBinding(
      zimbraEdit(
        { serverUrl: 'https://b.example', provideCredentials: false, adminUsername: null },
        { secretStored: false, mailboxPasswordsStored: 3 },
      ),
    );
    expect(refused.problem?.message).toContain('3 mailbox passwords are stored for the old server');
    expect(refused.problem?.details['problems']).toEqual([
      expect.objectContaining({ field: 'clearMailboxPasswords' }),
    ]);
    expect(refused.mailboxPasswordsToClear).toBe(0);

    const confirmed = endpointSecretBinding(
      zimbraEdit(
        { serverUrl: 'https://b.example', provideCredentials: false, adminUsername: null },
        { secretStored: false, mailboxPasswordsStored: 3, clearMailboxPasswords: true },
      ),
    );
    expect(confirmed.problem).toBeUndefined();
    expect(confirmed.mailboxPasswordsToClear).toBe(3);
  });

  it('leaves mailbox passwords alone when only the admin URL moves: they are sent to the server URL only', () => {
    const binding = endpointSecretBinding(
      zimbraEdit({ adminUrl: 'https://b.example:7071' }, { secret: 'entered', mailboxPasswordsStored: 3 }),
    );
    expect(binding.problem).toBeUndefined();
    expect(binding.mailboxPasswordsToClear).toBe(0);
  });

  it('reports both problems in one answer', () => {
    const binding = endpointSecretBinding(
      zimbraEdit({ serverUrl: 'https://b.example' }, { mailboxPasswordsStored: 1 }),
    );
    expect(binding.problem?.details['problems']).toEqual([
      expect.objectContaining({ field: 'adminPassword' }),
      expect.objectContaining({ field: 'clearMailboxPasswords' }),
    ]);
    expect(binding.problem?.message).toContain('1 mailbox password is stored');
  });
});

describe('endpointSecretBinding, Microsoft 365', () => {
  it.each([
    ['tenantId', { tenantId: 'evil.onmicrosoft.com' }, 'Directory (tenant) ID'],
    ['authorityUrl', { authorityUrl: 'https://login.evil.example' }, 'identity address (authority URL)'],
    ['graphUrl', { graphUrl: 'https://graph.evil.example' }, 'Graph address'],
  ] as const)('refuses a moved %s without the Client Secret', (field, after, label) => {
    const binding = endpointSecretBinding(m365Edit(after));
    expect(binding.changed).toEqual([field]);
    expect(binding.problem?.message).toBe(
      `The ${label} changed, so the stored Client Secret cannot be kept: enter it again to save this change. Ferry never sends a stored secret to a different destination.`,
    );
    expect(binding.problem?.details['problems']).toEqual([
      expect.objectContaining({ field: 'clientSecret' }),
    ]);
  });

  it('counts a national cloud change with the addresses it moves', () => {
    expect(
      changedDestination({ kind: 'm365', before: m365, after: { ...m365, nationalCloud: 'china' } }),
    ).toEqual(['nationalCloud', 'authorityUrl', 'graphUrl']);
    expect(endpointSecretBinding(m365Edit({ nationalCloud: 'usGovernment' })).problem).toBeDefined();
  });

  it('refuses even with Provide Credentials off: the stored secret would still be sent', () => {
    expect(
      endpointSecretBinding(m365Edit({ tenantId: 'evil.onmicrosoft.com', provideCredentials: false }))
        .problem,
    ).toBeDefined();
  });

  it('keeps the secret for the same destination: tenant case, an override equal to the cloud address, Application ID', () => {
    const binding = endpointSecretBinding(
      m365Edit({
        tenantId: m365.tenantId.toUpperCase(),
        authorityUrl: 'https://login.microsoftonline.com/',
        applicationId: '99999999-2222-4333-8444-555555555555',
      }),
    );
    expect(binding.changed).toEqual([]);
    expect(binding.problem).toBeUndefined();
  });
});

describe('sourceSwitchBinding', () => {
  const other: ZimbraSettings = {
    ...zimbra,
    serverUrl: 'https://b.example',
    adminUrl: 'https://b.example:7071',
  };

  it('refuses a source endpoint at another server while mailbox passwords are stored, unless confirmed', () => {
    const refused = sourceSwitchBinding({
      before: zimbra,
      after: other,
      mailboxPasswordsStored: 2,
      clearMailboxPasswords: false,
    });
    expect(refused.problem?.message).toContain('2 mailbox passwords are stored for the old one');
    expect(
      sourceSwitchBinding({
        before: zimbra,
        after: other,
        mailboxPasswordsStored: 2,
        clearMailboxPasswords: true,
      }),
    ).toEqual({ mailboxPasswordsToClear: 2, problem: undefined });
  });

  it('lets a project switch freely to an endpoint at the same server, or when no password is stored', () => {
    const same = { ...zimbra, serverUrl: 'https://MAIL.fabrikam.com/' };
    expect(
      sourceSwitchBinding({
        before: zimbra,
        after: same,
        mailboxPasswordsStored: 2,
        clearMailboxPasswords: false,
      }),
    ).toEqual({ mailboxPasswordsToClear: 0, problem: undefined });
    expect(
      sourceSwitchBinding({
        before: zimbra,
        after: other,
        mailboxPasswordsStored: 0,
        clearMailboxPasswords: false,
      }),
    ).toEqual({ mailboxPasswordsToClear: 0, problem: undefined });
  });
});
