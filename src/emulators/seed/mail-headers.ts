/**
 * The header block of a generated message: trace (Received), addressing, threading, priority and
 * client headers, in the order real mail has them.
 */
import type { AccountContext } from './account-context.ts';
import type { MessagePlan } from './mail-plan.ts';
import { formatAddress } from './mime-encoding.ts';
import type { Person } from './people.ts';
import type { Random } from './random.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const MAILERS = [
  'Microsoft Outlook 16.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0',
  'Apple Mail (2.3774.300.61.1.2)',
  'Roundcube Webmail/1.6.5',
] as const;

/** RFC 5322 date-time of `ms` as seen in a zone `zoneMinutes` east of UTC. */
export function rfc5322Date(ms: number, zoneMinutes: number): string {
  const d = new Date(ms + zoneMinutes * 60_000);
  const sign = zoneMinutes < 0 ? '-' : '+';
  const abs = Math.abs(zoneMinutes);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  const time = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} ${zone}`;
}

export function addressList(people: readonly Person[]): string {
  return people.map((p) => formatAddress(p.name, p.email)).join(',\r\n ');
}

function received(random: Random, ctx: AccountContext, plan: MessagePlan): string[] {
  const at = plan.receivedMs ?? plan.dateMs + 30_000;
  const senderDomain = plan.from.email.split('@')[1] ?? 'example.com';
  const ip = `203.0.113.${random.int(2, 250)}`;
  return [
    `Received: from mta.${ctx.domain} (LHLO mta.${ctx.domain}) (10.0.0.5)\r\n by mbox1.${ctx.domain} with LMTP; ${rfc5322Date(at, 60)}`,
    `Received: from mail.${senderDomain} (mail.${senderDomain} [${ip}])\r\n by mta.${ctx.domain} (Postfix) with ESMTPS id ${random.hex(10).toUpperCase()}\r\n for <${ctx.person.email}>; ${rfc5322Date(at - 1_000, 60)}`,
  ];
}

/** All top-level headers except MIME-Version and the root Content-Type; `subject` is already encoded. */
export function messageHeaders(
  random: Random,
  ctx: AccountContext,
  plan: MessagePlan,
  subject: string,
): string[] {
  const headers: string[] = [];
  if (plan.incoming) headers.push(`Return-Path: <${plan.from.email}>`, ...received(random, ctx, plan));
  headers.push(
    `Date: ${rfc5322Date(plan.dateMs, plan.zoneMinutes)}`,
    `From: ${formatAddress(plan.from.name, plan.from.email)}`,
    `To: ${addressList(plan.to)}`,
  );
  if (plan.cc.length > 0) headers.push(`Cc: ${addressList(plan.cc)}`);
  headers.push(`Subject: ${subject}`, `Message-ID: ${plan.messageId}`);
  const parent = plan.replyTo;
  if (parent !== undefined) {
    headers.push(`In-Reply-To: ${parent.messageId}`, `References: ${[...plan.references].join('\r\n ')}`);
  }
  if (plan.flags.has('!')) headers.push('X-Priority: 1 (Highest)', 'Importance: High');
  if (plan.flags.has('?')) headers.push('X-Priority: 5 (Lowest)', 'Importance: Low');
  headers.push(
    plan.incoming
      ? `X-Mailer: ${random.pick(MAILERS)}`
      : 'X-Mailer: Zimbra 8.8.15_GA_4508 (ZimbraWebClient - FF120 (Linux)/8.8.15_GA_4508)',
  );
  if (plan.spam) headers.push('X-Spam-Flag: YES', `X-Spam-Score: ${random.int(6, 25)}.${random.int(0, 9)}`);
  return headers;
}
