/**
 * Writes an account's mail: `mail/<folder>/<seq>.eml` (raw RFC 822) and the optional
 * `<seq>.eml.json` sidecar with flags, tags and the received time.
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AccountContext } from './account-context.ts';
import { EMPTY_MAIL_FOLDER } from './mail-folders.ts';
import { planMail, type MessagePlan } from './mail-plan.ts';
import { renderMail } from './mail-render.ts';
import { Random } from './random.ts';

export interface FolderCount {
  messages: number;
  bytes: number;
}

export interface MailSummary {
  messages: number;
  bytes: number;
  /** Per folder path (`Inbox`, `Projets/Équipe` …), including the empty user folder. */
  folders: Record<string, FolderCount>;
  /** Messages whose largest attachment is above 3 MB, and above 35 MB. */
  largeAttachments: number;
  hugeAttachments: number;
}

/** Messages up to this size are rendered into one buffer; larger ones are streamed in batches of it. */
const WRITE_BATCH = 4 * 1024 * 1024;
/** Small files written concurrently (hides file-system latency, bounds memory to 16 batches). */
const MAX_IN_FLIGHT = 16;
/** Flag letters in the order Zimbra prints them. */
const FLAG_ORDER = 'ufarswdv!?';

/** Writes files, small ones several at a time and large ones streamed, one after another. */
class FileWriter {
  readonly #inFlight = new Set<Promise<void>>();

  async #queue(write: Promise<void>): Promise<void> {
    const tracked = write.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
    if (this.#inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.#inFlight);
  }

  /** Writes `data`; resolves once the write is queued (call `drain` to wait for all). */
  async small(file: string, data: Buffer | string): Promise<void> {
    await this.#queue(writeFile(file, data));
  }

  /** Writes `chunks`, returning their total size. */
  async chunks(file: string, chunks: Iterable<Buffer>): Promise<number> {
    const iterator = chunks[Symbol.iterator]();
    const head: Buffer[] = [];
    let total = 0;
    for (let next = iterator.next(); ; next = iterator.next()) {
      if (next.done === true) {
        await this.small(file, Buffer.concat(head));
        return total;
      }
      head.push(next.value);
      total += next.value.length;
      if (total >= WRITE_BATCH) break;
    }
    const handle = await open(file, 'w');
    try {
      await handle.write(Buffer.concat(head));
      for (let next = iterator.next(); next.done !== true; next = iterator.next()) {
        await handle.write(next.value);
        total += next.value.length;
      }
    } finally {
      await handle.close();
    }
    return total;
  }

  async drain(): Promise<void> {
    await Promise.all(this.#inFlight);
  }
}

function sidecar(plan: MessagePlan): string | undefined {
  const flags = [...FLAG_ORDER].filter((f) => plan.flags.has(f)).join('');
  const meta: { flags?: string; tags?: readonly string[]; receivedMs?: number } = {};
  if (flags !== '') meta.flags = flags;
  if (plan.tags.length > 0) meta.tags = plan.tags;
  if (plan.receivedMs !== undefined) meta.receivedMs = plan.receivedMs;
  return Object.keys(meta).length === 0 ? undefined : `${JSON.stringify(meta)}\n`;
}

/** Generates and writes `count` messages for the account under `accountDir/mail`. */
export async function generateMail(accountDir: string, ctx: AccountContext, count: number, huge: boolean): Promise<MailSummary> {
  const plans = planMail(new Random(ctx.seed, 'mail', ctx.index), ctx, count, huge);
  const mailDir = path.join(accountDir, 'mail');
  const summary: MailSummary = { messages: 0, bytes: 0, folders: {}, largeAttachments: 0, hugeAttachments: 0 };
  const width = Math.max(5, String(count).length);
  const made = new Set<string>();
  const writer = new FileWriter();
  await mkdir(path.join(mailDir, EMPTY_MAIL_FOLDER), { recursive: true });
  summary.folders[EMPTY_MAIL_FOLDER] = { messages: 0, bytes: 0 };
  for (const plan of plans) {
    const dir = path.join(mailDir, ...plan.folder.split('/'));
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    if (plan.kind === 'attachment' || plan.kind === 'forward') plan.flags.add('a');
    if (plan.kind === 'invite') plan.flags.add('v');
    const base = path.join(dir, String(plan.seq).padStart(width, '0'));
    const bytes = await writer.chunks(`${base}.eml`, renderMail(ctx, plan));
    const meta = sidecar(plan);
    if (meta !== undefined) await writer.small(`${base}.eml.json`, meta);
    const folder = (summary.folders[plan.folder] ??= { messages: 0, bytes: 0 });
    folder.messages += 1;
    folder.bytes += bytes;
    summary.messages += 1;
    summary.bytes += bytes;
    if (plan.attachmentBytes !== undefined && plan.attachmentBytes > 35_000_000) summary.hugeAttachments += 1;
    else if (plan.attachmentBytes !== undefined) summary.largeAttachments += 1;
  }
  await writer.drain();
  return summary;
}
