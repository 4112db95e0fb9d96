import { describe, expect, it } from 'vitest';
import type { ZimbraMessageMeta } from '../domain/mail.ts';
import { CREATE_JSON_BUDGET_BYTES, LARGE_ATTACHMENT_BYTES } from './limits.ts';
import { convertMimeToGraphMessage } from './mime-to-graph-message.ts';

function meta(size: number): ZimbraMessageMeta {
  return { id: '1', folderId: '2', flags: '', tags: [], receivedMs: Date.UTC(2024, 0, 1), size };
}

async function convert(text: string) {
  const raw = new Uint8Array(Buffer.from(text.replace(/\r?\n/g, '\r\n')));
  return convertMimeToGraphMessage(raw, meta(raw.byteLength));
}

const base64 = (data: string | Buffer): string =>
  (typeof data === 'string' ? Buffer.from(data) : data).toString('base64').replace(/.{76}/g, '$&\n');

describe('convertMimeToGraphMessage: bodies and attachments', () => {
  it('prefers the HTML part of multipart/alternative', async () => {
    const result = await convert(`From: a@b.example
Subject: alt
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

plain version
--alt
Content-Type: text/html; charset=utf-8

<p>html version</p>
--alt--
`);
    expect(result.message.body).toEqual({ contentType: 'html', content: '<p>html version</p>' });
    expect(result.message.attachments).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('keeps inline cid images inline with their Content-ID and the body reference intact', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const result = await convert(`From: a@b.example
Subject: logo
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p><img src="cid:logo@01D2"></p>
--rel
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-ID: <logo@01D2>

${base64(png)}
--rel
Content-Type: image/gif
Content-Transfer-Encoding: base64
Content-ID: <unused@01D2>

${base64('GIF89a')}
--rel--
`);
    expect(result.message.body.content).toContain('src="cid:logo@01D2"');
    expect(result.message.attachments).toEqual([
      {
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: 'image-1.png',
        contentType: 'image/png',
        contentBytes: png.toString('base64'),
        isInline: true,
        contentId: 'logo@01D2',
      },
      expect.objectContaining({ name: 'attachment-2.gif', isInline: false, contentId: 'unused@01D2' }),
    ]);
  });

  it('decodes RFC 2231 and RFC 2047 file names', async () => {
    const result = await convert(`From: a@b.example
Subject: files
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain

see attached
--mix
Content-Type: application/pdf
Content-Disposition: attachment;
 filename*0*=UTF-8''%E2%82%AC%20Rechnung%20;
 filename*1*=M%C3%A4rz.pdf
Content-Transfer-Encoding: base64

${base64('%PDF-1.4')}
--mix
Content-Type: application/octet-stream; name="=?utf-8?b?w5xiZXJzaWNodC54bHN4?="
Content-Disposition: attachment; filename="=?utf-8?b?w5xiZXJzaWNodC54bHN4?="
Content-Transfer-Encoding: base64

${base64('PK')}
--mix--
`);
    const names = result.message.attachments.map((a) => [a.name, a.contentType, a.isInline]);
    expect(names).toEqual([
      ['€ Rechnung März.pdf', 'application/pdf', false],
      ['Übersicht.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', false],
    ]);
    expect(Buffer.from(result.message.attachments[0]!.contentBytes, 'base64').toString()).toBe('%PDF-1.4');
  });

  it('attaches message/rfc822 parts as <subject>.eml with their bytes unchanged', async () => {
    const inner = 'From: c@d.example\r\nSubject: =?utf-8?q?Fw=C3=A4rded?= note\r\n\r\ninner body\r\n';
    const result = await convert(`From: a@b.example
Subject: outer
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain

see below
--mix
Content-Type: message/rfc822
Content-Disposition: attachment

${inner}
--mix--
`);
    expect(result.message.body.content).toContain('see below');
    const attachment = result.message.attachments[0]!;
    expect(attachment.name).toBe('Fwärded note.eml');
    expect(attachment.contentType).toBe('message/rfc822');
    expect(Buffer.from(attachment.contentBytes, 'base64').toString()).toContain('inner body');
  });

  it('moves attachments of 3 MB or more to largeAttachments and keeps the JSON under budget', async () => {
    const big = Buffer.alloc(LARGE_ATTACHMENT_BYTES, 7);
    const result = await convert(`From: a@b.example
Subject: big
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain

big one attached
--mix
Content-Type: application/zip; name="big.zip"
Content-Transfer-Encoding: base64

${base64(big)}
--mix
Content-Type: text/plain; name="small.txt"
Content-Disposition: attachment

small
--mix--
`);
    expect(result.message.attachments.map((a) => a.name)).toEqual(['small.txt']);
    expect(result.largeAttachments).toHaveLength(1);
    expect(result.largeAttachments[0]).toMatchObject({
      name: 'big.zip',
      contentType: 'application/zip',
      isInline: false,
    });
    expect(result.largeAttachments[0]!.size).toBe(LARGE_ATTACHMENT_BYTES);
    expect(Buffer.from(result.largeAttachments[0]!.bytes).equals(big)).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(result.message))).toBeLessThan(CREATE_JSON_BUDGET_BYTES);
  });

  it('moves small attachments out too once together they would pass the budget', async () => {
    const parts = [1, 2, 3, 4].map(
      (n) => `--mix
Content-Type: application/octet-stream; name="part${n}.bin"
Content-Transfer-Encoding: base64

${base64(Buffer.alloc(900_000, n))}
`,
    );
    const result = await convert(`From: a@b.example
Subject: many
Content-Type: multipart/mixed; boundary="mix"

${parts.join('')}--mix--
`);
    expect(result.message.attachments.length + result.largeAttachments.length).toBe(4);
    expect(result.largeAttachments.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(result.message))).toBeLessThanOrEqual(CREATE_JSON_BUDGET_BYTES);
  });

  it('attaches a body too large for one request and says so', async () => {
    const huge = 'x'.repeat(3_500_000);
    const result = await convert(`From: a@b.example
Subject: huge
Content-Type: text/html; charset=utf-8

<p>${huge}</p>
`);
    expect(result.warnings.map((w) => w.code)).toContain('body-moved-to-attachment');
    expect(result.message.body.content).toContain('message-body.html');
    const moved = [...result.message.attachments, ...result.largeAttachments].find(
      (a) => a.name === 'message-body.html',
    );
    expect(moved?.contentType).toBe('text/html; charset=utf-8');
    expect(Buffer.byteLength(JSON.stringify(result.message))).toBeLessThanOrEqual(CREATE_JSON_BUDGET_BYTES);
  });
});
