/**
 * Keeps the create request under Graph's 4 MB limit: attachments go into the JSON while they fit the
 * budget, the rest are uploaded by the engine once the message exists.
 */
import type { GraphFileAttachment, LargeAttachment } from '../domain/mail.ts';
import type { AttachmentCandidate } from './attachments.ts';
import { CREATE_JSON_BUDGET_BYTES, LARGE_ATTACHMENT_BYTES } from './limits.ts';

export interface AttachmentPlacement {
  readonly inJson: GraphFileAttachment[];
  readonly large: LargeAttachment[];
}

function fileAttachment(candidate: AttachmentCandidate, contentBytes: string): GraphFileAttachment {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    name: candidate.name,
    contentType: candidate.contentType,
    contentBytes,
    isInline: candidate.isInline,
    ...(candidate.contentId === undefined ? {} : { contentId: candidate.contentId }),
  };
}

export function toFileAttachment(candidate: AttachmentCandidate): GraphFileAttachment {
  return fileAttachment(candidate, candidate.content.base64());
}

/**
 * Bytes the attachment adds to the create JSON, computed without encoding it: base64 is plain
 * ASCII, so it adds exactly its length to the JSON of the other fields.
 */
function fileAttachmentJsonBytes(candidate: AttachmentCandidate): number {
  return jsonBytes(fileAttachment(candidate, '')) + 4 * Math.ceil(candidate.content.size / 3);
}

export function toLargeAttachment(candidate: AttachmentCandidate): LargeAttachment {
  return {
    name: candidate.name,
    contentType: candidate.contentType,
    size: candidate.content.size,
    isInline: candidate.isInline,
    bytes: candidate.content.bytes(),
    ...(candidate.contentId === undefined ? {} : { contentId: candidate.contentId }),
  };
}

/** Bytes a value adds to the request as JSON (UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Places attachments given the size of the message JSON without them. Anything of
 * LARGE_ATTACHMENT_BYTES or more always goes to an upload; smaller ones stay in the JSON while the
 * total stays within CREATE_JSON_BUDGET_BYTES, inline images first because the body shows them.
 * Output keeps the original order within each list.
 */
export function placeAttachments(
  baseJsonBytes: number,
  candidates: readonly AttachmentCandidate[],
): AttachmentPlacement {
  const priority = candidates
    .map((candidate, index) => ({ candidate, index }))
    .sort((a, b) => Number(b.candidate.isInline) - Number(a.candidate.isInline) || a.index - b.index);
  let total = baseJsonBytes;
  const inJson = new Map<number, GraphFileAttachment>();
  for (const { candidate, index } of priority) {
    if (candidate.content.size >= LARGE_ATTACHMENT_BYTES) continue;
    const size = fileAttachmentJsonBytes(candidate) + 1;
    if (total + size > CREATE_JSON_BUDGET_BYTES) continue;
    total += size;
    inJson.set(index, toFileAttachment(candidate));
  }
  const result: AttachmentPlacement = { inJson: [], large: [] };
  candidates.forEach((candidate, index) => {
    const attachment = inJson.get(index);
    if (attachment === undefined) result.large.push(toLargeAttachment(candidate));
    else result.inJson.push(attachment);
  });
  return result;
}
