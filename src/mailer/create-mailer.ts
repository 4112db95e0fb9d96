import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
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

export function createMailer(options: MailerOptions): Mailer {
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
  return {
    async send(email) {
      const raw = await new MailComposer(toMessage(email)).compile().build();
      await mkdir(outbox, { recursive: true });
      const stamp = new Date().toISOString().replaceAll(':', '-');
      await writeFile(path.join(outbox, `${stamp}-${randomUUID()}.eml`), raw);
    },
  };
}
