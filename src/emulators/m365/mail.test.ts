/* eslint-disable @typescript-eslint/no-unsafe-call -- assertions reach into parsed JSON */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Json } from './test-client.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.emulator.close());

const U = '/v1.0/users/alice@contoso.com';
const KEY = 'String {6f1e7b2a-0000-4c8e-9d1a-5a5f00000001} Name zimbraItemKey';

describe('mail folders', () => {
  it('refuses a top-level mail folder named like a non-mail folder it does not list (MS-OXOSFLD)', async () => {
    const names = (await h.call('GET', `${U}/mailFolders?$top=100`)).json.value.map(
      (f: { displayName: string }) => f.displayName,
    );
    expect(names).not.toContain('Files');
    for (const displayName of ['Files', 'journal', 'Calendar']) {
      const refused = await h.call('POST', `${U}/mailFolders/msgfolderroot/childFolders`, { displayName });
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe('ErrorFolderExists');
    }
    // Below the top, the name is free.
    expect(
      (await h.call('POST', `${U}/mailFolders/inbox/childFolders`, { displayName: 'Files' })).status,
    ).toBe(201);
  });

  it('resolves well-known names, creates children and rejects duplicates with 409', async () => {
    expect((await h.call('GET', `${U}/mailFolders/sentitems`)).json.displayName).toBe('Sent Items');
    const projects = await h.call('POST', `${U}/mailFolders/inbox/childFolders`, { displayName: 'Projects' });
    expect(projects.status).toBe(201);
    const dup = await h.call('POST', `${U}/mailFolders/inbox/childFolders`, { displayName: 'projects' });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('ErrorFolderExists');
    const found = await h.call(
      'GET',
      `${U}/mailFolders/inbox/childFolders?$filter=displayName eq 'Projects'`,
    );
    expect(found.json.value.map((f: { id: string }) => f.id)).toEqual([projects.json.id]);
    const unknown = await h.call('GET', `${U}/mailFolders/${'A'.repeat(40)}`);
    expect(unknown.json.error.code).toBe('ErrorItemNotFound');
    expect((await h.call('GET', `${U}/mailFolders/bad`)).json.error.code).toBe('ErrorInvalidIdMalformed');
  });
});

describe('messages', () => {
  it('honours MAPI properties at creation only: non-draft, dates, headers', async () => {
    const created = await h.call('POST', `${U}/mailFolders/inbox/messages`, {
      subject: 'Q3',
      body: { contentType: 'html', content: '<p>figures</p>' },
      from: { emailAddress: { address: 'ann@old.example', name: 'Ann' } },
      internetMessageId: '<q3@old.example>',
      receivedDateTime: '2001-01-01T00:00:00Z',
      singleValueExtendedProperties: [
        { id: 'Integer 0x0E07', value: '4' },
        { id: 'SystemTime 0x0E06', value: '2024-05-15T12:00:00Z' },
        { id: 'SystemTime 0x0039', value: '2024-05-15T11:59:40Z' },
        {
          id: 'String 0x007D',
          value: 'Received: from mx\r\n by mx2; Wed, 15 May 2024 12:00:00 +0000\r\nSubject: Q3\r\n',
        },
        { id: KEY, value: 'acct42:5021' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      isDraft: false,
      isRead: false,
      receivedDateTime: '2024-05-15T12:00:00Z',
      sentDateTime: '2024-05-15T11:59:40Z',
    });
    const id = created.json.id as string;
    const headers = await h.call('GET', `${U}/messages/${id}?$select=internetMessageHeaders`);
    expect(headers.json.internetMessageHeaders).toEqual([
      { name: 'Received', value: 'from mx by mx2; Wed, 15 May 2024 12:00:00 +0000' },
      { name: 'Subject', value: 'Q3' },
    ]);
    const patched = await h.call('PATCH', `${U}/messages/${id}`, {
      isRead: true,
      isDraft: true,
      singleValueExtendedProperties: [
        { id: 'Integer 0x0E07', value: '9' },
        { id: 'SystemTime 0x0E06', value: '2030-01-01T00:00:00Z' },
      ],
    });
    expect(patched.json).toMatchObject({
      isDraft: false,
      isRead: true,
      receivedDateTime: '2024-05-15T12:00:00Z',
    });
    const subject = await h.call('PATCH', `${U}/messages/${id}`, { subject: 'changed' });
    expect(subject.status).toBe(400);
    const expanded = await h.call(
      'GET',
      `${U}/messages/${id}?$expand=singleValueExtendedProperties($filter=id eq '${KEY}')`,
    );
    expect(expanded.json.singleValueExtendedProperties).toEqual([{ id: KEY, value: 'acct42:5021' }]);
  });

  it('finds messages by extended property and by internetMessageId', async () => {
    const byKey = await h.call(
      'GET',
      `${U}/mailFolders/inbox/messages?$filter=${encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${KEY}' and ep/value eq 'ACCT42:5021')`)}`,
    );
    expect(byKey.json.value).toHaveLength(1);
    const byMessageId = await h.call(
      'GET',
      `${U}/messages?$filter=${encodeURIComponent("internetMessageId eq '<q3@old.example>'")}`,
    );
    expect(byMessageId.json.value[0].subject).toBe('Q3');
    const none = await h.call(
      'GET',
      `${U}/messages?$filter=${encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${KEY.replace('zimbraItemKey', 'ZIMBRAITEMKEY')}' and ep/value eq 'acct42:5021')`)}`,
    );
    expect(none.json.value).toHaveLength(0);
  });

  it('a JSON create without 0x0E07 is a draft; internetMessageHeaders follow the x- and five-header rules', async () => {
    expect((await h.call('POST', `${U}/mailFolders/inbox/messages`, { subject: 'd' })).json.isDraft).toBe(
      true,
    );
    const bad = await h.call('POST', `${U}/messages`, {
      internetMessageHeaders: [{ name: 'In-Reply-To', value: '<a@b>' }],
    });
    expect(bad.json.error.code).toBe('InvalidInternetMessageHeader');
    const many = Array.from({ length: 6 }, (_, i) => ({ name: `x-h${i}`, value: 'v' }));
    expect((await h.call('POST', `${U}/messages`, { internetMessageHeaders: many })).json.error.code).toBe(
      'InvalidInternetMessageHeaderCollection',
    );
    const unknown = await h.call('POST', `${U}/messages`, { subjekt: 'typo' });
    expect(unknown.json.error.code).toBe('RequestBodyRead');
  });

  it('MIME create makes a draft in Drafts; beta importMime a non-draft in the folder', async () => {
    const mime = Buffer.from(
      'From: Ann <ann@old.example>\r\nTo: alice@contoso.com\r\nSubject: hello\r\nMessage-ID: <m1@old.example>\r\nDate: Tue, 14 May 2024 10:00:00 +0000\r\n\r\nbody\r\n',
    ).toString('base64');
    const draft = await h.call('POST', `${U}/messages`, mime);
    expect(draft.status).toBe(201);
    expect(draft.json).toMatchObject({
      isDraft: true,
      subject: 'hello',
      internetMessageId: '<m1@old.example>',
    });
    const drafts = await h.call('GET', `${U}/mailFolders/drafts`);
    expect(draft.json.parentFolderId).toBe(drafts.json.id);
    expect((await h.call('POST', `${U}/messages`, 'not base64!')).json.error.code).toBe(
      'ErrorMimeContentInvalidBase64String',
    );
    const v1 = await h.call('POST', `${U}/mailFolders/inbox/importMime`, mime);
    expect(v1.status).toBe(400);
    const imported = await h.call('POST', `/beta/users/alice@contoso.com/mailFolders/inbox/importMime`, mime);
    expect(imported.status).toBe(201);
    expect(imported.json).toMatchObject({ isDraft: false, sentDateTime: '2024-05-14T10:00:00Z' });
  });

  it('gives immutable ids that survive a move when asked', async () => {
    const prefer = { Prefer: 'IdType="ImmutableId"' };
    const created = await h.call('POST', `${U}/mailFolders/inbox/messages`, { subject: 'mv' }, prefer);
    expect(created.headers.get('preference-applied')).toBe('IdType="ImmutableId"');
    const regular = (await h.call('GET', `${U}/messages/${created.json.id}`)).json.id;
    const moved = await h.call(
      'POST',
      `${U}/messages/${created.json.id}/move`,
      { destinationId: 'archive' },
      prefer,
    );
    expect(moved.json.id).toBe(created.json.id);
    expect((await h.call('GET', `${U}/messages/${created.json.id}`)).json.id).not.toBe(regular);
  });
});

describe('attachments and limits', () => {
  it('adds small attachments and uploads large ones in ordered chunks ≤ 4 MB', async () => {
    const message = await h.call('POST', `${U}/mailFolders/inbox/messages`, {
      subject: 'att',
      singleValueExtendedProperties: [{ id: 'Integer 0x0E07', value: '1' }],
    });
    const id = message.json.id as string;
    const small = await h.call('POST', `${U}/messages/${id}/attachments`, {
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'a.txt',
      contentType: 'text/plain',
      contentBytes: Buffer.from('hello').toString('base64'),
    });
    expect(small.status).toBe(201);
    expect(small.json.size).toBe(5);
    const bytes = Buffer.alloc(600_000, 7);
    const session = await h.call('POST', `${U}/messages/${id}/attachments/createUploadSession`, {
      AttachmentItem: { attachmentType: 'file', name: 'big.bin', size: bytes.length },
    });
    expect(session.status).toBe(201);
    expect(session.json.nextExpectedRanges).toEqual(['0-']);
    const put = (start: number, end: number) =>
      fetch(session.json.uploadUrl, {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
        },
        body: bytes.subarray(start, end + 1),
      });
    expect((await put(400_000, 599_999)).status).toBe(416);
    const first = await put(0, 399_999);
    expect(first.status).toBe(200);
    expect(((await first.json()) as Json).nextExpectedRanges).toEqual(['400000']);
    const last = await put(400_000, 599_999);
    expect(last.status).toBe(201);
    expect(last.headers.get('location')).toMatch(/\/Attachments\('[^']+'\)$/);
    const dump = await h.dump('alice@contoso.com');
    const stored = dump.mailFolders
      .find((f: { path: string }) => f.path === 'Inbox')
      .messages.find((m: { subject: string }) => m.subject === 'att');
    expect(
      stored.attachments.map((a: { name: string; size: number; sha256: string }) => [
        a.name,
        a.size,
        a.sha256,
      ]),
    ).toEqual([
      ['a.txt', 5, createHash('sha256').update('hello').digest('hex')],
      ['big.bin', 600_000, createHash('sha256').update(bytes).digest('hex')],
    ]);
    const tooBig = await h.call('POST', `${U}/messages/${id}/attachments/createUploadSession`, {
      AttachmentItem: { attachmentType: 'file', name: 'huge', size: 151 * 1024 * 1024 },
    });
    expect(tooBig.status).toBe(400);
  });

  it('rejects requests over 4 MB and messages over the mailbox size limit', async () => {
    const huge = await h.call('POST', `${U}/messages`, {
      subject: 'x',
      body: { contentType: 'text', content: 'x'.repeat(4 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);
    const overLimit = await h.call('POST', `${U}/mailFolders/inbox/messages`, {
      subject: 'big',
      attachments: [
        {
          '@odata.type': '#microsoft.graph.fileAttachment',
          name: 'b',
          contentBytes: Buffer.alloc(1_100_000).toString('base64'),
        },
      ],
    });
    expect(overLimit.status).toBe(413);
    expect(overLimit.json.error.code).toBe('ErrorMessageSizeExceeded');
  });
});
