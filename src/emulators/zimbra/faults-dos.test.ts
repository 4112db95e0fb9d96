import { request } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startZimbraEmulator } from './server.ts';
import { faultCode, login, makeDataDir, soap } from './test-support.ts';

const data = makeDataDir({
  'accounts/ann@example.com/mail/Inbox/a.eml': 'From: a@example.com\r\nSubject: one\r\n\r\nbody one\r\n',
  'accounts/ann@example.com/mail/Inbox/a.eml.json': JSON.stringify({ tags: ['Work'] }),
  'accounts/ann@example.com/mail/Inbox/b.eml': 'From: b@example.com\r\nSubject: two\r\n\r\nbody two\r\n',
  'accounts/ann@example.com/calendar/Calendar/e.ics':
    'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:e1\r\nDTSTART;TZID=America/New_York:20240105T090000\r\nDTEND;TZID=America/New_York:20240105T100000\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
});
afterAll(() => data.remove());

const getInfo = { GetInfoRequest: { _jsns: 'urn:zimbraAccount' } };

describe('zimbra emulator: DoSFilter', () => {
  it('answers a bare 503 once an account exceeds its requests per second', async () => {
    const emu = await startZimbraEmulator({ dataDir: data.dir, dosFilterMaxRequestsPerSec: 5 });
    const token = await login(emu.url, 'ann@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${emu.url}/service/soap`, {
        method: 'POST',
        body: JSON.stringify({ Header: { context: { authToken: token } }, Body: getInfo }),
      });
      statuses.push(res.status);
      if (res.status === 503) expect(await res.text()).toBe('');
      else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([503, 503, 503]);
    await emu.close();
  });
});

describe('zimbra emulator: DoSFilter behind newer Jetty', () => {
  it('answers 429 instead of 503 when configured so', async () => {
    const emu = await startZimbraEmulator({
      dataDir: data.dir,
      dosFilterMaxRequestsPerSec: 2,
      dosFilterStatus: 429,
    });
    const token = await login(emu.url, 'ann@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${emu.url}/service/soap`, {
        method: 'POST',
        body: JSON.stringify({ Header: { context: { authToken: token } }, Body: getInfo }),
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    await emu.close();
  });
});

describe('zimbra emulator: injected faults', () => {
  it('injects Zimbra-style 500 faults, bare 503s and nginx 504s on schedule', async () => {
    const emu = await startZimbraEmulator({
      dataDir: data.dir,
      faults: '500=@2,503=@3,504=@4',
      dosFilterMaxRequestsPerSec: 0,
    });
    const token = await login(emu.url, 'ann@example.com');
    const second = await soap(emu.url, getInfo, { token });
    expect(second.status).toBe(500);
    expect(faultCode(second)).toBe('service.FAILURE');
    expect(second.body['Code']).toEqual({ Value: 'soap:Receiver' });
    const third = await fetch(`${emu.url}/service/soap`, { method: 'POST', body: '{}' });
    expect(third.status).toBe(503);
    expect(await third.text()).toBe('');
    const fourth = await fetch(`${emu.url}/service/soap`, { method: 'POST', body: '{}' });
    expect(fourth.status).toBe(504);
    expect(await fourth.text()).toContain('504 Gateway Time-out');
    expect((await soap(emu.url, getInfo, { token })).status).toBe(200);
    await emu.close();
  });

  it('resets the connection mid-body and delays slow responses', async () => {
    const emu = await startZimbraEmulator({
      dataDir: data.dir,
      faults: 'reset=@1~/service/home,slow=@1:300~/service/soap',
      dosFilterMaxRequestsPerSec: 0,
    });
    const token = await login(emu.url, 'ann@example.com');
    const started = Date.now();
    await login(emu.url, 'ann@example.com');
    expect(Date.now() - started).toBeLessThan(300);
    const url = new URL(`${emu.url}/service/home/~/?id=258&authToken=${token}`);
    const outcome = await new Promise<{ length: number; declared: number; error: string }>((resolve) => {
      const req = request(url, (res) => {
        let length = 0;
        res.on('data', (chunk: Buffer) => (length += chunk.length));
        res.on('error', (err) =>
          resolve({ length, declared: Number(res.headers['content-length']), error: err.message }),
        );
        res.on('end', () => resolve({ length, declared: Number(res.headers['content-length']), error: '' }));
      });
      req.on('error', (err) => resolve({ length: 0, declared: 0, error: err.message }));
      req.end();
    });
    expect(outcome.error).not.toBe('');
    expect(outcome.length).toBeLessThan(outcome.declared);
    await emu.close();
    const slow = await startZimbraEmulator({
      dataDir: data.dir,
      faults: 'slow=@2:300',
      dosFilterMaxRequestsPerSec: 0,
    });
    const t = await login(slow.url, 'ann@example.com');
    const before = Date.now();
    expect((await soap(slow.url, getInfo, { token: t })).status).toBe(200);
    expect(Date.now() - before).toBeGreaterThanOrEqual(280);
    await slow.close();
  });

  it('revokes the token of the request so it fails with AUTH_EXPIRED', async () => {
    const emu = await startZimbraEmulator({
      dataDir: data.dir,
      faults: 'revoke=@2',
      dosFilterMaxRequestsPerSec: 0,
    });
    const token = await login(emu.url, 'ann@example.com');
    expect(faultCode(await soap(emu.url, getInfo, { token }))).toBe('service.AUTH_EXPIRED');
    expect(faultCode(await soap(emu.url, getInfo, { token }))).toBe('service.AUTH_EXPIRED');
    const fresh = await login(emu.url, 'ann@example.com');
    expect((await soap(emu.url, getInfo, { token: fresh })).status).toBe(200);
    await emu.close();
  });
});

describe('zimbra emulator: version differences', () => {
  let token = '';
  let url = '';
  let close: () => Promise<void> = () => Promise.resolve();
  beforeAll(async () => {
    const emu = await startZimbraEmulator({ dataDir: data.dir, version: '6.0.7' });
    url = emu.url;
    close = () => emu.close();
    token = await login(url, 'ann@example.com');
  });
  afterAll(() => close());

  it('uses 6.x/7.x shapes: tag ids only, legacy tag ids, no uuid/absFolderPath, no `u` on DATETIME, Notebook folder', async () => {
    const hits = await soap(
      url,
      { SearchRequest: { _jsns: 'urn:zimbraMail', types: 'message', query: 'subject:one' } },
      { token },
    );
    const m = (hits.body['m'] as Record<string, unknown>[])[0] ?? {};
    expect(m['tn']).toBeUndefined();
    expect(m['t']).toBe('64');
    const folders = await soap(url, { GetFolderRequest: { _jsns: 'urn:zimbraMail' } }, { token });
    const root = (folders.body['folder'] as Record<string, unknown>[])[0] ?? {};
    expect(root['uuid']).toBeUndefined();
    expect(root['absFolderPath']).toBeUndefined();
    expect((root['folder'] as { id: string }[]).some((f) => f.id === '12')).toBe(true);
    const appt = await soap(
      url,
      { GetAppointmentRequest: { _jsns: 'urn:zimbraMail', uid: 'e1' } },
      { token },
    );
    const comp =
      (appt.body['appt'] as { inv: { comp: Record<string, unknown>[] }[] }[])[0]?.inv[0]?.comp[0] ?? {};
    expect(comp['s']).toEqual([{ d: '20240105T090000', tz: 'America/New_York' }]);
  });

  it('defaults SearchRequest limit to 30 before 8.0', async () => {
    const many = await soap(
      url,
      { SearchRequest: { _jsns: 'urn:zimbraMail', types: 'message', limit: 0 } },
      { token },
    );
    expect((many.body['m'] as unknown[]).length).toBe(2);
    expect(many.body['more']).toBe(false);
  });
});
