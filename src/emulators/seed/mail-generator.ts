/**
 * Writes an account's mail: `mail/<folder>/<seq>.eml` (raw RFC 822) and the optional
 * `<seq>.eml.json` sidecar with flags, tags and the received time.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
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

/** Chunks are gathered and written in batches of this size. */
const WRITE_BATCH = 4 * 1024 * 1024;
/** Messages written between two yields to the event loop. */
const YIELD_EVERY = 200;
/** Flag letters in the order Zimbra prints them. */
const FLAG_ORDER = 'ufarswdv!?';

/**
 * Writes `chunks` to `file` in batches, returning their total size. Synchronous on purpose: for
 * tens of thousands of small files it is several times faster than the thread-pool based async API.
 */
function writeChunks(file: string, chunks: Iterable<Buffer>): number {
  const fd = openSync(file, 'w');
  let total = 0;
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for (const chunk of chunks) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= WRITE_BATCH) {
        writeSync(fd, Buffer.concat(pending));
        total += pendingBytes;
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pendingBytes > 0)
      writeSync(fd, pending.length === 1 ? (pending[0] ?? Buffer.alloc(0)) : Buffer.concat(pending));
    return total + pendingBytes;
  } finally {
    closeSync(fd);
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
export async function generateMail(
  accountDir: string,
  ctx: AccountContext,
  count: number,
  huge: boolean,
): Promise<MailSummary> {
  const plans = planMail(new Random(ctx.seed, 'mail', ctx.index), ctx, count, huge);
  const mailDir = path.join(accountDir, 'mail');
  const summary: MailSummary = {
    messages: 0,
    bytes: 0,
    folders: {},
    largeAttachments: 0,
    hugeAttachments: 0,
  };
  const width = Math.max(5, String(count).length);
  const made = new Set<string>();
  mkdirSync(path.join(mailDir, EMPTY_MAIL_FOLDER), { recursive: true });
  summary.folders[EMPTY_MAIL_FOLDER] = { messages: 0, bytes: 0 };
  for (const plan of plans) {
    if (plan.seq % YIELD_EVERY === 0) await setImmediate();
    const dir = path.join(mailDir, ...plan.folder.split('/'));
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    if (plan.kind === 'attachment' || plan.kind === 'forward') plan.flags.add('a');
    if (plan.kind === 'invite') plan.flags.add('v');
    const base = path.join(dir, String(plan.seq).padStart(width, '0'));
    const bytes = writeChunks(`${base}.eml`, renderMail(ctx, plan));
    const meta = sidecar(plan);
    if (meta !== undefined) writeFileSync(`${base}.eml.json`, meta);
    const folder = (summary.folders[plan.folder] ??= { messages: 0, bytes: 0 });
    folder.messages += 1;
    folder.bytes += bytes;
    summary.messages += 1;
    summary.bytes += bytes;
    if (plan.attachmentBytes !== undefined && plan.attachmentBytes > 35_000_000) summary.hugeAttachments += 1;
    else if (plan.attachmentBytes !== undefined) summary.largeAttachments += 1;
  }
  return summary;
}
