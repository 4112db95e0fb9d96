import { TransientError } from '../domain/errors.ts';
import type { LargeAttachment } from '../domain/mail.ts';
import { segment, userPath } from './graph-paths.ts';
import type { GraphTransport } from './transport.ts';

/**
 * Below this, one `POST …/attachments` carries the file. Microsoft's "3 MB" is read as decimal: base64
 * of 3,000,000 bytes is 4,000,000, which leaves room for the JSON under the 4 MiB request cap, where
 * 3 MiB of base64 alone would fill it.
 */
export const PLAIN_POST_MAX_BYTES = 3_000_000;

/** Each PUT stays well under the 4 MB a range may carry. */
export const UPLOAD_CHUNK_BYTES = 3 * 1024 * 1024;

/** Answers in a row that move the upload no further before it is given up. */
const MAX_STALLS = 3;

interface UploadSession {
  readonly uploadUrl: string;
}

interface RangeAnswer {
  readonly nextExpectedRanges?: readonly string[];
}

/**
 * Adds one attachment to an existing message or event: a plain POST when small, an upload session
 * otherwise (both collections take attachment upload sessions, microsoft-graph.md §4).
 */
export async function addLargeAttachment(
  transport: GraphTransport,
  userPrincipalName: string,
  parentId: string,
  attachment: LargeAttachment,
  collection: 'messages' | 'events' = 'messages',
): Promise<void> {
  const attachments = `${userPath(userPrincipalName)}/${collection}/${segment(parentId)}/attachments`;
  const { bytes } = attachment;
  if (bytes.byteLength < PLAIN_POST_MAX_BYTES) {
    await transport.request({
      method: 'POST',
      path: attachments,
      mailbox: userPrincipalName,
      json: {
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: attachment.name,
        contentType: attachment.contentType,
        // A Buffer view over the same memory: base64 without copying the bytes first.
        contentBytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
        isInline: attachment.isInline,
        ...(attachment.contentId === undefined ? {} : { contentId: attachment.contentId }),
      },
    });
    return;
  }
  const session = await transport.request<UploadSession>({
    method: 'POST',
    path: `${attachments}/createUploadSession`,
    mailbox: userPrincipalName,
    json: {
      AttachmentItem: {
        attachmentType: 'file',
        name: attachment.name,
        size: bytes.byteLength,
        contentType: attachment.contentType,
        isInline: attachment.isInline,
        contentId: attachment.contentId ?? null,
      },
    },
    // A second session for the same file is harmless: unused sessions expire.
    repeatable: true,
  });
  await uploadRanges(transport, userPrincipalName, session.body.uploadUrl, bytes);
}

/**
 * PUTs the bytes in order. The next range starts where the server says it expects it, not where we
 * think we are, so a range it took only in part is sent again from the right place.
 */
async function uploadRanges(
  transport: GraphTransport,
  mailbox: string,
  url: string,
  bytes: Uint8Array,
): Promise<void> {
  const total = bytes.byteLength;
  let offset = 0;
  let stalls = 0;
  for (;;) {
    const end = Math.min(offset + UPLOAD_CHUNK_BYTES, total);
    const answer = await transport.upload<RangeAnswer | undefined>({
      url,
      mailbox,
      bytes: bytes.subarray(offset, end),
      contentRange: `bytes ${offset}-${end - 1}/${total}`,
    });
    if (answer.status === 201) return;
    const expected = Number.parseInt(answer.body?.nextExpectedRanges?.[0] ?? '', 10);
    const next = Number.isNaN(expected) ? end : expected;
    if (next >= total) return;
    stalls = next > offset ? 0 : stalls + 1;
    if (stalls >= MAX_STALLS) {
      throw new TransientError(
        'ATTACHMENT_UPLOAD_STALLED',
        `Microsoft Graph kept asking for the bytes from ${next} of a ${total}-byte attachment upload.`,
        { context: { user: mailbox } },
      );
    }
    offset = next;
  }
}
