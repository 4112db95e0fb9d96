import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startZimbraEmulator, type ZimbraEmulator } from './server.ts';
import { adminLogin, faultCode, login, makeDataDir, soap } from './test-support.ts';

const ADMIN = '/service/admin/soap';

describe('zimbra emulator: authentication and directory', () => {
  const data = makeDataDir({
    'server.json': JSON.stringify({ admin: { name: 'admin@example.com', password: 'adminpw' } }),
    'accounts/ann@example.com/account.json': JSON.stringify({ password: 'secret', displayName: 'Ann Lee' }),
    'accounts/bob@example.com/account.json': JSON.stringify({ twoFactor: true }),
    'accounts/carl@example.com/account.json': JSON.stringify({ status: 'locked' }),
    'accounts/dora@example.com/account.json': JSON.stringify({ status: 'closed' }),
    'accounts/eve@other.org/mail/Inbox/m.eml': 'Subject: x\r\n\r\nbody',
  });
  let emu: ZimbraEmulator;
  let short: ZimbraEmulator;
  beforeAll(async () => {
    emu = await startZimbraEmulator({ dataDir: data.dir, dosFilterMaxRequestsPerSec: 0 });
    short = await startZimbraEmulator({
      dataDir: data.dir,
      userTokenLifetimeMs: 150,
      adminTokenLifetimeMs: 150,
      delegatedTokenLifetimeMs: 150,
    });
  });
  afterAll(async () => {
    await emu.close();
    await short.close();
    data.remove();
  });

  it('issues a user token with the 2-day lifetime and lets it read GetInfo', async () => {
    const auth = await soap(emu.url, {
      AuthRequest: {
        _jsns: 'urn:zimbraAccount',
        account: { by: 'name', _content: 'ann@example.com' },
        password: { _content: 'secret' },
      },
    });
    expect(auth.status).toBe(200);
    expect(auth.body['lifetime']).toBe(172800000);
    expect(auth.body['_jsns']).toBe('urn:zimbraAccount');
    const token = (auth.body['authToken'] as { _content: string }[])[0]?._content ?? '';
    expect(token).toMatch(/^0_[0-9a-f]{40}_[0-9a-f]+$/);
    const info = await soap(emu.url, { GetInfoRequest: { _jsns: 'urn:zimbraAccount' } }, { token });
    expect(info.body['name']).toBe('ann@example.com');
    expect(info.body['adminDelegated']).toBeUndefined();
    expect(
      (info.json['Header'] as { context: { change: { token: number } } }).context.change.token,
    ).toBeGreaterThan(0);
  });

  it('accepts the token from the ZM_AUTH_TOKEN cookie', async () => {
    const token = await login(emu.url, 'ann@example.com', 'secret');
    const info = await soap(
      emu.url,
      { GetInfoRequest: { _jsns: 'urn:zimbraAccount' } },
      { cookie: `ZM_AUTH_TOKEN=${token}` },
    );
    expect(info.body['name']).toBe('ann@example.com');
  });

  it('answers a wrong password with the exact AUTH_FAILED fault shape and HTTP 500', async () => {
    const call = await soap(emu.url, {
      AuthRequest: {
        _jsns: 'urn:zimbraAccount',
        account: { by: 'name', _content: 'ann@example.com' },
        password: 'nope',
      },
    });
    expect(call.status).toBe(500);
    expect(call.json['_jsns']).toBe('urn:zimbraSoap');
    expect(call.body['Code']).toEqual({ Value: 'soap:Sender' });
    expect(call.body['Reason']).toEqual({ Text: 'authentication failed for [ann@example.com]' });
    const error = (call.body['Detail'] as { Error: Record<string, unknown> }).Error;
    expect(error['Code']).toBe('account.AUTH_FAILED');
    expect(error['_jsns']).toBe('urn:zimbra');
    expect(error['Trace']).toMatch(/^qtp\d+-\d+:\d+:[0-9a-f]{16}$/);
    const unknown = await soap(emu.url, {
      AuthRequest: { _jsns: 'urn:zimbraAccount', account: 'nobody@example.com', password: 'x' },
    });
    expect(faultCode(unknown)).toBe('account.AUTH_FAILED');
  });

  it('refuses password login for locked and closed accounts and asks 2FA users for a second factor', async () => {
    for (const name of ['carl@example.com', 'dora@example.com']) {
      const call = await soap(emu.url, {
        AuthRequest: { _jsns: 'urn:zimbraAccount', account: name, password: 'test123' },
      });
      expect(faultCode(call)).toBe('account.AUTH_FAILED');
    }
    const first = await soap(emu.url, {
      AuthRequest: { _jsns: 'urn:zimbraAccount', account: 'bob@example.com', password: 'test123' },
    });
    expect(first.body['twoFactorAuthRequired']).toEqual({ _content: 'true' });
    const limited = (first.body['authToken'] as { _content: string }[])[0]?._content ?? '';
    const use = await soap(emu.url, { GetInfoRequest: { _jsns: 'urn:zimbraAccount' } }, { token: limited });
    expect(faultCode(use)).toBe('service.AUTH_REQUIRED');
    const second = await soap(emu.url, {
      AuthRequest: {
        _jsns: 'urn:zimbraAccount',
        account: 'bob@example.com',
        authToken: limited,
        twoFactorCode: '123456',
      },
    });
    expect(faultCode(second)).toBe('account.TWO_FACTOR_AUTH_FAILED');
  });

  it('logs the admin in on the admin port only, with a 12 h token', async () => {
    const auth = await soap(
      emu.adminUrl,
      { AuthRequest: { _jsns: 'urn:zimbraAdmin', name: 'admin@example.com', password: 'adminpw' } },
      { path: ADMIN },
    );
    expect(auth.body['lifetime']).toBe(43200000);
    const onUserPort = await soap(emu.url, {
      AuthRequest: { _jsns: 'urn:zimbraAdmin', name: 'admin@example.com', password: 'adminpw' },
    });
    expect(faultCode(onUserPort)).toBe('service.UNKNOWN_DOCUMENT');
    const notAdmin = await soap(
      emu.adminUrl,
      { AuthRequest: { _jsns: 'urn:zimbraAdmin', name: 'ann@example.com', password: 'secret' } },
      { path: ADMIN },
    );
    expect(faultCode(notAdmin)).toBe('service.PERM_DENIED');
  });

  it('delegates to 2FA, locked and closed accounts with a 1 h token that GetInfo marks adminDelegated', async () => {
    const admin = await adminLogin(emu.adminUrl, 'admin@example.com', 'adminpw');
    for (const name of ['bob@example.com', 'carl@example.com', 'dora@example.com']) {
      const call = await soap(
        emu.adminUrl,
        { DelegateAuthRequest: { _jsns: 'urn:zimbraAdmin', account: { by: 'name', _content: name } } },
        { token: admin, path: ADMIN },
      );
      expect(call.body['lifetime']).toBe(3600000);
      const token = (call.body['authToken'] as { _content: string }[])[0]?._content ?? '';
      const info = await soap(emu.url, { GetInfoRequest: { _jsns: 'urn:zimbraAccount' } }, { token });
      expect(info.body['adminDelegated']).toBe(true);
      expect(info.body['name']).toBe(name);
    }
    const missing = await soap(
      emu.adminUrl,
      {
        DelegateAuthRequest: { _jsns: 'urn:zimbraAdmin', account: { by: 'name', _content: 'x@example.com' } },
      },
      { token: admin, path: ADMIN },
    );
    expect(faultCode(missing)).toBe('account.NO_SUCH_ACCOUNT');
    expect(missing.body['Reason']).toEqual({ Text: 'no such account: x@example.com' });
  });

  it('denies admin requests to user tokens and lets admins act on a mailbox through the header account', async () => {
    const user = await login(emu.url, 'ann@example.com', 'secret');
    const denied = await soap(
      emu.adminUrl,
      {
        GetAccountRequest: { _jsns: 'urn:zimbraAdmin', account: { by: 'name', _content: 'ann@example.com' } },
      },
      { token: user, path: ADMIN },
    );
    expect(faultCode(denied)).toBe('service.PERM_DENIED');
    expect(denied.body['Reason']).toEqual({ Text: 'permission denied: need admin token' });
    const admin = await adminLogin(emu.adminUrl, 'admin@example.com', 'adminpw');
    const search = await soap(
      emu.adminUrl,
      { SearchRequest: { _jsns: 'urn:zimbraMail', types: 'message', query: 'inid:2' } },
      { token: admin, path: ADMIN, account: 'eve@other.org' },
    );
    expect((search.body['m'] as unknown[]).length).toBe(1);
    const other = await soap(
      emu.url,
      { SearchRequest: { _jsns: 'urn:zimbraMail', types: 'message' } },
      { token: user, account: 'eve@other.org' },
    );
    expect(faultCode(other)).toBe('service.PERM_DENIED');
  });

  it('serves GetAccount, GetAccountInfo and SearchDirectory with admin `a` attribute lists', async () => {
    const admin = await adminLogin(emu.adminUrl, 'admin@example.com', 'adminpw');
    const get = await soap(
      emu.adminUrl,
      {
        GetAccountRequest: {
          _jsns: 'urn:zimbraAdmin',
          attrs: 'displayName,zimbraAccountStatus',
          account: { by: 'name', _content: 'ann@example.com' },
        },
      },
      { token: admin, path: ADMIN },
    );
    const account = (
      get.body['account'] as { name: string; id: string; a: { n: string; _content: string }[] }[]
    )[0];
    expect(account?.a).toEqual([
      { n: 'displayName', _content: 'Ann Lee' },
      { n: 'zimbraAccountStatus', _content: 'active' },
    ]);
    const again = await startZimbraEmulator({ dataDir: data.dir });
    const adminAgain = await adminLogin(again.adminUrl, 'admin@example.com', 'adminpw');
    const byId = await soap(
      again.adminUrl,
      { GetAccountInfoRequest: { _jsns: 'urn:zimbraAdmin', account: { by: 'id', _content: account?.id } } },
      { token: adminAgain, path: ADMIN },
    );
    expect(byId.body['name']).toEqual([{ _content: 'ann@example.com' }]);
    await again.close();
    const dir = await soap(
      emu.adminUrl,
      {
        SearchDirectoryRequest: {
          _jsns: 'urn:zimbraAdmin',
          domain: 'example.com',
          types: 'accounts',
          query: '(zimbraAccountStatus=active)',
          limit: 2,
          offset: 0,
          attrs: 'displayName',
        },
      },
      { token: admin, path: ADMIN },
    );
    expect(dir.body['searchTotal']).toBe(3);
    expect(dir.body['more']).toBe(true);
    expect((dir.body['account'] as { name: string }[]).map((a) => a.name)).toEqual([
      'admin@example.com',
      'ann@example.com',
    ]);
    const tooMany = await soap(
      emu.adminUrl,
      { SearchDirectoryRequest: { _jsns: 'urn:zimbraAdmin', types: 'accounts', maxResults: 2 } },
      { token: admin, path: ADMIN },
    );
    expect(faultCode(tooMany)).toBe('account.TOO_MANY_SEARCH_RESULTS');
  });

  it('echoes the requested delegation lifetime while the token expires at the account cap (DelegateAuth.java)', async () => {
    const admin = await adminLogin(short.adminUrl, 'admin@example.com', 'adminpw');
    const delegated = await soap(
      short.adminUrl,
      {
        DelegateAuthRequest: {
          _jsns: 'urn:zimbraAdmin',
          duration: 7200,
          account: { by: 'name', _content: 'ann@example.com' },
        },
      },
      { token: admin, path: ADMIN },
    );
    expect(delegated.body['lifetime']).toBe(7_200_000);
    const token = (delegated.body['authToken'] as { _content: string }[])[0]?._content ?? '';
    await new Promise((r) => setTimeout(r, 200));
    const call = await soap(short.url, { GetInfoRequest: { _jsns: 'urn:zimbraAccount' } }, { token });
    expect(faultCode(call)).toBe('service.AUTH_EXPIRED');
  });

  it('expires user, admin and delegated tokens after their (shortened) lifetimes', async () => {
    const user = await login(short.url, 'ann@example.com', 'secret');
    const admin = await adminLogin(short.adminUrl, 'admin@example.com', 'adminpw');
    const delegated = await soap(
      short.adminUrl,
      {
        DelegateAuthRequest: {
          _jsns: 'urn:zimbraAdmin',
          account: { by: 'name', _content: 'ann@example.com' },
        },
      },
      { token: admin, path: ADMIN },
    );
    const delegatedToken = (delegated.body['authToken'] as { _content: string }[])[0]?._content ?? '';
    await new Promise((r) => setTimeout(r, 200));
    for (const token of [user, delegatedToken]) {
      const call = await soap(short.url, { GetInfoRequest: { _jsns: 'urn:zimbraAccount' } }, { token });
      expect(faultCode(call)).toBe('service.AUTH_EXPIRED');
      expect(call.body['Reason']).toEqual({ Text: 'auth credentials have expired' });
    }
    const adminCall = await soap(
      short.adminUrl,
      {
        GetAccountRequest: { _jsns: 'urn:zimbraAdmin', account: { by: 'name', _content: 'ann@example.com' } },
      },
      { token: admin, path: ADMIN },
    );
    expect(faultCode(adminCall)).toBe('service.AUTH_EXPIRED');
    const none = await soap(short.url, { GetInfoRequest: { _jsns: 'urn:zimbraAccount' } });
    expect(faultCode(none)).toBe('service.AUTH_REQUIRED');
  });
});
