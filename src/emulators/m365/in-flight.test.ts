import { request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLatency } from './latency.ts';
import { startHarness, type Harness, type Json } from './test-client.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.emulator.close();
  h = undefined;
});

const U = '/v1.0/users/alice@contoso.com';
const UPN = 'alice@contoso.com';

async function stats(harness: Harness): Promise<Json> {
  return (await fetch(`${harness.emulator.graphUrl}/_emulator/stats`)).json();
}

/** A POST whose headers and first half of body are sent; `finish` sends the rest and reads the answer. */
function halfSentPost(harness: Harness, path: string, body: Buffer): () => Promise<number> {
  const req = request(new URL(`${harness.emulator.graphUrl}${path}`), {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${harness.token}`,
      'Content-Type': 'application/json',
      'Content-Length': body.length,
    },
  });
  const answer = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, body.length / 2));
  return () => {
    req.end(body.subarray(body.length / 2));
    return answer;
  };
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i += 1) await delay(10);
}

const message = (size: number): Buffer =>
  Buffer.from(JSON.stringify({ subject: 'big', body: { contentType: 'text', content: 'x'.repeat(size) } }));

describe('requests in flight per (app, mailbox)', () => {
  it('counts a request from its arrival, before its body is read, until its answer is written', async () => {
    h = await startHarness();
    const harness = h;
    const body = message(600_000);
    const uploads = Array.from({ length: 4 }, () =>
      halfSentPost(harness, `${U}/mailFolders/inbox/messages`, body),
    );
    await until(async () => (await stats(harness)).mailboxes[UPN]?.inFlight === 4);
    expect((await stats(harness)).mailboxes[UPN].inFlight).toBe(4);

    const fifth = await harness.call('POST', `${U}/mailFolders/inbox/messages`, { subject: 'fifth' });
    expect(fifth.status).toBe(429);
    expect(fifth.json.error).toMatchObject({
      code: 'ApplicationThrottled',
      message: 'Application is over its MailboxConcurrency limit.',
    });
    expect(fifth.headers.get('retry-after')).toMatch(/^\d+(\.\d+)?$/);

    expect(await Promise.all(uploads.map((finish) => finish()))).toEqual([201, 201, 201, 201]);
    await until(async () => (await stats(harness)).mailboxes[UPN].inFlight === 0);
    expect((await stats(harness)).mailboxes[UPN]).toMatchObject({
      inFlight: 0,
      maxConcurrency: 4,
      throttledBy: { concurrency: 1 },
      bytesUploaded: 4 * body.length,
    });
  });

  it('holds the slot for the latency: 24 concurrent large creates draw 429s and never run more than 4', async () => {
    h = await startHarness({ latency: parseLatency('message=1000,jitter=0') });
    const harness = h;
    const body = message(600_000).toString('utf8');
    const replies = await Promise.all(
      Array.from({ length: 24 }, () =>
        fetch(`${harness.emulator.graphUrl}${U}/mailFolders/inbox/messages`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${harness.token}`, 'Content-Type': 'application/json' },
          body,
        }).then((r) => r.status),
      ),
    );
    expect(replies.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(replies.filter((s) => s === 201).length).toBeGreaterThanOrEqual(4);
    const counted = (await stats(harness)).mailboxes[UPN];
    expect(counted.maxConcurrency).toBe(4);
    expect(counted.latencyMs).toBe(1000 * replies.filter((s) => s === 201).length);
  });

  it('shows the latency model in the stats, and none by default', async () => {
    h = await startHarness();
    await h.call('GET', `${U}/mailFolders/inbox`);
    expect(await stats(h)).toMatchObject({ latency: 'off', mailboxes: { [UPN]: { latencyMs: 0 } } });
    await h.emulator.close();
    h = await startHarness({ latency: parseLatency('get=5,jitter=0,seed=3') });
    await h.call('GET', `${U}/mailFolders/inbox`);
    const shown = await stats(h);
    expect(shown.latency).toMatchObject({ jitter: 0, seed: 3, rules: { get: { baseMs: 5, perMiBMs: 0 } } });
    expect(shown.mailboxes[UPN].latencyMs).toBe(5);
  });
});
