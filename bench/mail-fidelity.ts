/**
 * `node bench/mail-fidelity.ts DIR…`: measures how faithfully real-world messages that are not in
 * the repository (e.g. ../shared/corpus/mime) survive a Full pass. Every file becomes one message
 * of one emulated Zimbra account, spread over Inbox, Sent, a user folder and a folder nested in it,
 * some unread, flagged, replied, tagged or with an explicit received date; the real
 * `ferry migrate --pass full` moves them to the emulated Microsoft 365 and runs again. Each source
 * message is then compared, field by field, with the Graph message carrying its stamp — the
 * expectation read by mailparser in this process, never by Ferry's converter
 * (mail-fidelity-expect.ts). A measurement: it exits 0 whatever it finds; the summary goes to
 * stdout, every mismatch to /tmp/mail-fidelity.json (or MAIL_FIDELITY_OUT).
 *
 * Zimbra's received date (`d`, which Ferry writes as PR_MESSAGE_DELIVERY_TIME) is, as the emulator
 * derives it at load (mailbox-builder.ts): the `receivedMs` of the message's .eml.json when given;
 * else the date after the last ";" of the topmost Received header; else the Date header; else the
 * file's modification time. This runner derives it again by that definition (receivedMsOf) and
 * reports any disagreement with the emulator as field `receivedDefinition`.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { simpleParser } from 'mailparser';

import { loadDirectory } from '../src/emulators/zimbra/data-dir.ts';
import type { MessageItem } from '../src/emulators/zimbra/model.ts';
import { DESTINATION_DOMAIN } from './emulators.ts';
import { startFidelityPasses } from './fidelity-pass.ts';
import {
  compareMessage,
  FIELDS,
  type Field,
  type GraphMessageJson,
  type Mismatch,
  type Rule,
} from './mail-fidelity-compare.ts';
import { expectedOf, toSecond } from './mail-fidelity-expect.ts';

const ACCOUNT = 'mailfidelity@zimbra.test';
const DESTINATION = `mailfidelity@${DESTINATION_DOMAIN}`;
const OUT = process.env.MAIL_FIDELITY_OUT ?? '/tmp/mail-fidelity.json';
/** Every source file's modification time: the last fallback of Zimbra's received date. */
const FILE_TIME_MS = Date.UTC(2022, 5, 15, 10, 20, 30, 789);
const TAGS = [
  { name: 'Work', color: 3 },
  { name: 'Personal €', rgb: '#5b9bf2' },
];

/** Zimbra folder (data-dir path) → the Graph folder path Ferry must put its messages in. */
const FOLDERS: readonly { zimbra: string; graph: string }[] = [
  { zimbra: 'Inbox', graph: 'Inbox' },
  { zimbra: 'Sent', graph: 'Sent Items' },
  { zimbra: 'Lists', graph: 'Lists' },
  { zimbra: 'Lists/Archive 2019', graph: 'Lists/Archive 2019' },
  { zimbra: 'Inbox', graph: 'Inbox' },
];

interface Placement {
  readonly source: string;
  readonly target: string;
  readonly graphFolder: string;
  readonly meta: { flags: string; tags: string[]; receivedMs?: number };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Where message `index` goes and what Zimbra says about it: a fixed spread, so runs compare. */
function place(source: string, index: number, mailDir: string): Placement {
  const folder = FOLDERS[index % FOLDERS.length]!;
  let flags = folder.zimbra === 'Sent' ? 's' : '';
  if (index % 3 === 0) flags += 'u';
  if (index % 7 === 0) flags += 'f';
  if (index % 11 === 0) flags += 'r';
  if (index % 13 === 5) flags += '!';
  const tags = index % 6 === 0 ? ['Work'] : index % 10 === 3 ? ['Work', 'Personal €'] : [];
  const base = path
    .basename(source)
    .replace(/[^\w.-]+/g, '-')
    .slice(0, 60);
  return {
    source,
    target: path.join(mailDir, folder.zimbra, `${String(index).padStart(3, '0')}-${base}.eml`),
    graphFolder: folder.graph,
    // Odd messages carry an explicit received date with milliseconds (Graph keeps seconds).
    meta: {
      flags,
      tags,
      ...(index % 2 === 1 ? { receivedMs: Date.UTC(2023, 0, 1) + index * 3_600_000 + 17_345 } : {}),
    },
  };
}

type ReceivedSource = '.eml.json' | 'Received header' | 'Date header' | 'file time';

/** Zimbra's received date by the definition in the header comment, from this runner's own parse. */
async function receivedMsOf(
  raw: Buffer,
  meta: Placement['meta'],
): Promise<{ ms: number; source: ReceivedSource }> {
  if (meta.receivedMs !== undefined) return { ms: meta.receivedMs, source: '.eml.json' };
  const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
  const parsed = await simpleParser(bom ? raw.subarray(3) : raw, {
    skipHtmlToText: true,
    skipTextLinks: true,
  });
  const first = (key: string) => {
    const line = parsed.headerLines.find((h) => h.key === key)?.line;
    return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]/g, ' ');
  };
  const parse = (value: string | undefined) =>
    value === undefined ? Number.NaN : Date.parse(value.replace(/\([^)]*\)/g, '').trim());
  const received = first('received');
  const fromReceived = parse(received?.slice(received.lastIndexOf(';') + 1));
  if (Number.isFinite(fromReceived)) return { ms: fromReceived, source: 'Received header' };
  const fromDate = parse(first('date'));
  return Number.isFinite(fromDate)
    ? { ms: fromDate, source: 'Date header' }
    : { ms: FILE_TIME_MS, source: 'file time' };
}

async function main(): Promise<void> {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) throw new Error('usage: node bench/mail-fidelity.ts DIR [DIR…]');
  const files = (await Promise.all(dirs.map(filesUnder))).flat();
  const work = await mkdtemp(path.join(tmpdir(), 'ferry-mail-fidelity-'));
  // As root, the embedded PostgreSQL runs as "postgres" and must be able to enter the data dir.
  await chmod(work, 0o755);
  const zimbraDir = path.join(work, 'zimbra');
  const accountDir = path.join(zimbraDir, 'accounts', ACCOUNT);
  const placements = files.map((file, index) => place(file, index, path.join(accountDir, 'mail')));
  for (const p of placements) {
    await mkdir(path.dirname(p.target), { recursive: true });
    await writeFile(p.target, await readFile(p.source));
    await utimes(p.target, FILE_TIME_MS / 1000, FILE_TIME_MS / 1000);
    await writeFile(`${p.target}.json`, JSON.stringify(p.meta));
  }
  await writeFile(path.join(accountDir, 'tags.json'), JSON.stringify(TAGS));
  const zimbraItems = new Map<string, MessageItem>();
  for (const item of loadDirectory(zimbraDir, undefined).accounts.get(ACCOUNT)!.mailbox.items.values()) {
    if (item.kind === 'message') zimbraItems.set(item.file, item);
  }

  const run = await startFidelityPasses({
    name: 'mail-fidelity',
    work,
    zimbraDir: zimbraDir,
    source: ACCOUNT,
    destination: DESTINATION,
    itemTypes: ['mail'],
  });
  const { emulators } = run;
  try {
    const dump = async () =>
      (
        (await (await fetch(`${emulators.m365.graphUrl}/_emulator/mailboxes/${DESTINATION}`)).json()) as {
          mailFolders: { path: string; messages: GraphMessageJson[] }[];
        }
      ).mailFolders.flatMap((f) => f.messages.map((message) => ({ folder: f.path, message })));

    const first = await run.fullPass();
    const arrived = await dump();
    const byStamp = new Map<string, typeof arrived>();
    for (const copy of arrived) {
      const stamp = copy.message.singleValueExtendedProperties.find((p) =>
        p.id.endsWith('Name FerrySourceId'),
      )?.value;
      if (stamp !== undefined) byStamp.set(stamp, [...(byStamp.get(stamp) ?? []), copy]);
    }

    const counts = Object.fromEntries(FIELDS.map((f) => [f, { compared: 0, equal: 0 }])) as Record<
      Field,
      { compared: number; equal: number }
    >;
    const mismatches: Mismatch[] = [];
    const rules: Partial<Record<Rule, string[]>> = {};
    const receivedFrom: Record<ReceivedSource, number> = {
      '.eml.json': 0,
      'Received header': 0,
      'Date header': 0,
      'file time': 0,
    };
    const sourceShape = { attachments: 0, htmlBodies: 0, importance: { high: 0, normal: 0, low: 0 } };
    for (const p of placements) {
      const file = path.basename(p.source);
      const item = zimbraItems.get(p.target);
      if (item === undefined) {
        mismatches.push({ file, field: 'exactlyOnce', expected: 'loaded by Zimbra', actual: 'not loaded' });
        counts.exactlyOnce.compared++;
        continue;
      }
      const raw = await readFile(p.target);
      const received = await receivedMsOf(raw, p.meta);
      receivedFrom[received.source]++;
      counts.receivedDefinition.compared++;
      if (toSecond(received.ms) === toSecond(item.date)) counts.receivedDefinition.equal++;
      else {
        mismatches.push({
          file,
          field: 'receivedDefinition',
          expected: `${toSecond(received.ms)} from the ${received.source}`,
          actual: `Zimbra's d ${toSecond(item.date)}`,
        });
      }
      const expected = await expectedOf(raw, {
        flags: item.flags,
        tags: item.tags,
        receivedMs: item.date,
      });
      sourceShape.attachments += expected.attachments.length;
      if (expected.body.kind === 'html') sourceShape.htmlBodies++;
      sourceShape.importance[expected.importance]++;
      const verdict = await compareMessage(
        file,
        expected,
        byStamp.get(`zimbra:${ACCOUNT}:${item.id}`) ?? [],
        p.graphFolder,
      );
      for (const [field, equal] of Object.entries(verdict.fields) as [Field, boolean][]) {
        counts[field].compared++;
        if (equal) counts[field].equal++;
      }
      mismatches.push(...verdict.mismatches);
      for (const rule of verdict.rules) rules[rule] = [...(rules[rule] ?? []), file];
    }

    const second = await run.fullPass();
    const after = await dump();
    const mailbox = first.mailboxes[0]!;
    const report = {
      messages: placements.length,
      firstPass: { status: mailbox.status, items: mailbox.items, failures: mailbox.errors },
      graphMessages: arrived.length,
      unstamped: arrived.length - [...byStamp.values()].flat().length,
      fields: counts,
      rules,
      receivedFrom,
      sourceShape,
      secondPass: {
        status: second.mailboxes[0]!.status,
        items: second.mailboxes[0]!.items,
        created: after.length - arrived.length,
      },
      mismatches,
    };
    await writeFile(OUT, `${JSON.stringify(report, null, 2)}\n`);
    printSummary(report);
  } finally {
    await run.close();
    await rm(work, { recursive: true, force: true });
  }
}

function printSummary(report: {
  messages: number;
  graphMessages: number;
  unstamped: number;
  fields: Record<Field, { compared: number; equal: number }>;
  rules: Partial<Record<Rule, string[]>>;
  receivedFrom: Record<string, number>;
  sourceShape: { attachments: number; htmlBodies: number; importance: Record<string, number> };
  secondPass: { created: number };
  mismatches: Mismatch[];
}): void {
  const lines = [
    `source messages ${report.messages}, Graph messages ${report.graphMessages} (${report.unstamped} unstamped)`,
    `source: ${report.sourceShape.attachments} attachments, ${report.sourceShape.htmlBodies} HTML bodies, importance ${JSON.stringify(report.sourceShape.importance)}`,
    `Zimbra's received date from ${JSON.stringify(report.receivedFrom)}`,
    `messages under a documented rule (see Rule in mail-fidelity-compare.ts):`,
    ...Object.entries(report.rules).map(([rule, files]) => `  ${rule.padEnd(28)} ${files?.length ?? 0}`),
    `second Full pass created ${report.secondPass.created}`,
    '',
    `${'field'.padEnd(18)} ${'compared'.padStart(8)} ${'equal'.padStart(8)} ${'differ'.padStart(8)}`,
  ];
  for (const [field, c] of Object.entries(report.fields)) {
    lines.push(
      `${field.padEnd(18)} ${String(c.compared).padStart(8)} ${String(c.equal).padStart(8)} ${String(c.compared - c.equal).padStart(8)}`,
    );
  }
  lines.push('', `${report.mismatches.length} mismatches in ${OUT}`);
  for (const m of report.mismatches) {
    lines.push(`  ${m.file} ${m.field}: expected ${short(m.expected)} actual ${short(m.actual)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

const short = (value: unknown): string => {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
};

await main();
