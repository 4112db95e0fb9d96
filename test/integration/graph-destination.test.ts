import { createHash, randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Destination } from '../../src/domain/destination.ts';
import { BugError, UserError } from '../../src/domain/errors.ts';
import {
  FERRY_PROPERTY_SET_GUID,
  type GraphMessageDraft,
  type LargeAttachment,
} from '../../src/domain/mail.ts';
import { Secret } from '../../src/domain/secret.ts';
import type { SystemFolderRole } from '../../src/domain/source.ts';
import { startM365Emulator, type RunningM365Emulator } from '../../src/emulators/m365/server.ts';
import { createGraphDestination } from '../../src/graph/graph-destination.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { createTokenProvider } from '../../src/graph/token-provider.ts';
import { createGraphTransport, type GraphTransport } from '../../src/graph/transport.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';

const TENANT = '33333333-3333-4333-8333-333333333333';
const CLIENT = '44444444-4444-4444-8444-444444444444';
const NO_MAIL_CLIENT = '55555555-5555-4555-8555-555555555555';
const UPN = 'alice@contoso.com';
const SMALL = 'small@contoso.com';
const STAMP_ID = `String {${FERRY_PROPERTY_SET_GUID}} Name FerrySourceId`;

interface StoredMessage {
  isDraft: boolean;
  isRead: boolean;
  receivedDateTime: string;
  singleValueExtendedProperties: { id: string; value: string }[];
  attachments: Record<string, unknown>[];
}

interface Dump {
  mailFolders: { path: string; messages: StoredMessage[] }[];
  masterCategories: { displayName: string; color: string }[];
}

let emulator: RunningM365Emulator;
let transport: GraphTransport;
let destination: Destination;
const sent: { method: string; url: string; headers: Record<string, string> }[] = [];

function newTransport(clientId = CLIENT): GraphTransport {
  return createGraphTransport({
    graphUrl: emulator.graphUrl,
    getToken: createTokenProvider(
      {
        authorityUrl: emulator.authorityUrl,
        tenantId: TENANT,
        clientId,
        credential: new Secret('app-secret'),
        scope: 'https://graph.microsoft.com/.default',
      },
      { fetch: loopbackOutbound().fetch },
    ),
    limits: MICROSOFT_LIMITS,
    fetch: (input, init) => {
      const headers = { ...(init?.headers as Record<string, string>) };
      sent.push({ method: init?.method ?? 'GET', url: input as string, headers });
      return loopbackOutbound().fetch(input, init);
    },
  });
}

const newDestination = (t = newTransport()) =>
  createGraphDestination({ transport: t, stampPropertyId: STAMP_ID });

async function dump(upn = UPN): Promise<Dump> {
  const response = await fetch(`${emulator.graphUrl}/_emulator/mailboxes/${encodeURIComponent(upn)}`);
  return (await response.json()) as Dump;
}

async function wellKnownId(name: string): Promise<string> {
  const path = `/v1.0/users/${UPN}/mailFolders/${name}`;
  return (await transport.request<{ id: string }>({ method: 'GET', path, mailbox: UPN })).body.id;
}

/** The dump shows regular ids while Ferry asks for immutable ones, so messages are found by their stamp. */
async function storedMessage(path: string, stamp: string, upn = UPN) {
  const folder = (await dump(upn)).mailFolders.find((f) => f.path === path);
  return folder?.messages.find((m) =>
    m.singleValueExtendedProperties.some((p) => p.id === STAMP_ID && p.value === stamp),
  );
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const rejection = (promise: Promise<unknown>) => promise.catch((e: unknown) => e);
const ensure = (path: string[], role?: SystemFolderRole, upn = UPN, target = destination) =>
  target.mailbox(upn).ensureMailFolder({ path, role });
const file = (name: string, bytes: Uint8Array, more: Partial<LargeAttachment> = {}): LargeAttachment => ({
  name,
  contentType: 'application/octet-stream',
  size: bytes.length,
  isInline: false,
  bytes,
  ...more,
});

function draft(stamp: string, body = '<p>Hello</p>'): GraphMessageDraft {
  return {
    subject: 'Q3 figures',
    body: { contentType: 'html', content: body },
    toRecipients: [{ emailAddress: { address: UPN } }],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    importance: 'normal',
    isRead: true,
    categories: [],
    flag: { flagStatus: 'notFlagged' },
    singleValueExtendedProperties: [
      { id: 'Integer 0x0E07', value: '1' },
      { id: 'SystemTime 0x0E06', value: '2024-05-15T12:00:00Z' },
      { id: STAMP_ID, value: stamp },
    ],
    attachments: [],
  };
}

beforeAll(async () => {
  emulator = await startM365Emulator({
    config: {
      tenants: [
        {
          id: TENANT,
          domains: ['contoso.com'],
          apps: [
            {
              clientId: CLIENT,
              secret: 'app-secret',
              permissions: ['Mail.ReadWrite', 'User.Read.All', 'MailboxSettings.ReadWrite'],
            },
            { clientId: NO_MAIL_CLIENT, secret: 'app-secret', permissions: ['User.Read.All'] },
          ],
          users: [
            { userPrincipalName: UPN, mailbox: true },
            { userPrincipalName: 'nobox@contoso.com', mailbox: false },
            { userPrincipalName: SMALL, mailbox: true, maxMessageSizeMB: 1 },
          ],
        },
      ],
    },
  });
  transport = newTransport();
  destination = newDestination(transport);
});

afterAll(() => emulator.close());

describe('Graph destination: mailbox checks', () => {
  it('describes the mailbox when it exists', async () => {
    const info = await destination.mailbox(UPN).verify();
    expect(info).toMatchObject({ userPrincipalName: UPN, displayName: 'alice' });
    expect(info.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['ghost@contoso.com', CLIENT, 'DESTINATION_USER_NOT_FOUND', /no user ghost@contoso\.com/],
    ['nobox@contoso.com', CLIENT, 'DESTINATION_MAILBOX_NOT_ENABLED', /no Exchange Online mailbox.*licence/],
    [UPN, NO_MAIL_CLIENT, 'DESTINATION_MAILBOX_ACCESS_DENIED', /Mail\.ReadWrite.*application access policy/],
  ])('tells the admin what to fix for %s (%s)', async (upn, clientId, code, message) => {
    const error = await rejection(newDestination(newTransport(clientId)).mailbox(upn).verify());
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });
});

describe('Graph destination: mail folders', () => {
  it('maps Zimbra system folders to the well-known folders', async () => {
    expect(await ensure(['Inbox'], 'inbox')).toBe(await wellKnownId('inbox'));
    expect(await ensure(['Sent'], 'sent')).toBe(await wellKnownId('sentitems'));
    expect(await ensure(['Trash'], 'trash')).toBe(await wellKnownId('deleteditems'));
    const paths = (await dump()).mailFolders.map((f) => f.path);
    expect(paths).toContain('Sent Items');
    expect(paths).not.toContain('Sent');
    expect(paths).not.toContain('Trash');
  });

  it('creates a hierarchy once, however often and concurrently it is ensured', async () => {
    const path = ['Inbox', 'Projects', '2024'];
    const ids = await Promise.all([
      ...Array.from({ length: 4 }, () => ensure(path)),
      // Other workers with their own caches: found by name, or created once and reused after a 409.
      ensure(path, undefined, UPN, newDestination()),
      ensure(path, undefined, UPN, newDestination()),
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(await ensure(path)).toBe(ids[0]);
    const top = await ensure(["Bob's stuff", 'Old']);
    expect(await ensure(["Bob's stuff", 'Old'], undefined, UPN, newDestination())).toBe(top);
    const paths = (await dump()).mailFolders.map((f) => f.path);
    for (const path of ['Inbox/Projects', 'Inbox/Projects/2024', "Bob's stuff", "Bob's stuff/Old"]) {
      expect(paths.filter((p) => p === path)).toHaveLength(1);
    }
    expect(paths.filter((p) => p.toLowerCase() === 'inbox')).toHaveLength(1);
  });

  it('puts a child under the well-known folder even when it is ensured before its parent', async () => {
    sent.length = 0;
    const id = await ensure(['Deleted Items', 'Old'], undefined, UPN, newDestination());
    expect(sent.some((r) => r.url.includes('msgfolderroot'))).toBe(false);
    expect(await ensure(['Trash', 'Old'])).toBe(id);
    expect((await dump()).mailFolders.map((f) => f.path)).toContain('Deleted Items/Old');
  });

  it('refuses folders that hold no mail', async () => {
    expect(await rejection(ensure(['Contacts'], 'contacts'))).toBeInstanceOf(BugError);
  });
});

describe('Graph destination: messages', () => {
  it('creates a non-draft message with its properties and finds it by its stamp', async () => {
    const mailbox = destination.mailbox(UPN);
    const folderId = await ensure(['Inbox', 'Projects']);
    const id = await mailbox.createMessage(folderId, draft("acct1:5021/it's"), []);
    const stored = await storedMessage('Inbox/Projects', "acct1:5021/it's");
    expect(stored).toMatchObject({ isDraft: false, isRead: true, receivedDateTime: '2024-05-15T12:00:00Z' });
    expect(stored?.singleValueExtendedProperties).toContainEqual({ id: STAMP_ID, value: "acct1:5021/it's" });
    expect(await mailbox.findMessageByStamp(folderId, "acct1:5021/it's")).toBe(id);
    expect(await mailbox.findMessageByStamp(folderId, 'acct1:5022')).toBeUndefined();
    expect(await mailbox.findMessageByStamp(await wellKnownId('inbox'), "acct1:5021/it's")).toBeUndefined();
  });

  it('adds large attachments: an upload session from 3 MB on, a plain POST below', async () => {
    const mailbox = destination.mailbox(UPN);
    const folderId = await ensure(['Inbox'], 'inbox');
    // A view into a larger buffer, as the converter hands over slices of the MIME.
    const big = randomBytes(5 * 1024 * 1024 + 100).subarray(7, 7 + 5 * 1024 * 1024);
    const small = randomBytes(100 * 1024);
    const before = mailbox.usage().uploadBytes;
    sent.length = 0;
    const id = await mailbox.createMessage(folderId, draft('acct1:6000'), [
      file('big.bin', big),
      file('logo.png', small, { contentType: 'image/png', isInline: true, contentId: 'logo@01D2' }),
    ]);
    expect(await mailbox.findMessageByStamp(folderId, 'acct1:6000')).toBe(id);
    const stored = await storedMessage('Inbox', 'acct1:6000');
    expect(stored?.attachments).toEqual([
      expect.objectContaining({ name: 'big.bin', size: big.length, sha256: sha256(big), isInline: false }),
      expect.objectContaining({
        name: 'logo.png',
        size: small.length,
        sha256: sha256(small),
        isInline: true,
        contentId: 'logo@01D2',
      }),
    ]);
    const puts = sent.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.headers['content-range'])).toEqual([
      `bytes 0-${3 * 1024 * 1024 - 1}/${big.length}`,
      `bytes ${3 * 1024 * 1024}-${big.length - 1}/${big.length}`,
    ]);
    expect(puts.every((r) => r.headers.authorization === undefined && r.url.includes('authtoken='))).toBe(
      true,
    );
    expect(mailbox.usage().uploadBytes - before).toBeGreaterThan(big.length + small.length);
  });

  it('removes a half-built message and says the message is too large for the mailbox', async () => {
    const mailbox = destination.mailbox(SMALL);
    const folderId = await ensure(['Inbox'], 'inbox', SMALL);
    const bytes = randomBytes(2 * 1024 * 1024);
    const error = await rejection(mailbox.createMessage(folderId, draft('acct2:1'), [file('a.bin', bytes)]));
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'MESSAGE_TOO_LARGE', message: expect.stringMatching(/2\.0 MB.*35/) });
    expect(await mailbox.findMessageByStamp(folderId, 'acct2:1')).toBeUndefined();
    expect((await dump(SMALL)).mailFolders.flatMap((f) => f.messages)).toHaveLength(0);

    const body = 'x'.repeat(1_500_000);
    const tooBig = await rejection(mailbox.createMessage(folderId, draft('acct2:2', body), []));
    expect(tooBig).toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
  });
});

describe('Graph destination: categories', () => {
  it('creates missing master categories once', async () => {
    const mailbox = destination.mailbox(UPN);
    const wanted = [
      { name: 'Zimbra/Work', color: 'preset4' },
      { name: 'Personal', color: 'preset0' },
    ];
    await mailbox.ensureCategories(wanted);
    await mailbox.ensureCategories(wanted);
    await newDestination().mailbox(UPN).ensureCategories(wanted);
    // Created behind this mailbox's back after it read the list: the 409 is taken as "exists".
    await transport.request({
      method: 'POST',
      path: `/v1.0/users/${UPN}/outlook/masterCategories`,
      mailbox: UPN,
      json: { displayName: 'Late', color: 'preset7' },
    });
    await mailbox.ensureCategories([{ name: 'Late', color: 'preset7' }]);
    expect((await dump()).masterCategories).toEqual([
      { displayName: 'Zimbra/Work', color: 'preset4' },
      { displayName: 'Personal', color: 'preset0' },
      { displayName: 'Late', color: 'preset7' },
    ]);
  });
});
