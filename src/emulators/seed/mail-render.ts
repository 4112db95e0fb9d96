/**
 * Turns a planned message into MIME: plain, HTML alternatives, inline cid images, attachments
 * (up to 35 MB+, produced in chunks), attached messages, legacy charsets and calendar invites.
 */
import type { AccountContext } from './account-context.ts';
import { DAY_MS } from './account-context.ts';
import { contentLines, escapeText, utcStamp } from './ical-text.ts';
import {
  ATTACHMENT_KINDS,
  LEGACY_CHARSETS,
  LEGACY_SUBJECTS,
  LEGACY_TEXTS,
  csvText,
  letter,
  letterHtml,
  paragraphs,
  quote,
} from './mail-content.ts';
import { messageHeaders, rfc5322Date } from './mail-headers.ts';
import type { MessagePlan } from './mail-plan.ts';
import {
  binaryPart,
  messagePart,
  multipart,
  renderMessage,
  renderToBuffer,
  textPart,
  type MimeNode,
} from './mime-builder.ts';
import { BASE64_LINE_BYTES, base64Lines, encodeWords, formatAddress } from './mime-encoding.ts';
import { makePng } from './png.ts';
import { Random, cycle } from './random.ts';

/** About 0.9 MB of raw bytes per chunk, a whole number of base64 lines. */
const CHUNK_BYTES = BASE64_LINE_BYTES * 16_384;

/** `size` pseudo-random bytes starting with `magic`, base64-encoded chunk by chunk when iterated. */
function* randomBase64(random: Random, size: number, magic: string): Generator<Buffer> {
  for (let offset = 0; offset < size; offset += CHUNK_BYTES) {
    const bytes = random.bytes(Math.min(CHUNK_BYTES, size - offset));
    if (offset === 0) Buffer.from(magic, 'latin1').copy(bytes, 0);
    yield base64Lines(bytes);
  }
}

class Renderer {
  readonly #random: Random;
  readonly #ctx: AccountContext;
  readonly #plan: MessagePlan;
  #parts = 0;

  constructor(ctx: AccountContext, plan: MessagePlan) {
    this.#ctx = ctx;
    this.#plan = plan;
    this.#random = new Random(ctx.seed, 'message', ctx.index, plan.seq);
  }

  boundary(): string {
    this.#parts += 1;
    return `----=_Part_${this.#plan.seq}_${this.#parts}.${this.#random.hex(12)}`;
  }

  /** The letter text (with a quote of the answered message) of about `chars` characters. */
  text(chars: number): string {
    const { from, to, replyTo } = this.#plan;
    const body = letter(this.#random, to[0]?.first ?? '', from.name, chars);
    if (replyTo === undefined) return body;
    return (
      body +
      quote(
        paragraphs(this.#random, 400),
        replyTo.from.name,
        rfc5322Date(replyTo.dateMs, replyTo.zoneMinutes),
      )
    );
  }

  alternative(text: string, cids: readonly string[] = []): MimeNode {
    return multipart('alternative', this.boundary(), [
      textPart('plain', text, 'UTF-8', 'quoted-printable'),
      textPart('html', letterHtml(text, cids), 'UTF-8', 'quoted-printable'),
    ]);
  }

  inlineImages(): MimeNode {
    const count = this.#random.int(1, 2);
    const cids = Array.from(
      { length: count },
      (_, i) => `image${i + 1}.${this.#random.hex(8)}@${this.#ctx.domain}`,
    );
    const images = cids.map((cid, i) =>
      binaryPart('image/png', [base64Lines(makePng(this.#random, 64, 48))], {
        disposition: 'inline',
        filename: `image${i + 1}.png`,
        contentId: cid,
      }),
    );
    const text = this.text(this.bodyChars(0.3));
    if (this.#plan.variant % 2 === 0) {
      return multipart(
        'related',
        this.boundary(),
        [this.alternative(text, cids), ...images],
        ' type="multipart/alternative";',
      );
    }
    const html = textPart('html', letterHtml(text, cids), 'UTF-8', 'quoted-printable');
    const related = multipart('related', this.boundary(), [html, ...images], ' type="text/html";');
    return multipart('alternative', this.boundary(), [
      textPart('plain', text, 'UTF-8', 'quoted-printable'),
      related,
    ]);
  }

  bodyChars(share: number): number {
    return Math.min(60_000, Math.max(300, Math.round(this.#plan.targetBytes * share)));
  }

  attachments(): MimeNode[] {
    const random = this.#random;
    const plan = this.#plan;
    const fixed = plan.attachmentBytes;
    const count =
      fixed === undefined
        ? random.weighted([
            [6, 1],
            [3, 2],
            [1, 3],
          ] as const)
        : 1;
    const parts: MimeNode[] = [];
    for (let i = 0; i < count; i++) {
      if (fixed === undefined && random.chance(0.15)) {
        const csv = csvText(random, random.int(5, 200));
        const name = random.pick(['Données clients.csv', 'notes.txt', 'export_2025.csv']);
        const type = name.endsWith('.txt') ? 'text/plain; charset=UTF-8' : 'text/csv; charset=UTF-8';
        parts.push(
          binaryPart(type, [base64Lines(Buffer.from(csv, 'utf8'))], {
            disposition: 'attachment',
            filename: name,
          }),
        );
        continue;
      }
      const kind = cycle(ATTACHMENT_KINDS, plan.variant + i);
      const size = fixed ?? Math.max(600, Math.round(((plan.targetBytes - 3_000) * 0.74) / count));
      const bytes = randomBase64(
        new Random(this.#ctx.seed, 'attachment', this.#ctx.index, plan.seq, i),
        size,
        kind.magic,
      );
      parts.push(
        binaryPart(kind.contentType, bytes, { disposition: 'attachment', filename: random.pick(kind.names) }),
      );
    }
    return parts;
  }

  forwarded(): MimeNode {
    const random = this.#random;
    const original = this.#plan.replyTo;
    const sender = original?.from ?? random.pick(this.#ctx.externals);
    const subject = original?.subject ?? 'Original message';
    const inner = renderToBuffer(
      [
        `Date: ${rfc5322Date(original?.dateMs ?? this.#plan.dateMs - DAY_MS, 60)}`,
        `From: ${formatAddress(sender.name, sender.email)}`,
        `To: ${formatAddress(this.#ctx.person.name, this.#ctx.person.email)}`,
        `Subject: ${encodeWords(subject)}`,
        `Message-ID: ${original?.messageId ?? `<fwd.${random.hex(16)}@${this.#ctx.domain}>`}`,
      ],
      textPart(
        'plain',
        letter(random, this.#ctx.person.first, sender.name, 800),
        'UTF-8',
        'quoted-printable',
      ),
    );
    const note = textPart(
      'plain',
      `FYI, see the message below.\n\n${this.#ctx.person.name}\n`,
      'UTF-8',
      '8bit',
    );
    return multipart('mixed', this.boundary(), [note, messagePart(inner, `${subject}.eml`)]);
  }

  invite(): MimeNode {
    const plan = this.#plan;
    const start = Math.floor((plan.dateMs + 7 * DAY_MS) / 3_600_000) * 3_600_000;
    const ics = contentLines([
      'BEGIN:VCALENDAR',
      'PRODID:-//Ferry//Seed//EN',
      'VERSION:2.0',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      `UID:invite-${plan.seq}-${this.#random.hex(12)}@${this.#ctx.domain}`,
      `SUMMARY:${escapeText(plan.subject)}`,
      `DTSTART:${utcStamp(start)}`,
      `DTEND:${utcStamp(start + 3_600_000)}`,
      `DTSTAMP:${utcStamp(plan.dateMs)}`,
      `ORGANIZER;CN=${plan.from.name}:mailto:${plan.from.email}`,
      `ATTENDEE;CN=${this.#ctx.person.name};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${this.#ctx.person.email}`,
      'SEQUENCE:0',
      'STATUS:CONFIRMED',
      'END:VEVENT',
      'END:VCALENDAR',
    ]);
    const text = this.text(400);
    return multipart('alternative', this.boundary(), [
      textPart('plain', text, 'UTF-8', 'quoted-printable'),
      textPart('calendar', ics, 'UTF-8', '8bit', '; method=REQUEST'),
    ]);
  }

  /** The MIME body and encoded subject of the message. */
  body(): { root: MimeNode; subject: string } {
    const plan = this.#plan;
    const subject = encodeWords(plan.subject);
    switch (plan.kind) {
      case 'plain':
        return {
          root: textPart('plain', this.text(this.bodyChars(0.9)), 'UTF-8', 'quoted-printable'),
          subject,
        };
      case 'alternative':
        return { root: this.alternative(this.text(this.bodyChars(0.4))), subject };
      case 'html-only':
        return {
          root: textPart('html', letterHtml(this.text(this.bodyChars(0.7)), []), 'UTF-8', 'base64'),
          subject,
        };
      case 'inline-image':
        return { root: this.inlineImages(), subject };
      case 'attachment': {
        const text = this.text(this.#random.int(300, 3_000));
        const first = this.#random.chance(0.6)
          ? this.alternative(text)
          : textPart('plain', text, 'UTF-8', 'quoted-printable');
        return { root: multipart('mixed', this.boundary(), [first, ...this.attachments()]), subject };
      }
      case 'forward':
        return { root: this.forwarded(), subject };
      case 'invite':
        return { root: this.invite(), subject };
      case 'legacy-charset': {
        const charset = cycle(LEGACY_CHARSETS, plan.variant);
        const encoding =
          charset === 'Shift_JIS' ? 'base64' : charset === 'KOI8-R' ? '8bit' : 'quoted-printable';
        return {
          root: textPart('plain', LEGACY_TEXTS[charset], charset, encoding),
          subject: encodeWords(LEGACY_SUBJECTS[charset], charset),
        };
      }
    }
  }

  render(): Iterable<Buffer> {
    const { root, subject } = this.body();
    return renderMessage(messageHeaders(this.#random, this.#ctx, this.#plan, subject), root);
  }
}

/** The message as chunks of bytes, produced lazily while they are written. */
export function renderMail(ctx: AccountContext, plan: MessagePlan): Iterable<Buffer> {
  return new Renderer(ctx, plan).render();
}
