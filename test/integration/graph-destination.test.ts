import { createHash, randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Destination } from '../../src/domain/destination.ts';
import { BugError, UserError } from '../../src/domain/errors.ts';
import { FERRY_PROPERTY_SET_GUID, type GraphMessageDraft } from '../../src/domain/mail.ts';
import { Secret } from '../../src/domain/secret.ts';
import { startM365Emulator, type RunningM365Emulator } from '../../src/emulators/m365/server.ts';
import { createGraphDestination } from '../../src/graph/graph-destination.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { createTokenProvider } from '../../src/graph/token-provider.ts';
import { createGraphTransport, type GraphTransport } from '../../src/graph/transport.ts';

const TENANT = '33333333-3333-4333-8333-333333333333';
const CLIENT = '44444444-4444-4444-8444-444444444444';
const NO_MAIL_CLIENT = '55555555-5555-4555-8555-555555555555';
const UPN = 'alice@contoso.com';
const SMALL = 'small@contoso.com';
const STAMP_ID = `String {${FERRY_PROPERTY_SET_GUID}} Name FerrySourceId`;

interface Dump {
  mailFolders: {
    path: string;
    messages: {
      id: string;
      isDraft: boolean;
      isRead: boolean;
      receivedDateTime: string;
      singleValueExtendedProperties: { id: string; value: string }[];
      attachments: {
        name: string;
        size: number;
        sha256: string;
        isInline: boolean;
        contentId: string | null;
      }[];
    }[];
  }[];
  masterCategories: { displayName: string; color: string }[];
}

let emulator: RunningM365Emulator;
let transport: GraphTransport;
let destination: Destination;
const sent: { method: string; url: string; headers: Record<string, string> }[] = [];

function newTransport(clientId = CLIENT): GraphTransport {
  return createGraphTransport({
    graphUrl: emulator.graphUrl,
    getToken: createTokenProvider({
      authorityUrl: emulator.authorityUrl,
      tenantId: TENANT,
      clientId,
      clientSecret: new Secret('app-secret'),
      scope: 'https://graph.microsoft.com/.default',
    }),
    limits: MICROSOFT_LIMITS,
    fetch: (input, init) => {
      sent.push({
        method: init?.method ?? 'GET',
        url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
        headers: { ...(init?.headers as Record<string, string> | undefined) },
      });
      return fetch(input, init);
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
  const response = await transport.request<{ id: string }>({
    method: 'GET',
    path: `/v1.0/users/${UPN}/mailFolders/${name}?$select=id`,
    mailbox: UPN,
  });
  return response.body.id;
}

/** The dump shows regular ids while Ferry asks for immutable ones, so messages are found by their stamp. */
async function storedMessage(path: string, stamp: string, upn = UPN) {
  const folder = (await dump(upn)).mailFolders.find((f) => f.path === path);
  return folder?.messages.find((m) =>
    m.singleValueExtendedProperties.some((p) => p.id === STAMP_ID && p.value === stamp),
  );
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function draft(stamp: string, body = '<p>Hello</p>'): GraphMessageDraft {
  return {
    subject: 'Q3 figures',
    body: { contentType: 'html', content: body },
    from: { emailAddress: { name: 'Ann', address: 'ann@old.example' } },
    toRecipients: [{ emailAddress: { address: 'alice@contoso.com' } }],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    internetMessageId: `<${stamp}@old.example>`,
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
    [
      'ghost@contoso.com',
      CLIENT,
      'DESTINATION_USER_NOT_FOUND',
      /no user ghost@contoso\.com.*Create the user/,
    ],
    ['nobox@contoso.com', CLIENT, 'DESTINATION_MAILBOX_NOT_ENABLED', /no Exchange Online mailbox.*licence/],
    [UPN, NO_MAIL_CLIENT, 'DESTINATION_MAILBOX_ACCESS_DENIED', /Mail\.ReadWrite.*application access policy/],
  ])('tells the admin what to fix for %s (%s)', async (upn, clientId, code, message) => {
    const error = await newDestination(newTransport(clientId))
      .mailbox(upn)
      .verify()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(code);
    expect((error as UserError).message).toMatch(message);
  });
});

describe('Graph destination: mail folders', () => {
  it('maps Zimbra system folders to the well-known folders', async () => {
    const mailbox = destination.mailbox(UPN);
    expect(await mailbox.ensureMailFolder({ path: ['Inbox'], role: 'inbox' })).toBe(
      await wellKnownId('inbox'),
    );
    expect(await mailbox.ensureMailFolder({ path: ['Sent'], role: 'sent' })).toBe(
      await wellKnownId('sentitems'),
    );
    expect(await mailbox.ensureMailFolder({ path: ['Trash'], role: 'trash' })).toBe(
      await wellKnownId('deleteditems'),
    );
    const paths = (await dump()).mailFolders.map((f) => f.path);
    expect(paths).toContain('Sent Items');
    expect(paths).not.toContain('Sent');
    expect(paths).not.toContain('Trash');
  });

  it('creates a hierarchy once, however often and concurrently it is ensured', async () => {
    const request = { path: ['Inbox', 'Projects', '2024'], role: undefined };
    const ids = await Promise.all([
      ...Array.from({ length: 4 }, () => destination.mailbox(UPN).ensureMailFolder(request)),
      // Other workers with their own caches: found by name, or created once and reused after a 409.
      newDestination().mailbox(UPN).ensureMailFolder(request),
      newDestination().mailbox(UPN).ensureMailFolder(request),
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(await destination.mailbox(UPN).ensureMailFolder(request)).toBe(ids[0]);
    const top = await destination
      .mailbox(UPN)
      .ensureMailFolder({ path: ["Bob's stuff", 'Old'], role: undefined });
    expect(
      await newDestination()
        .mailbox(UPN)
        .ensureMailFolder({ path: ["Bob's stuff", 'Old'], role: undefined }),
    ).toBe(top);
    const paths = (await dump()).mailFolders.map((f) => f.path);
    for (const path of ['Inbox/Projects', 'Inbox/Projects/2024', "Bob's stuff", "Bob's stuff/Old"]) {
      expect(paths.filter((p) => p === path)).toHaveLength(1);
    }
    expect(paths.filter((p) => p.toLowerCase() === 'inbox')).toHaveLength(1);
  });

  it('puts a child under the well-known folder even when it is ensured before its parent', async () => {
    sent.length = 0;
    const id = await newDestination()
      .mailbox(UPN)
      .ensureMailFolder({ path: ['Deleted Items', 'Old'], role: undefined });
    expect(sent.some((r) => r.url.includes('msgfolderroot'))).toBe(false);
    expect(await destination.mailbox(UPN).ensureMailFolder({ path: ['Trash', 'Old'], role: undefined })).toBe(
      id,
    );
    expect((await dump()).mailFolders.map((f) => f.path)).toContain('Deleted Items/Old');
  });

  it('refuses folders that hold no mail', async () => {
    const error = await destination
      .mailbox(UPN)
      .ensureMailFolder({ path: ['Contacts'], role: 'contacts' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BugError);
  });
});

describe('Graph destination: messages', () => {
  it('creates a non-draft message with its properties and finds it by its stamp', async () => {
    const mailbox = destination.mailbox(UPN);
    const folderId = await mailbox.ensureMailFolder({ path: ['Inbox', 'Projects'], role: undefined });
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
    const folderId = await mailbox.ensureMailFolder({ path: ['Inbox'], role: 'inbox' });
    // A view into a larger buffer, as the converter hands over slices of the MIME.
    const backing = randomBytes(5 * 1024 * 1024 + 100);
    const big = backing.subarray(7, 7 + 5 * 1024 * 1024);
    const small = randomBytes(100 * 1024);
    const before = mailbox.usage().uploadBytes;
    sent.length = 0;
    const id = await mailbox.createMessage(folderId, draft('acct1:6000'), [
      {
        name: 'big.bin',
        contentType: 'application/octet-stream',
        size: big.length,
        isInline: false,
        bytes: big,
      },
      {
        name: 'logo.png',
        contentType: 'image/png',
        size: small.length,
        isInline: true,
        contentId: 'logo@01D2',
        bytes: small,
      },
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
    const folderId = await mailbox.ensureMailFolder({ path: ['Inbox'], role: 'inbox' });
    const bytes = randomBytes(2 * 1024 * 1024);
    const error = await mailbox
      .createMessage(folderId, draft('acct2:1'), [
        {
          name: 'a.bin',
          contentType: 'application/octet-stream',
          size: bytes.length,
          isInline: false,
          bytes,
        },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('MESSAGE_TOO_LARGE');
    expect((error as UserError).message).toMatch(/about 2\.0 MB.*35 MB/);
    expect(await mailbox.findMessageByStamp(folderId, 'acct2:1')).toBeUndefined();
    expect((await dump(SMALL)).mailFolders.flatMap((f) => f.messages)).toHaveLength(0);

    const tooBig = await mailbox
      .createMessage(folderId, draft('acct2:2', 'x'.repeat(1_500_000)), [])
      .catch((e: unknown) => e);
    expect((tooBig as UserError).code).toBe('MESSAGE_TOO_LARGE');
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
    expect((await dump()).masterCategories).toEqual(
      expect.arrayContaining([
        { displayName: 'Zimbra/Work', color: 'preset4' },
        { displayName: 'Personal', color: 'preset0' },
        { displayName: 'Late', color: 'preset7' },
      ]),
    );
    const names = (await dump()).masterCategories.map((c) => c.displayName);
    expect(names.filter((n) => ['Zimbra/Work', 'Personal', 'Late'].includes(n))).toHaveLength(3);
  });
});
