import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

import type { Mailer, OutgoingEmail } from '../domain/ports.ts';

export const OUTBOX_DIR = 'outbox';

export interface MailerOptions {
  /** smtp:// or smtps:// URL; undefined writes each email as an .eml file into `<dataDir>/outbox`. */
  readonly smtpUrl: string | undefined;
  readonly dataDir: string;
  /** The From address of every email Ferry sends. */
  readonly from: string;
}

/** Outbox emails hold invitation and password links: only Ferry's own user may read them. */
const OUTBOX_DIR_MODE = 0o700;
const OUTBOX_FILE_MODE = 0o600;

/** Creates the outbox, or tightens one an earlier version left readable, with every file in it. */
export async function secureOutbox(outbox: string): Promise<void> {
  await mkdir(outbox, { recursive: true, mode: OUTBOX_DIR_MODE });
  await chmod(outbox, OUTBOX_DIR_MODE);
  for (const entry of await readdir(outbox, { withFileTypes: true }))
    await chmod(path.join(outbox, entry.name), entry.isDirectory() ? OUTBOX_DIR_MODE : OUTBOX_FILE_MODE);
}

export async function createMailer(options: MailerOptions): Promise<Mailer> {
  const toMessage = (email: OutgoingEmail) => ({
    from: options.from,
    to: [...email.to],
    subject: email.subject,
    text: email.text,
    ...(email.html === undefined ? {} : { html: email.html }),
    attachments: (email.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: typeof a.content === 'string' ? a.content : Buffer.from(a.content),
      ...(a.cid === undefined ? {} : { cid: a.cid }),
    })),
  });

  if (options.smtpUrl !== undefined) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(email) {
        await transport.sendMail(toMessage(email));
      },
    };
  }

  const outbox = path.join(options.dataDir, OUTBOX_DIR);
  await secureOutbox(outbox);
  return {
    async send(email) {
      const raw = await new MailComposer(toMessage(email)).compile().build();
      // Made again if someone removed it meanwhile; the mode applies only to what mkdir creates.
      await mkdir(outbox, { recursive: true, mode: OUTBOX_DIR_MODE });
      const stamp = new Date().toISOString().replaceAll(':', '-');
      await writeFile(path.join(outbox, `${stamp}-${randomUUID()}.eml`), raw, { mode: OUTBOX_FILE_MODE });
    },
  };
}
