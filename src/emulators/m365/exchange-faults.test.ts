/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- assertions reach into parsed JSON */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { M365EmulatorConfig } from './config.ts';
import { startHarness, TEST_CONFIG, type Harness, type Json } from './test-client.ts';

let h: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.emulator.close();
  h = undefined;
});

const U = '/v1.0/users/alice@contoso.com';
const UPN = 'alice@contoso.com';
const EVENT = {
  subject: 'Standup',
  start: { dateTime: '2026-03-02T09:00:00', timeZone: 'UTC' },
  end: { dateTime: '2026-03-02T09:15:00', timeZone: 'UTC' },
};

async function inbox(harness: Harness): Promise<string[]> {
  const dump = await harness.dump(UPN);
  return dump.mailFolders
    .find((f: { path: string }) => f.path === 'Inbox')
    .messages.map((m: { subject: string }) => m.subject);
}

async function events(harness: Harness): Promise<Json[]> {
  const dump = await harness.dump(UPN);
  return dump.calendars.find((c: { name: string }) => c.name === 'Calendar').events;
}

describe('committed, then failed', () => {
  it('creates the item and then answers 504, 503 with or without Retry-After, or drops the connection', async () => {
    const harness = await startHarness({
      faults:
        'commit-504=@1~/messages$,commit-503=@2~/messages$,commit-503=@3:0~/messages$,commit-drop=@4~/messages$',
    });
    h = harness;
    const post = (subject: string) => harness.call('POST', `${U}/mailFolders/inbox/messages`, { subject });
    const timedOut = await post('one');
    expect(timedOut.status).toBe(504);
    expect(timedOut.json.error.code).toBe('UnknownError');
    const unavailable = await post('two');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('2');
    const bare = await post('three');
    expect(bare.status).toBe(503);
    expect(bare.headers.get('retry-after')).toBeNull();
    await expect(post('four')).rejects.toThrow();
    expect(await post('five')).toMatchObject({ status: 201 });
    expect(await inbox(h)).toEqual(['one', 'two', 'three', 'four', 'five']);
  });
});

describe("Exchange's refusals", () => {
  it('answers 503 ErrorServerBusy and 503 without Retry-After, and 500 ErrorMailboxStoreUnavailable, creating nothing', async () => {
    const harness = await startHarness({
      faults: 'busy=@1~/messages$,busy=@2:5~/messages$,503=@3:0~/messages$,storeunavailable=@4~/messages$',
    });
    h = harness;
    const post = () => harness.call('POST', `${U}/mailFolders/inbox/messages`, { subject: 'x' });
    const busy = await post();
    expect(busy.status).toBe(503);
    expect(busy.json.error.code).toBe('ErrorServerBusy');
    expect(busy.headers.get('retry-after')).toBeNull();
    const busyFor = await post();
    expect(busyFor.json.error.code).toBe('ErrorServerBusy');
    expect(busyFor.headers.get('retry-after')).toBe('5');
    const bare = await post();
    expect(bare.status).toBe(503);
    expect(bare.json.error.code).toBe('serviceNotAvailable');
    expect(bare.headers.get('retry-after')).toBeNull();
    const store = await post();
    expect(store.status).toBe(500);
    expect(store.json.error.code).toBe('ErrorMailboxStoreUnavailable');
    expect(await inbox(h)).toEqual([]);
  });
});

describe('attachment upload sessions', () => {
  async function session(harness: Harness, size: number): Promise<string> {
    const message = await harness.call('POST', `${U}/mailFolders/inbox/messages`, { subject: 'att' });
    const created = await harness.call(
      'POST',
      `${U}/messages/${message.json.id as string}/attachments/createUploadSession`,
      { AttachmentItem: { attachmentType: 'file', name: 'big.bin', size } },
    );
    return created.json.uploadUrl as string;
  }

  const put = (
    url: string,
    bytes: Buffer,
    start: number,
    end: number,
    headers: Record<string, string> = {},
  ) =>
    fetch(url, {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
        ...headers,
      },
      body: bytes.subarray(start, end + 1),
    });

  it('expires mid-file: that PUT and every later one get 404', async () => {
    h = await startHarness({ faults: 'expire=@2~AttachmentSessions' });
    const bytes = Buffer.alloc(300_000, 1);
    const url = await session(h, bytes.length);
    expect((await put(url, bytes, 0, 99_999)).status).toBe(200);
    const expired = await put(url, bytes, 100_000, 199_999);
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as Json).error.code).toBe('ErrorItemNotFound');
    expect((await put(url, bytes, 100_000, 199_999)).status).toBe(404);
  });

  it('refuses a PUT that carries an Authorization header with 401, leaving the session usable', async () => {
    h = await startHarness();
    const bytes = Buffer.alloc(200_000, 2);
    const url = await session(h, bytes.length);
    const withToken = await put(url, bytes, 0, 99_999, { Authorization: `Bearer ${h.token}` });
    expect(withToken.status).toBe(401);
    expect(((await withToken.json()) as Json).error.code).toBe('InvalidAudienceForResource');
    expect((await put(url, bytes, 0, 99_999)).status).toBe(200);
  });

  it('answers a repeated range with 416 and where the session stands', async () => {
    h = await startHarness();
    const bytes = Buffer.alloc(300_000, 3);
    const url = await session(h, bytes.length);
    expect((await put(url, bytes, 0, 99_999)).status).toBe(200);
    const repeated = await put(url, bytes, 0, 99_999);
    expect(repeated.status).toBe(416);
    const body = (await repeated.json()) as Json;
    expect(body.nextExpectedRanges).toEqual(['100000']);
    expect(body.error).toMatchObject({ code: 'invalidRange', innerError: { code: 'fragmentOverlap' } });
    const gap = await put(url, bytes, 200_000, 299_999);
    expect(gap.status).toBe(416);
    expect(((await gap.json()) as Json).error.innerError.code).toBe('fragmentOutOfOrder');
    expect((await put(url, bytes, 100_000, 299_999)).status).toBe(201);
  });
});

describe('mailbox quota', () => {
  it('refuses creates with ErrorQuotaExceeded once the configured quota is used', async () => {
    const tenant = TEST_CONFIG.tenants[0];
    if (tenant === undefined) throw new Error('TEST_CONFIG has a tenant');
    const config: M365EmulatorConfig = {
      tenants: [
        {
          ...tenant,
          users: (tenant.users ?? []).map((u) =>
            u.userPrincipalName === UPN ? { ...u, maxMessageSizeMB: 35, mailboxQuotaMB: 1 } : u,
          ),
        },
      ],
    };
    const harness = await startHarness({ config });
    h = harness;
    const content = 'q'.repeat(300_000);
    const post = (subject: string) =>
      harness.call('POST', `${U}/mailFolders/inbox/messages`, {
        subject,
        body: { contentType: 'text', content },
      });
    expect([(await post('1')).status, (await post('2')).status, (await post('3')).status]).toEqual([
      201, 201, 201,
    ]);
    const full = await post('4');
    expect(full.status).toBe(400);
    expect(full.json.error).toMatchObject({
      code: 'ErrorQuotaExceeded',
      message: 'Mailbox has exceeded maximum mailbox size.',
    });
    expect((await h.call('GET', `${U}/mailFolders/inbox`)).status).toBe(200);
    expect(await inbox(h)).toEqual(['1', '2', '3']);
  });
});

describe('event transactionId window', () => {
  it('0 never de-duplicates', async () => {
    h = await startHarness({ transactionIdWindowMs: 0 });
    const first = await h.call('POST', `${U}/events`, { ...EVENT, transactionId: 'tx-0' });
    const again = await h.call('POST', `${U}/events`, { ...EVENT, transactionId: 'tx-0' });
    expect(again.json.id).not.toBe(first.json.id);
    expect(await events(h)).toHaveLength(2);
  });

  it('a finite window returns the first event within it and creates a new one after it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T00:00:00Z'));
    h = await startHarness({ transactionIdWindowMs: 5 * 60_000 });
    const first = await h.call('POST', `${U}/events`, { ...EVENT, transactionId: 'tx-5' });
    vi.setSystemTime(new Date('2026-03-01T00:05:00Z'));
    expect((await h.call('POST', `${U}/events`, { ...EVENT, transactionId: 'tx-5' })).json.id).toBe(
      first.json.id,
    );
    vi.setSystemTime(new Date('2026-03-01T00:05:00.001Z'));
    const later = await h.call('POST', `${U}/events`, { ...EVENT, transactionId: 'tx-5' });
    expect(later.status).toBe(201);
    expect(later.json.id).not.toBe(first.json.id);
  });
});
