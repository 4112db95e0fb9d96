import { describe, expect, it } from 'vitest';

import {
  estimateMailbox,
  estimateProject,
  graphCost,
  type MailboxLimits,
  JSON_BYTES_PER_MIME_BYTE,
  MICROSOFT_MAILBOX_LIMITS,
  type MailboxWork,
} from './duration-estimate.ts';

const MiB = 1024 * 1024;

function work(overrides: Partial<MailboxWork> = {}): MailboxWork {
  return {
    mailbox: 'a@example.com',
    messages: 0,
    messageBytes: 0,
    largeMessageBytes: [],
    contacts: 0,
    events: 0,
    tasks: 0,
    folders: 0,
    ...overrides,
  };
}

describe('graphCost', () => {
  it('counts one create per message, PIM items by kind, folders and the mailbox check', () => {
    const cost = graphCost(
      work({ messages: 100, messageBytes: 100_000, contacts: 10, events: 5, tasks: 3, folders: 4 }),
      null,
    );
    // 100 messages + 10 contacts + 5 × 2 events + 3 tasks + 4 × 2 folders + 2 for the mailbox
    expect(cost.requests).toBe(100 + 10 + 10 + 3 + 8 + 2);
    expect(cost.uploadBytes).toBe(100_000 * JSON_BYTES_PER_MIME_BYTE + 18 * 2_000);
  });

  it('sends a large message through an upload session: create, session, one PUT per 3 MiB of decoded bytes', () => {
    const size = 20 * MiB; // base64 in MIME: 15 MiB decoded → 5 ranges
    const cost = graphCost(
      work({ messages: 3, messageBytes: size + 2 * 1000, largeMessageBytes: [size] }),
      null,
    );
    expect(cost.requests).toBe(2 + (2 + 5) + 2);
    expect(cost.uploadBytes).toBe(2000 * JSON_BYTES_PER_MIME_BYTE + 15 * MiB);
  });
});

describe('estimateMailbox', () => {
  it('is bound by the upload window for mailboxes of ordinary mail', () => {
    // 1,000 MiB of MIME is 880 MiB of JSON: six windows of 150 MiB, the last starting after 25 minutes.
    const estimate = estimateMailbox(
      work({ messages: 9_000, messageBytes: 1000 * MiB }),
      MICROSOFT_MAILBOX_LIMITS,
      null,
    );
    expect(estimate.binding).toBe('upload');
    expect(estimate.durationMs).toBe(25 * 60_000);
  });

  it('sends each window’s budget at the pace of 4 concurrent requests, then waits for the window', () => {
    // 300 MiB of JSON at 1 s per request: 4 requests (4 MiB) per second, above 0.5 MiB/s.
    const estimate = estimateMailbox(
      work({ messages: 300, messageBytes: (300 * MiB) / JSON_BYTES_PER_MIME_BYTE }),
      MICROSOFT_MAILBOX_LIMITS,
      { baseMs: 1_000, perMiBMs: 0 },
    );
    // 302 requests (the mailbox's two reads too) take 75.5 s unthrottled: the first 150 MiB go in
    // the first window, which frees at 5 minutes; the last 150 MiB take half of 75.5 s more.
    expect(estimate.binding).toBe('upload');
    expect(estimate.durationMs).toBe(5 * 60_000 + 37_750);
  });

  it('is bound by the request window for many small items', () => {
    const estimate = estimateMailbox(
      work({ messages: 29_998, messageBytes: 29_998 * 1_000 }),
      MICROSOFT_MAILBOX_LIMITS,
      null,
    );
    // 30,000 requests: 10,000 at once, then 10,000 per 10 minutes → 20 minutes.
    expect(estimate.binding).toBe('requests');
    expect(estimate.durationMs).toBe(20 * 60_000);
  });

  it('is bound by 4 concurrent requests at their service time when the windows never fill', () => {
    const estimate = estimateMailbox(
      work({ messages: 398, messageBytes: 398 * 1_000 }),
      MICROSOFT_MAILBOX_LIMITS,
      {
        baseMs: 200,
        perMiBMs: 0,
      },
    );
    expect(estimate.binding).toBe('concurrency');
    expect(estimate.durationMs).toBe((400 * 200) / 4);
  });

  it('scales with compressed limits the way the benchmark does: same rates, smaller first burst', () => {
    const compressed: MailboxLimits = {
      ...MICROSOFT_MAILBOX_LIMITS,
      maxRequests: 2_000,
      requestWindowMs: 120_000,
      maxUploadBytes: 30 * MiB,
      uploadWindowMs: 60_000,
    };
    const mailbox = work({ messages: 2_000, messageBytes: 90 * MiB });
    expect(estimateMailbox(mailbox, compressed, null).durationMs).toBe(120_000);
    expect(estimateMailbox(mailbox, MICROSOFT_MAILBOX_LIMITS, null).durationMs).toBe(0);
  });
});

describe('estimateProject', () => {
  // Upload-bound: 12 full windows of 5 minutes an hour, the last one at once.
  const hour = (name: string, hours: number) =>
    work({
      mailbox: name,
      messages: 100,
      messageBytes: (150 * MiB * (1 + hours * 12)) / JSON_BYTES_PER_MIME_BYTE,
    });

  it('runs the largest mailboxes first, each next one on the first slot that frees', () => {
    const mailboxes = [hour('a', 1), hour('b', 3), hour('c', 2), hour('d', 1)];
    const estimate = estimateProject(
      mailboxes,
      { maxConcurrentMigrations: 2, workers: 1, mailboxesPerWorker: 100 },
      MICROSOFT_MAILBOX_LIMITS,
      null,
    );
    // Slot 1: b (3 h); slot 2: c (2 h) then a (1 h) → 3 h; d goes to whichever frees first → 4 h.
    expect(estimate.slots).toBe(2);
    expect(estimate.durationMs).toBe(4 * 3_600_000);
  });

  it('takes the workers’ capacity when it is below the project’s maximum', () => {
    const mailboxes = [hour('a', 1), hour('b', 1), hour('c', 1)];
    const capacity = { maxConcurrentMigrations: 10, workers: 1, mailboxesPerWorker: 1 };
    expect(estimateProject(mailboxes, capacity, MICROSOFT_MAILBOX_LIMITS, null).durationMs).toBe(
      3 * 3_600_000,
    );
    expect(
      estimateProject(mailboxes, { ...capacity, workers: 3 }, MICROSOFT_MAILBOX_LIMITS, null).durationMs,
    ).toBe(3_600_000);
  });

  it('is zero for no mailboxes', () => {
    const estimate = estimateProject([], { maxConcurrentMigrations: 5, workers: 1, mailboxesPerWorker: 100 });
    expect(estimate.durationMs).toBe(0);
  });
});
