import { createHash, randomBytes } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { FERRY_PROPERTY_SET_GUID, type LargeAttachment } from '../../src/domain/mail.ts';
import { Secret } from '../../src/domain/secret.ts';
import { startM365Emulator, type RunningM365Emulator } from '../../src/emulators/m365/server.ts';
import { createGraphDestination } from '../../src/graph/graph-destination.ts';
import { MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { createTokenProvider } from '../../src/graph/token-provider.ts';
import { createGraphTransport } from '../../src/graph/transport.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';

/**
 * Attachment upload sessions under the faults Exchange produces (src/emulators/m365/exchange-faults.ts):
 * a range stored whose answer was lost (the repeat is refused with 416 and the ranges still wanted),
 * a session that expires mid-file (404), and a PUT that carries an Authorization header (401).
 */
const TENANT = '33333333-3333-4333-8333-333333333333';
const CLIENT = '44444444-4444-4444-8444-444444444444';
const UPN = 'alice@contoso.com';
const STAMP_ID = `String {${FERRY_PROPERTY_SET_GUID}} Name FerrySourceId`;
const BYTES = randomBytes(8 * 1024 * 1024); // three ranges of 3 MiB
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let emulator: RunningM365Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function uploadWith(faults: string) {
  emulator = await startM365Emulator({
    faults,
    config: {
      tenants: [
        {
          id: TENANT,
          domains: ['contoso.com'],
          apps: [
            { clientId: CLIENT, secret: 'app-secret', permissions: ['Mail.ReadWrite', 'User.Read.All'] },
          ],
          users: [{ userPrincipalName: UPN, mailbox: true }],
        },
      ],
    },
  });
  const { fetch } = loopbackOutbound();
  const uploadHeaders: Record<string, string>[] = [];
  const transport = createGraphTransport({
    graphUrl: emulator.graphUrl,
    getToken: createTokenProvider(
      {
        authorityUrl: emulator.authorityUrl,
        tenantId: TENANT,
        clientId: CLIENT,
        credential: new Secret('app-secret'),
        scope: 'https://graph.microsoft.com/.default',
      },
      { fetch },
    ),
    limits: MICROSOFT_LIMITS,
    fetch: (input, init) => {
      if (init?.method === 'PUT') uploadHeaders.push({ ...(init.headers as Record<string, string>) });
      return fetch(input, init);
    },
    random: () => 0,
  });
  const mailbox = createGraphDestination({ transport, stampPropertyId: STAMP_ID }).mailbox(UPN);
  const folderId = await mailbox.ensureMailFolder({ path: ['Inbox'], role: 'inbox' });
  const attachment: LargeAttachment = {
    name: 'scan.pdf',
    contentType: 'application/pdf',
    size: BYTES.length,
    isInline: false,
    bytes: BYTES,
  };
  const id = await mailbox.createMessage(
    folderId,
    {
      subject: 'Scan',
      body: { contentType: 'text', content: 'x' },
      toRecipients: [],
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      importance: 'normal',
      isRead: true,
      categories: [],
      flag: { flagStatus: 'notFlagged' },
      singleValueExtendedProperties: [{ id: STAMP_ID, value: 'acct:1' }],
      attachments: [],
    },
    [attachment],
  );
  const dump = (await (await globalThis.fetch(`${emulator.graphUrl}/_emulator/mailboxes/${UPN}`)).json()) as {
    mailFolders: { messages: { attachments: { name: string; sha256: string }[] }[] }[];
  };
  const attachments = dump.mailFolders.flatMap((f) => f.messages).flatMap((m) => m.attachments);
  return { id, attachments, uploadHeaders };
}

describe('attachment upload sessions under Exchange faults', () => {
  it('goes on from the range Exchange expects when a stored range is sent again after a lost answer', async () => {
    const { attachments } = await uploadWith('commit-drop=@2~/AttachmentSessions');
    expect(attachments.map((a) => [a.name, a.sha256])).toEqual([['scan.pdf', sha256(BYTES)]]);
  });

  it('starts over with a new session when the one in use expires mid-file', async () => {
    const { attachments } = await uploadWith('expire=@2~/AttachmentSessions');
    expect(attachments.map((a) => [a.name, a.sha256])).toEqual([['scan.pdf', sha256(BYTES)]]);
  });

  it('adds the file once when the last range completed it but its answer was lost', async () => {
    const { attachments } = await uploadWith('commit-drop=@3~/AttachmentSessions');
    expect(attachments.map((a) => [a.name, a.sha256])).toEqual([['scan.pdf', sha256(BYTES)]]);
  });

  it('never sends an Authorization header to the pre-authenticated upload URL', async () => {
    const { uploadHeaders } = await uploadWith('');
    expect(uploadHeaders.length).toBeGreaterThan(0);
    expect(uploadHeaders.every((h) => !Object.keys(h).some((k) => k.toLowerCase() === 'authorization'))).toBe(
      true,
    );
  });
});
