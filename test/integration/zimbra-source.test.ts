import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MailboxError } from '../../src/domain/errors.ts';
import { Secret } from '../../src/domain/secret.ts';
import { startZimbraEmulator, type ZimbraEmulator } from '../../src/emulators/zimbra/server.ts';
import { createSessionFactory, type SourceCredentials } from '../../src/zimbra/session.ts';
import { createSoapTransport } from '../../src/zimbra/soap-transport.ts';
import { createZimbraSource } from '../../src/zimbra/zimbra-source.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';

const ALICE = 'alice@zimbra.test';
const TWO_FACTOR = 'bob@zimbra.test';
// Bare LF, CRLF, 8-bit bytes and no final newline: the bytes must come back exactly.
const awkward = Buffer.concat([
  Buffer.from('From: Carol <carol@zimbra.test>\r\nTo: alice@zimbra.test\nSubject: =?UTF-8?Q?Caf=C3=A9?=\r\n'),
  Buffer.from(
    'Date: Tue, 01 Oct 2024 10:00:00 +0000\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nCaf',
  ),
  Buffer.from([0xe9]),
  Buffer.from('\r\nlast line without newline'),
]);

let dataDir: string;
let emulator: ZimbraEmulator;

function write(relative: string, content: string | Buffer) {
  const file = path.join(dataDir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function message(n: number): string {
  return `From: sender${n}@zimbra.test\r\nTo: ${ALICE}\r\nSubject: Message ${n}\r\nDate: Mon, 0${(n % 9) + 1} Sep 2024 08:00:00 +0000\r\nMessage-ID: <m${n}@zimbra.test>\r\n\r\nBody ${n}\r\n`;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-zsrc-'));
  write('server.json', JSON.stringify({ admin: { name: 'admin@zimbra.test', password: 'admin-pass' } }));
  write(`accounts/${ALICE}/account.json`, JSON.stringify({ password: 'alice-pass', displayName: 'Alice' }));
  write(`accounts/${ALICE}/tags.json`, JSON.stringify([{ name: 'Work', color: 3 }]));
  for (let n = 1; n <= 12; n++) {
    write(`accounts/${ALICE}/mail/Inbox/m${String(n).padStart(2, '0')}.eml`, message(n));
  }
  write(`accounts/${ALICE}/mail/Inbox/m01.eml.json`, JSON.stringify({ flags: 'f', tags: ['Work'] }));
  write(`accounts/${ALICE}/mail/Projets/Équipe/awkward.eml`, awkward);
  write(`accounts/${TWO_FACTOR}/account.json`, JSON.stringify({ password: 'bob-pass', twoFactor: true }));
  write(`accounts/${TWO_FACTOR}/mail/Inbox/one.eml`, message(1));
  emulator = await startZimbraEmulator({ dataDir });
});

afterAll(async () => {
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function source(credentials: SourceCredentials) {
  const transport = createSoapTransport({
    url: emulator.url,
    adminUrl: emulator.adminUrl,
    fetch: loopbackOutbound().fetch,
  });
  return createZimbraSource(transport, createSessionFactory(transport, credentials));
}

const adminMode: SourceCredentials = {
  mode: 'admin',
  adminName: 'admin@zimbra.test',
  adminPassword: new Secret('admin-pass'),
};

describe('Zimbra source client against the emulated Zimbra', () => {
  it('lists the folder tree with system roles, nested non-ASCII paths and counts', async () => {
    const folders = await source(adminMode).listFolders(ALICE);
    const inbox = folders.find((f) => f.role === 'inbox');
    expect(inbox).toMatchObject({ id: '2', path: 'Inbox', view: 'message', itemCount: 12 });
    const team = folders.find((f) => f.path === 'Projets/Équipe');
    expect(team).toMatchObject({ name: 'Équipe', itemCount: 1, sizeBytes: awkward.length });
    expect(folders.find((f) => f.id === team?.parentId)?.path).toBe('Projets');
    expect(folders.some((f) => f.path === '')).toBe(false);
  });

  it('crawls a folder completely, oldest first, with tags and flags', async () => {
    const zimbra = source(adminMode);
    const page = await zimbra.listMessages(ALICE, '2', undefined);
    expect(page.items).toHaveLength(12);
    expect(page.next).toBeUndefined();
    const received = page.items.map((m) => m.receivedMs);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    const flagged = page.items.find((m) => m.subject === 'Message 1');
    expect(flagged).toMatchObject({ tags: ['Work'] });
    expect(flagged?.flags).toContain('f');
  });

  it('pages with the cursor without losing or repeating a message', async () => {
    const zimbra = source(adminMode);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await zimbra.listMessages(ALICE, '2', cursor, 5);
      seen.push(...page.items.map((m) => m.id));
      cursor = page.next;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(12);
  });

  it('returns raw messages byte for byte', async () => {
    const zimbra = source(adminMode);
    const folders = await zimbra.listFolders(ALICE);
    const team = folders.find((f) => f.path === 'Projets/Équipe')!;
    const [ref] = (await zimbra.listMessages(ALICE, team.id, undefined)).items;
    const raw = await zimbra.fetchRawMessage(ALICE, ref!);
    expect(Buffer.from(raw).equals(awkward)).toBe(true);
  });

  it('delegates once per mailbox and reuses the token for every later call', async () => {
    const urls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      urls.push(input instanceof Request ? input.url : input.toString());
      return loopbackOutbound().fetch(input, init);
    };
    const transport = createSoapTransport({
      url: emulator.url,
      adminUrl: emulator.adminUrl,
      fetch: counting,
    });
    const zimbra = createZimbraSource(transport, createSessionFactory(transport, adminMode));
    const page = await zimbra.listMessages(ALICE, '2', undefined);
    for (const message of page.items.slice(0, 5)) await zimbra.fetchRawMessage(ALICE, message);
    await zimbra.listFolders(ALICE);
    expect(urls.filter((u) => u.endsWith('/DelegateAuthRequest'))).toHaveLength(1);
    expect(urls.filter((u) => u.endsWith('/AuthRequest'))).toHaveLength(1);
  });

  it('renews a delegated token that expires before the lifetime Zimbra announced, without failing a read', async () => {
    // The account's token lifetime (zimbraAuthTokenLifetime) is below the 2 h Ferry asks for: Zimbra
    // still answers lifetime=7200000 (DelegateAuth.java), and the token dies after 1.5 s.
    const capped = await startZimbraEmulator({ dataDir, userTokenLifetimeMs: 1_500 });
    try {
      const urls: string[] = [];
      const counting: typeof fetch = (input, init) => {
        urls.push(input instanceof Request ? input.url : input.toString());
        return loopbackOutbound().fetch(input, init);
      };
      const transport = createSoapTransport({ url: capped.url, adminUrl: capped.adminUrl, fetch: counting });
      const zimbra = createZimbraSource(transport, createSessionFactory(transport, adminMode));
      const page = await zimbra.listMessages(ALICE, '2', undefined);
      await new Promise((r) => setTimeout(r, 1_600));
      const raws = await Promise.all(page.items.map((m) => zimbra.fetchRawMessage(ALICE, m)));
      expect(raws.every((raw) => raw.length > 0)).toBe(true);
      await new Promise((r) => setTimeout(r, 1_600));
      expect((await zimbra.listMessages(ALICE, '2', undefined)).items).toHaveLength(page.items.length);
      // One renewal when 12 reads in flight saw the token refused, then one on the learned schedule
      // (before the token died: no refusal), not one per read.
      expect(urls.filter((u) => u.endsWith('/DelegateAuthRequest')).length).toBeLessThanOrEqual(4);
      expect(urls.filter((u) => u.endsWith('/SearchRequest'))).toHaveLength(2);
    } finally {
      await capped.close();
    }
  });

  it('slows down when the DoSFilter refuses with 429 (newer Jetty) as with 503, failing nothing', async () => {
    const strict = await startZimbraEmulator({
      dataDir,
      dosFilterMaxRequestsPerSec: 5,
      dosFilterStatus: 429,
    });
    try {
      const statuses: number[] = [];
      const counting: typeof fetch = async (input, init) => {
        const response = await loopbackOutbound().fetch(input, init);
        statuses.push(response.status);
        return response;
      };
      // Faster than the filter allows, as a migration host in zimbraHttpThrottleSafeIPs would be.
      const transport = createSoapTransport({
        url: strict.url,
        adminUrl: strict.adminUrl,
        fetch: counting,
        maxRequestsPerSecond: 50,
      });
      const zimbra = createZimbraSource(transport, createSessionFactory(transport, adminMode));
      const pages = await Promise.all(
        Array.from({ length: 8 }, () => zimbra.listMessages(ALICE, '2', undefined)),
      );
      expect(pages.every((p) => p.items.length === 12)).toBe(true);
      expect(statuses).toContain(429);
    } finally {
      await strict.close();
    }
  });

  it('reads a two-factor account through admin delegation but not with its password', async () => {
    expect((await source(adminMode).listMessages(TWO_FACTOR, '2', undefined)).items).toHaveLength(1);
    const userMode = source({ mode: 'user', passwords: new Map([[TWO_FACTOR, new Secret('bob-pass')]]) });
    // An account-level refusal stops the mailbox (MailboxError), keeping Zimbra's code and words.
    const error = await userMode.listFolders(TWO_FACTOR).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailboxError);
    expect((error as MailboxError).code).toBe('account.TWO_FACTOR_AUTH_FAILED');
  });

  it('explains a wrong password without echoing it', async () => {
    const userMode = source({ mode: 'user', passwords: new Map([[ALICE, new Secret('not-her-password')]]) });
    const error = await userMode.listFolders(ALICE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailboxError);
    expect((error as MailboxError).code).toBe('account.AUTH_FAILED');
    expect((error as MailboxError).message).not.toContain('not-her-password');
  });
});
