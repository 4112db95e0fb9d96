import { describe, expect, it } from 'vitest';

import { TransientError } from '../domain/errors.ts';
import { addLargeAttachment, UPLOAD_CHUNK_BYTES } from './large-attachments.ts';
import type { GraphRequest, GraphTransport, GraphUpload } from './transport.ts';

/** A transport that answers createUploadSession and then each PUT from a script of answers. */
function fakeTransport(answers: ((part: GraphUpload) => { status: number; next?: number })[]) {
  const requests: GraphRequest[] = [];
  const ranges: string[] = [];
  const transport: GraphTransport = {
    request: <T>(request: GraphRequest) => {
      requests.push(request);
      return Promise.resolve({
        status: 201,
        body: { uploadUrl: 'https://up.example/s?authtoken=t' } as T,
        requestId: undefined,
      });
    },
    upload: <T>(part: GraphUpload) => {
      ranges.push(part.contentRange);
      const answer = answers.shift()?.(part) ?? { status: 500 };
      const body = answer.next === undefined ? undefined : { nextExpectedRanges: [String(answer.next)] };
      return Promise.resolve({
        status: answer.status,
        body: body as T,
        requestId: undefined,
        location: undefined,
      });
    },
    stats: () => ({ requests: 0, throttled: 0, throttledWaitMs: 0, uploadBytes: 0 }),
  };
  return { transport, requests, ranges };
}

const attachment = (size: number) => ({
  name: 'big.bin',
  contentType: 'application/octet-stream',
  size,
  isInline: false,
  bytes: new Uint8Array(size),
});

describe('large attachments', () => {
  it('resumes from the range the server says it expects', async () => {
    const total = UPLOAD_CHUNK_BYTES * 2;
    const { transport, ranges } = fakeTransport([
      () => ({ status: 200, next: 1000 }), // took only the first 1000 bytes
      () => ({ status: 200, next: 1000 + UPLOAD_CHUNK_BYTES }),
      () => ({ status: 201 }),
    ]);
    await addLargeAttachment(transport, 'a@x', 'm1', attachment(total));
    expect(ranges).toEqual([
      `bytes 0-${UPLOAD_CHUNK_BYTES - 1}/${total}`,
      `bytes 1000-${1000 + UPLOAD_CHUNK_BYTES - 1}/${total}`,
      `bytes ${1000 + UPLOAD_CHUNK_BYTES}-${total - 1}/${total}`,
    ]);
  });

  it('gives up when the upload makes no progress', async () => {
    const { transport } = fakeTransport(Array.from({ length: 5 }, () => () => ({ status: 200, next: 0 })));
    const error = await addLargeAttachment(transport, 'a@x', 'm1', attachment(UPLOAD_CHUNK_BYTES + 1)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransientError);
  });

  it('posts a small one in one request with its content id', async () => {
    const { transport, requests, ranges } = fakeTransport([]);
    await addLargeAttachment(transport, 'a b@x', 'id/+=', {
      ...attachment(3),
      contentId: 'c@1',
      isInline: true,
    });
    expect(ranges).toEqual([]);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1.0/users/a%20b%40x/messages/id%2F%2B%3D/attachments',
      json: { contentBytes: 'AAAA', contentId: 'c@1', isInline: true },
    });
  });
});
