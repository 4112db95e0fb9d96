/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- assertions reach into parsed JSON */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness, type Json } from './test-client.ts';

let h: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.emulator.close();
  h = undefined;
});

const U = '/users/alice@contoso.com';
const inbox = (id: string, user = U) => ({ id, method: 'GET', url: `${user}/mailFolders/inbox` });
const stats = async (harness: Harness) =>
  ((await (await fetch(`${harness.emulator.graphUrl}/_emulator/stats`)).json()) as Json).mailboxes;

describe('$batch', () => {
  it('takes at most 20 requests, answers 424 for failed dependencies and 200 outside', async () => {
    h = await startHarness({ limits: 'off' });
    const tooMany = await h.call('POST', '/v1.0/$batch', {
      requests: Array.from({ length: 21 }, (_, i) => inbox(String(i))),
    });
    expect(tooMany.status).toBe(400);
    const folder = {
      method: 'POST',
      url: `${U}/mailFolders/inbox/childFolders`,
      headers: { 'Content-Type': 'application/json' },
      body: { displayName: 'B' },
    };
    const batch = await h.call('POST', '/v1.0/$batch', {
      requests: [
        { id: '1', ...folder },
        { id: '2', dependsOn: ['1'], ...folder },
        { dependsOn: ['2'], ...inbox('3') },
      ],
    });
    expect(batch.status).toBe(200);
    const byId = Object.fromEntries(batch.json.responses.map((r: { id: string }) => [r.id, r]));
    expect([byId['1'].status, byId['2'].status, byId['3'].status]).toEqual([201, 409, 424]);
    expect(byId['2'].body.error.code).toBe('ErrorFolderExists');
  });
});

describe('throttling per (app, mailbox)', () => {
  it('allows exactly 10,000 requests per scaled window, counting batch inner requests, then 429 with Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    h = await startHarness({ limits: { scaled: 60 } });
    const harness = h;
    const full = Array.from({ length: 20 }, (_, i) => inbox(String(i)));
    let succeeded = 0;
    for (let i = 0; i < 500; i += 1) {
      const reply = await harness.call('POST', '/v1.0/$batch', { requests: full });
      succeeded += reply.json.responses.filter((r: { status: number }) => r.status === 200).length;
    }
    expect(succeeded).toBe(10_000);
    const mixed = await harness.call('POST', '/v1.0/$batch', {
      requests: [inbox('a'), inbox('b', '/users/carol@contoso.com')],
    });
    const [alice, carol] = mixed.json.responses;
    expect(alice.status).toBe(429);
    expect(alice.body.error.code).toBe('ApplicationThrottled');
    expect(alice.headers['Retry-After']).toBe('10');
    expect(carol.status).toBe(200);
    const single = await harness.call('GET', `/v1.0${U}/mailFolders/inbox`);
    expect(single.status).toBe(429);
    expect(Number(single.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    vi.setSystemTime(new Date('2026-01-01T00:00:10.001Z'));
    expect((await harness.call('GET', `/v1.0${U}/mailFolders/inbox`)).status).toBe(200);
    const counted = (await stats(harness))['alice@contoso.com'];
    expect(counted).toMatchObject({ requests: 10_003, throttled429: 2 });
  });

  it('answers the fifth concurrent request with 429 MailboxConcurrency', async () => {
    h = await startHarness({ faults: 'slow=1:300~/mailFolders/inbox$' });
    const harness = h;
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => harness.call('GET', `/v1.0${U}/mailFolders/inbox`)),
    );
    const throttled = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(4);
    expect(throttled).toHaveLength(2);
    expect(throttled[0]?.json.error.message).toBe('Application is over its MailboxConcurrency limit.');
    expect(throttled[0]?.headers.get('retry-after')).toMatch(/^\d+(\.\d+)?$/);
    expect((await stats(harness))['alice@contoso.com'].maxConcurrency).toBe(4);
  });
});

describe('faults', () => {
  it('injects 503 with Retry-After, resets mid-body and revokes tokens on schedule', async () => {
    h = await startHarness({
      faults: 'seed=3,503=@1~/inbox$,reset=@2~/inbox$,revoke=@3~/inbox$',
      limits: 'off',
    });
    const path = `/v1.0${U}/mailFolders/inbox`;
    const unavailable = await h.call('GET', path);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('2');
    expect(unavailable.json.error).toMatchObject({ code: 'serviceNotAvailable' });
    await expect(h.call('GET', path)).rejects.toThrow();
    const revoked = await h.call('GET', path);
    expect(revoked.status).toBe(401);
    expect(revoked.json.error.code).toBe('InvalidAuthenticationToken');
  });
});
