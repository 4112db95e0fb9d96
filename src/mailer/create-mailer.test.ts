import { chmod, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMailer } from './create-mailer.ts';

const email = {
  to: ['ops@msp.example'],
  subject: 'Statistics for Acme — Zürich',
  text: 'See the attached report.',
  html: '<p>See the attached report.</p>',
  attachments: [{ filename: 'report.csv', contentType: 'text/csv', content: 'mailbox,items\nalice,42\n' }],
};

describe('mailer', () => {
  let server: SMTPServer;
  let port = 0;
  const received: string[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers through the SMTP server of SMTP_URL', async () => {
    const mailer = await createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      dataDir: '/nonexistent',
      from: 'ferry@msp.example',
    });
    await mailer.send(email);
    expect(received).toHaveLength(1);
    const parsed = await simpleParser(received[0]!);
    expect(parsed.subject).toBe(email.subject);
    expect(parsed.from?.text).toBe('ferry@msp.example');
    expect(parsed.attachments[0]?.filename).toBe('report.csv');
    expect(parsed.attachments[0]?.content.toString()).toContain('alice,42');
  });

  it('writes an .eml file to the outbox when no SMTP server is configured', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-outbox-'));
    const mailer = await createMailer({ smtpUrl: undefined, dataDir, from: 'ferry@msp.example' });
    await mailer.send(email);
    const files = await readdir(path.join(dataDir, 'outbox'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const parsed = await simpleParser(await readFile(path.join(dataDir, 'outbox', files[0]!)));
    expect(parsed.subject).toBe(email.subject);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe('ops@msp.example');
    expect(parsed.html).toContain('attached report');
  });

  it('keeps the outbox private to Ferry: directory 0700, files 0600, also those an earlier version left open', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-outbox-'));
    const outbox = path.join(dataDir, 'outbox');
    await mkdir(path.join(outbox, 'old'), { recursive: true });
    await chmod(outbox, 0o755);
    await chmod(path.join(outbox, 'old'), 0o755);
    await writeFile(path.join(outbox, 'old.eml'), 'invitation link', { mode: 0o644 });
    const mailer = await createMailer({ smtpUrl: undefined, dataDir, from: 'ferry@msp.example' });
    await mailer.send(email);
    const mode = async (file: string) => (await stat(path.join(outbox, file))).mode & 0o777;
    expect(await mode('.')).toBe(0o700);
    expect(await mode('old')).toBe(0o700);
    expect(await mode('old.eml')).toBe(0o600);
    const sent = (await readdir(outbox)).filter((f) => f !== 'old.eml' && f.endsWith('.eml'));
    expect(sent).toHaveLength(1);
    expect(await mode(sent[0]!)).toBe(0o600);
  });
});
