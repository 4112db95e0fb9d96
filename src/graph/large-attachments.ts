import { TransientError } from '../domain/errors.ts';
import type { LargeAttachment } from '../domain/mail.ts';
import { segment, userPath } from './graph-paths.ts';
import { GraphRequestError } from './graph-error.ts';
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
/** New sessions after the one in use expired or vanished (404). */
const MAX_SESSION_RESTARTS = 2;

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
  // An upload session can expire or vanish before the file is whole; Microsoft's answer (404) means
  // starting over with a new session (large-attachments upload guidance). Twice at most.
  for (let restarts = 0; ; restarts++) {
    try {
      await uploadOnce(transport, userPrincipalName, attachments, attachment);
      return;
    } catch (error) {
      const gone = error instanceof GraphRequestError && error.failure.status === 404;
      if (!gone || restarts >= MAX_SESSION_RESTARTS) throw error;
      // The last range may have completed the file before its answer was lost: then the session is
      // gone because the attachment exists, and a new one would add it twice.
      if (await hasAttachment(transport, userPrincipalName, attachments, attachment)) return;
    }
  }
}

async function hasAttachment(
  transport: GraphTransport,
  mailbox: string,
  attachments: string,
  attachment: LargeAttachment,
): Promise<boolean> {
  const listed = await transport.request<{ value: { name?: string; size?: number }[] }>({
    method: 'GET',
    path: `${attachments}?$select=name,size`,
    mailbox,
  });
  // Graph's size of a file attachment counts a little metadata on top of the bytes.
  return listed.body.value.some(
    (a) => a.name === attachment.name && (a.size ?? 0) >= attachment.bytes.byteLength,
  );
}

async function uploadOnce(
  transport: GraphTransport,
  userPrincipalName: string,
  attachments: string,
  attachment: LargeAttachment,
): Promise<void> {
  const { bytes } = attachment;
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
    // A 416 without the ranges still wanted says nothing about progress: it counts as a stall.
    const next = Number.isNaN(expected) ? (answer.status === 416 ? offset : end) : expected;
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
