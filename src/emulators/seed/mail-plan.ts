/**
 * Plans an account's mail before any byte is written: dates, folders, threads, kinds, sizes, flags
 * and tags. Planning first lets a reply mark the message it answers as replied (`r`).
 */
import { BASE_MS, DAY_MS, type AccountContext } from './account-context.ts';
import { SPAM_SUBJECTS, SUBJECTS } from './mail-content.ts';
import { USER_MAIL_FOLDERS } from './mail-folders.ts';
import type { Person } from './people.ts';
import type { Random } from './random.ts';

export const MESSAGE_KINDS = [
  'plain',
  'alternative',
  'inline-image',
  'attachment',
  'forward',
  'legacy-charset',
  'invite',
  'html-only',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface MessagePlan {
  readonly seq: number;
  folder: string;
  readonly dateMs: number;
  /** The sender's UTC offset in minutes, used in the Date and Received headers. */
  readonly zoneMinutes: number;
  readonly from: Person;
  readonly to: readonly Person[];
  readonly cc: readonly Person[];
  readonly subject: string;
  readonly messageId: string;
  readonly references: readonly string[];
  kind: MessageKind;
  /** Approximate size of the encoded message. */
  targetBytes: number;
  /** Raw size of the main attachment when it is fixed (the > 3 MB and > 35 MB cases). */
  attachmentBytes: number | undefined;
  /** How many messages of the same kind came before (picks charsets and layouts in turn). */
  variant: number;
  readonly flags: Set<string>;
  readonly tags: readonly string[];
  readonly receivedMs: number | undefined;
  readonly incoming: boolean;
  readonly spam: boolean;
  /** The message this one answers or forwards, if any. */
  readonly replyTo: MessagePlan | undefined;
}

interface Thread {
  readonly subject: string;
  readonly partner: Person;
  /** Where received messages of the thread are filed. */
  readonly folder: string;
  last: MessagePlan;
}

const ZONES = [60, 120, -300, -240, 330, 540, 0, 60, 120] as const;
const TWO_YEARS_MS = 730 * DAY_MS;
/** Attachments above 3 MB: Graph needs an upload session for them. */
export const LARGE_MIN_BYTES = 3_200_000;
/** An attachment above 35 MB, the default Exchange Online message size limit. */
export const HUGE_BYTES = 36_700_000;

const NEW_KINDS: readonly (readonly [number, MessageKind])[] = [
  [24, 'plain'],
  [30, 'alternative'],
  [10, 'inline-image'],
  [18, 'attachment'],
  [4, 'forward'],
  [7, 'legacy-charset'],
  [3, 'invite'],
  [4, 'html-only'],
];

/**
 * Kinds of the first new (non-reply) messages of every mailbox, so even a small mailbox has all
 * four legacy charsets, both inline-image layouts and every other kind.
 */
const COVERAGE_KINDS: readonly MessageKind[] = [
  'legacy-charset',
  'inline-image',
  'attachment',
  'legacy-charset',
  'forward',
  'inline-image',
  'legacy-charset',
  'invite',
  'html-only',
  'legacy-charset',
  'alternative',
  'plain',
];

function messageId(random: Random, domain: string, dateMs: number, seq: number): string {
  return random.chance(0.5)
    ? `<${random.int(100000000, 999999999)}.${seq}.${dateMs}.JavaMail.zimbra@${domain}>`
    : `<${random.hex(8)}-${random.hex(4)}-${random.hex(4)}-${random.hex(12)}@${domain}>`;
}

function targetSize(random: Random): number {
  return random.chance(0.07) ? random.logUniform(100_000, 2_000_000) : random.logUniform(2_000, 50_000);
}

/**
 * Plans `count` messages for the account, oldest first; drafts are the newest few. With `huge`, one
 * received message gets an attachment above 35 MB.
 */
export function planMail(random: Random, ctx: AccountContext, count: number, huge: boolean): MessagePlan[] {
  const times = Array.from({ length: count }, () => BASE_MS - Math.floor(random.next() * TWO_YEARS_MS)).sort(
    (a, b) => a - b,
  );
  const draftCount = count < 10 ? Math.min(1, count) : Math.max(1, Math.round(count * 0.005));
  const people = [...ctx.externals, ...ctx.colleagues];
  const threads: Thread[] = [];
  const plans: MessagePlan[] = [];
  const me = ctx.person;
  const firstKinds = [...COVERAGE_KINDS];
  const kindCounts = new Map<MessageKind, number>();
  const coverage = new Set<MessagePlan>();
  for (const [i, dateMs] of times.entries()) {
    const seq = i + 1;
    const draft = i >= count - draftCount;
    const spam = !draft && random.chance(0.03);
    const open = threads.slice(-20);
    const thread = !draft && !spam && open.length > 0 && random.chance(0.35) ? random.pick(open) : undefined;
    const incoming = spam || (thread === undefined ? !draft && random.chance(0.82) : !thread.last.incoming);
    const partner = thread?.partner ?? random.pick(people);
    const forward = thread !== undefined && !incoming && random.chance(0.15);
    const fresh = thread === undefined && !spam && !draft;
    const covering = fresh && firstKinds.length > 0;
    let kind: MessageKind = covering ? (firstKinds.shift() ?? 'plain') : random.weighted(NEW_KINDS);
    let subject: string = spam ? random.pick(SPAM_SUBJECTS) : random.pick(SUBJECTS);
    if (thread !== undefined) {
      subject = `${forward ? 'Fwd: ' : random.pick(['Re: ', 'Re: ', 'AW: ', 'RE: '])}${thread.subject}`;
      kind = forward ? 'forward' : random.pick(['plain', 'alternative', 'alternative'] as const);
      thread.last.flags.add(forward ? 'w' : 'r');
    }
    const filedFolder = thread?.folder ?? (random.chance(0.3) ? random.weighted(USER_MAIL_FOLDERS) : 'Inbox');
    let folder = spam ? 'Junk' : draft ? 'Drafts' : incoming ? filedFolder : 'Sent';
    if (!spam && !draft && random.chance(0.04)) folder = 'Trash';
    const extra = random.chance(0.3)
      ? random.sample(people, random.int(1, 4)).filter((p) => p !== partner)
      : [];
    const flags = new Set<string>();
    if (incoming && (BASE_MS - dateMs < 30 * DAY_MS ? random.chance(0.5) : random.chance(0.04) || spam))
      flags.add('u');
    if (random.chance(0.05)) flags.add('f');
    if (!incoming && !draft) flags.add('s');
    if (draft) flags.add('d');
    const priority = random.weighted([
      [94, ''],
      [4, '!'],
      [2, '?'],
    ] as const);
    if (priority !== '') flags.add(priority);
    const tags = random.chance(0.15) ? random.sample(ctx.tags, random.int(1, 2)) : [];
    const references =
      thread === undefined ? [] : [...thread.last.references, thread.last.messageId].slice(-10);
    const zoneMinutes = incoming ? random.pick(ZONES) : 60;
    const plan: MessagePlan = {
      seq,
      folder,
      dateMs,
      zoneMinutes,
      from: incoming ? partner : me,
      to: incoming ? [me, ...(random.chance(0.2) ? extra.slice(0, 2) : [])] : [partner],
      cc: random.chance(0.25) ? extra : [],
      subject,
      messageId: messageId(
        random,
        incoming ? (partner.email.split('@')[1] ?? ctx.domain) : ctx.domain,
        dateMs,
        seq,
      ),
      references,
      kind,
      targetBytes: thread === undefined && !covering ? targetSize(random) : random.logUniform(2_000, 20_000),
      attachmentBytes: undefined,
      variant: 0,
      flags,
      tags,
      receivedMs: random.chance(0.92) ? dateMs + (incoming ? random.int(2_000, 120_000) : 0) : undefined,
      incoming,
      spam,
      replyTo: thread?.last,
    };
    if (plan.targetBytes > 60_000 && !['attachment', 'forward'].includes(kind)) plan.kind = 'attachment';
    plan.variant = kindCounts.get(plan.kind) ?? 0;
    kindCounts.set(plan.kind, plan.variant + 1);
    if (thread !== undefined) thread.last = plan;
    else if (!spam && !draft && random.chance(0.5))
      threads.push({ subject, partner, folder: filedFolder, last: plan });
    plans.push(plan);
    if (covering) coverage.add(plan);
  }
  markLarge(
    random,
    plans.filter((p) => !coverage.has(p)),
    count,
    huge,
  );
  return plans;
}

/**
 * Gives some received messages attachments above 3 MB (one per 1,500 messages, at least one from 50
 * messages on) and, with `huge`, one an attachment above 35 MB.
 */
function markLarge(random: Random, plans: readonly MessagePlan[], count: number, huge: boolean): void {
  const candidates = plans.filter(
    (p) => p.incoming && !p.spam && p.folder !== 'Trash' && p.replyTo === undefined,
  );
  const large = count < 50 ? 0 : Math.max(1, Math.floor(count / 1500));
  const chosen = random.sample(candidates, large + (huge ? 1 : 0));
  for (const [i, plan] of chosen.entries()) {
    plan.kind = 'attachment';
    plan.attachmentBytes = i < large ? random.int(LARGE_MIN_BYTES, 9_000_000) : HUGE_BYTES;
  }
}
