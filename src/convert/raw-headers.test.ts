import { describe, expect, it } from 'vitest';
import { convertMimeToGraphMessage } from './mime-to-graph-message.ts';
import { parseHeaderFields, readHeaderBlock } from './raw-headers.ts';

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

describe('parseHeaderFields', () => {
  it('reads an indented first line as a field, since it continues nothing', () => {
    const block = readHeaderBlock(
      bytes(' From: Ann Lee <ann@example.test>\r\nSubject: Hello\r\n\tthere\r\n\r\nBody\r\n'),
    );
    expect(block.fields).toEqual([
      { name: 'From', value: 'Ann Lee <ann@example.test>' },
      { name: 'Subject', value: 'Hello\tthere' },
    ]);
  });

  it('still drops an indented line that follows a line it cannot read', () => {
    expect(parseHeaderFields('To: a@example.test\nnot a header\n  Cc: b@example.test\nSubject: s')).toEqual([
      { name: 'To', value: 'a@example.test' },
      { name: 'Subject', value: 's' },
    ]);
  });

  it('keeps the sender of a message whose first header line is indented', async () => {
    const raw = bytes(
      '  From: Ann Lee <ann@example.test>\nTo: bob@example.test\nSubject: Plan\nDate: Tue, 02 Jan 2024 09:15:30 +0000\n\nText\n',
    );
    const { message } = await convertMimeToGraphMessage(raw, {
      id: '1',
      folderId: '2',
      flags: '',
      tags: [],
      receivedMs: Date.UTC(2024, 0, 2),
      size: raw.byteLength,
    });
    expect(message.from).toEqual({ emailAddress: { name: 'Ann Lee', address: 'ann@example.test' } });
    expect(message.toRecipients).toEqual([{ emailAddress: { address: 'bob@example.test' } }]);
    expect(message.subject).toBe('Plan');
  });
});
