import { randomBytes } from 'node:crypto';
import type { GraphContext } from '../context.ts';
import { GraphError, type GraphResponse } from '../errors.ts';
import { newId, type StoredItem } from '../item-store.ts';
import type { Mailbox } from '../mailbox.ts';

/** Largest byte range one PUT may carry [D: "keep each byte range less than 4 MB"]. */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;
const SESSION_LIFETIME_MS = 60 * 60_000;

export interface AttachmentSpec {
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
  readonly isInline: boolean;
  readonly contentId: string | null;
}

interface Session {
  readonly id: string;
  readonly token: string;
  readonly clientId: string;
  readonly mailbox: Mailbox;
  readonly parent: StoredItem;
  readonly kind: 'messages' | 'events';
  readonly spec: AttachmentSpec;
  readonly expiresAt: number;
  readonly chunks: Buffer[];
  received: number;
}

/** Attachment upload sessions: pre-authenticated URLs taking ordered PUTs of byte ranges. */
export class UploadSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  create(
    ctx: GraphContext,
    parent: StoredItem,
    kind: Session['kind'],
    spec: AttachmentSpec,
  ): { uploadUrl: string; expirationDateTime: string } {
    const session: Session = {
      id: newId('AAMkAGI2AttSess'),
      token: randomBytes(32).toString('base64url'),
      clientId: ctx.grant.clientId,
      mailbox: ctx.mailbox,
      parent,
      kind,
      spec,
      expiresAt: Date.now() + SESSION_LIFETIME_MS,
      chunks: [],
      received: 0,
    };
    this.#sessions.set(session.id, session);
    const owner = `${ctx.mailbox.user.id}@${ctx.mailbox.user.tenantId}`;
    const collection = kind === 'messages' ? 'Messages' : 'Events';
    return {
      uploadUrl: `${this.#baseUrl}/api/v2.0/Users('${owner}')/${collection}('${ctx.ids(parent)}')/AttachmentSessions('${session.id}')?authtoken=${session.token}`,
      expirationDateTime: new Date(session.expiresAt).toISOString(),
    };
  }

  /** The session an upload URL names, if its token is right and it has not expired. */
  find(path: string, authtoken: string | null): Session | undefined {
    const id = /AttachmentSessions\('([^']+)'\)$/.exec(decodeURIComponent(path))?.[1];
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (session === undefined || session.token !== authtoken || Date.now() > session.expiresAt) {
      return undefined;
    }
    return session;
  }

  /** Ends a session before its time (the `expire` fault): later PUTs to it find nothing. */
  expire(session: Session): void {
    this.#sessions.delete(session.id);
  }

  /** PUT of one byte range, or DELETE of the session. */
  handle(session: Session, method: string, contentRange: string | undefined, body: Buffer): GraphResponse {
    if (method === 'DELETE') {
      this.#sessions.delete(session.id);
      return { status: 204, headers: {} };
    }
    if (method !== 'PUT') {
      throw new GraphError(405, 'ErrorInvalidRequest', 'The OData request is not supported.');
    }
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange ?? '');
    if (range === null) {
      throw new GraphError(
        400,
        'ErrorInvalidContentRange',
        'The Content-Range header is missing or malformed.',
      );
    }
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (total !== session.spec.size) {
      throw new GraphError(
        400,
        'ErrorInvalidContentRange',
        `The total size ${total} does not match the size ${session.spec.size} of the upload session.`,
      );
    }
    if (end - start + 1 !== body.length || end < start || end >= total) {
      throw new GraphError(
        400,
        'ErrorInvalidContentRange',
        'The Content-Range header does not match the number of bytes sent.',
      );
    }
    if (body.length > MAX_CHUNK_BYTES) {
      throw new GraphError(413, 'RequestEntityTooLarge', 'The byte range is larger than 4 MB.');
    }
    if (start !== session.received) {
      // A range the session already holds, or one past a gap, is refused with 416 [D: driveItem
      // createUploadSession, Remarks: "the client sent a fragment the server had already received"],
      // with OneDrive's codes [O: OneDrive/onedrive-api-docs#79: invalidRange, fragmentOverlap, "Uploaded
      // fragment overlaps with existing data." / "Uploaded fragment is out of order."]. The body also
      // names where the session stands, as every upload-session answer does [U for the 416 itself].
      const overlap = start < session.received;
      throw new GraphError(
        416,
        'invalidRange',
        overlap ? 'Uploaded fragment overlaps with existing data.' : 'Uploaded fragment is out of order.',
        {},
        {
          innerCode: overlap ? 'fragmentOverlap' : 'fragmentOutOfOrder',
          body: { nextExpectedRanges: [String(session.received)] },
        },
      );
    }
    session.chunks.push(body);
    session.received += body.length;
    if (session.received < total) {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: {
          '@odata.context': `${this.#baseUrl}/api/v2.0/$metadata#Users/Messages/AttachmentSessions/$entity`,
          expirationDateTime: new Date(session.expiresAt).toISOString(),
          nextExpectedRanges: [String(session.received)],
        },
      };
    }
    this.#sessions.delete(session.id);
    const attachmentId = newId('AAMkAGI2THVSAAABEgAQA');
    session.parent.attachments.push({
      id: attachmentId,
      odataType: '#microsoft.graph.fileAttachment',
      name: session.spec.name,
      contentType: session.spec.contentType,
      isInline: session.spec.isInline,
      contentId: session.spec.contentId,
      bytes: Buffer.concat(session.chunks),
      lastModifiedDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    const collection = session.kind === 'messages' ? 'Messages' : 'Events';
    const owner = `${session.mailbox.user.id}@${session.mailbox.user.tenantId}`;
    return {
      status: 201,
      headers: {
        Location: `${this.#baseUrl}/api/v2.0/Users('${owner}')/${collection}('${session.parent.id}')/Attachments('${attachmentId}')`,
      },
    };
  }
}
