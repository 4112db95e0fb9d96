/** One benchmark scenario: fresh emulators, a fresh Ferry data dir, one Full pass, its measurements. */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { MailboxReport } from '../src/domain/migration.ts';
import type { LatencyPlan } from '../src/emulators/m365/latency.ts';
import type { Limits, MailboxStats } from '../src/emulators/m365/throttle.ts';
import { type Corpus } from './corpus.ts';
import { CLIENT_ID, DESTINATION_DOMAIN, TENANT_ID, startEmulators, type EmulatorPair } from './emulators.ts';
import { runFerry } from './ferry-process.ts';
import { startHttpTap, type ServerTally } from './http-tap.ts';
import { ceilingFraction, type CeilingFraction, type Sample, sustainedFraction } from './ceiling.ts';

/** Ferry's own budgets that never bind (windows of well under a millisecond); its 4-request concurrency stays. */
const FERRY_LIMITS_OFF = 'scaled:1000000';

export interface ScenarioSpec {
  readonly name: string;
  /** Throttling of the emulated Graph. */
  readonly graphLimits: Limits;
  /** Ferry's `--graph-limits`. */
  readonly ferryLimits: string;
  /** The Zimbra DoSFilter limit per account and second; 0 = off. */
  readonly zimbraDosPerSec: number;
  /** The plan's maxConcurrentMigrations; undefined = every mailbox at once. */
  readonly maxConcurrentMigrations?: number;
}

export function scenarioSpec(
  kind: string,
  ceiling: { readonly compression: number; readonly mailboxesAtOnce: number },
): ScenarioSpec {
  if (kind === 'off')
    return { name: 'limits off', graphLimits: 'off', ferryLimits: FERRY_LIMITS_OFF, zimbraDosPerSec: 0 };
  if (kind === 'ceiling')
    return {
      name: `compressed:${ceiling.compression}`,
      graphLimits: { compressed: ceiling.compression },
      ferryLimits: `compressed:${ceiling.compression}`,
      zimbraDosPerSec: 0,
      maxConcurrentMigrations: ceiling.mailboxesAtOnce,
    };
  if (kind === 'dos')
    return {
      name: 'zimbra DoS 30/s',
      graphLimits: 'off',
      ferryLimits: FERRY_LIMITS_OFF,
      zimbraDosPerSec: 30,
    };
  throw new Error(`unknown scenario "${kind}" (off, ceiling, dos)`);
}

export interface MailboxResult {
  readonly source: string;
  readonly destination: string;
  readonly status: string;
  readonly migrated: number;
  readonly failed: number;
  readonly bytes: number;
  readonly durationS: number;
  readonly throttledS: number;
  readonly requests: number;
  readonly throttled429: number;
  readonly throttledBy: MailboxStats['throttledBy'] | undefined;
  readonly bytesUploaded: number;
  readonly maxConcurrency: number;
  /** Against the limits the emulator enforced, or Microsoft's own when it enforced none. */
  readonly ceiling: CeilingFraction;
  /** The rate after the mailbox's first window ÷ the window's rate (the burst left out). */
  readonly sustained: CeilingFraction;
}

export interface ScenarioResult {
  readonly spec: ScenarioSpec;
  readonly exitCode: number | null;
  readonly mailboxes: readonly MailboxResult[];
  readonly items: number;
  readonly failed: number;
  readonly bytes: number;
  readonly wallS: number;
  /** From the first mailbox's start to the last one's end (excludes Ferry's start-up and shutdown). */
  readonly passS: number;
  readonly itemsPerS: number;
  readonly mbPerS: number;
  readonly ferryCpuS: number | undefined;
  readonly cpuSPer1000Items: number | undefined;
  readonly ferryPeakRssMb: number | undefined;
  readonly postgresCpuS: number | undefined;
  readonly postgresPeakPssMb: number;
  /** The bench process: both emulators plus the sampler. */
  readonly emulatorCpuS: number;
  readonly requests: number;
  readonly throttled429: number;
  readonly share429: number;
  readonly meanCeilingFraction: number;
  /** What the emulators served: Zimbra (user and admin ports together) and Graph (with identity). */
  readonly zimbraServed: ServerTally;
  readonly graphServed: ServerTally;
  readonly stderrTail: string;
}

export interface ScenarioOptions {
  readonly corpus: Corpus;
  readonly timeoutMs: number;
  readonly cpuProfileDir?: string | undefined;
  readonly keepDataDir?: boolean;
  /** Service time of the emulated Exchange; none when undefined. */
  readonly graphLatency?: LatencyPlan | undefined;
}

export async function runScenario(spec: ScenarioSpec, options: ScenarioOptions): Promise<ScenarioResult> {
  const work = await mkdtemp(path.join(tmpdir(), 'ferry-bench-'));
  // As root, Ferry runs PostgreSQL as "postgres", which must pass through the parent of the data dir.
  await chmod(work, 0o711);
  const emulators = await startEmulators({
    zimbraDataDir: options.corpus.dataDir,
    zimbraDosPerSec: spec.zimbraDosPerSec,
    graphLimits: spec.graphLimits,
    graphLatency: options.graphLatency,
  });
  try {
    const planFile = path.join(work, 'plan.json');
    await writeFile(planFile, JSON.stringify(plan(options.corpus, emulators, spec), null, 2));
    const tap = startHttpTap();
    const timeline = sampleTimeline(emulators);
    const cpuBefore = process.cpuUsage();
    const run = await runFerry({
      args: [
        'migrate',
        '--plan',
        planFile,
        '--pass',
        'full',
        '--data-dir',
        path.join(work, 'data'),
        '--json',
        '--graph-limits',
        spec.ferryLimits,
      ],
      usageFile: path.join(work, 'usage.json'),
      timeoutMs: options.timeoutMs,
      cpuProfileDir: options.cpuProfileDir,
    });
    const cpu = process.cpuUsage(cpuBefore);
    const samples = await timeline.stop();
    tap.stop();
    const port = (url: string): number => Number(new URL(url).port);
    const zimbraServed = mergeTallies(
      tap.tally(port(emulators.zimbra.url)),
      tap.tally(port(emulators.zimbra.adminUrl)),
    );
    const graphServed = tap.tally(port(emulators.m365.graphUrl));
    const stats = await emulators.stats();
    const reports = parseReports(run.stdout);
    const ceilingLimits = spec.graphLimits === 'off' ? 'microsoft' : spec.graphLimits;
    const mailboxes = reports.map((r): MailboxResult => {
      const s = stats[r.destination.toLowerCase()];
      const durationS = r.durationMs / 1000;
      const requests = s?.requests ?? 0;
      const bytesUploaded = s?.bytesUploaded ?? 0;
      return {
        source: r.source,
        destination: r.destination,
        status: r.status,
        migrated: r.items.mail.migrated,
        failed: r.items.mail.failed,
        bytes: r.items.mail.bytes,
        durationS,
        throttledS: r.throttledMs / 1000,
        requests,
        throttled429: s?.throttled429 ?? 0,
        throttledBy: s?.throttledBy,
        bytesUploaded,
        maxConcurrency: s?.maxConcurrency ?? 0,
        ceiling: ceilingFraction(ceilingLimits, requests, bytesUploaded, durationS),
        sustained: sustainedFraction(ceilingLimits, samples, r.destination.toLowerCase()),
      };
    });
    const items = sum(mailboxes.map((m) => m.migrated));
    const bytes = sum(mailboxes.map((m) => m.bytes));
    const requests = sum(Object.values(stats).map((s) => s.requests));
    const throttled429 = sum(Object.values(stats).map((s) => s.throttled429));
    const ferryCpuS = run.usage === undefined ? undefined : run.usage.userCpuS + run.usage.systemCpuS;
    return {
      spec,
      exitCode: run.exitCode,
      mailboxes,
      items,
      failed: sum(mailboxes.map((m) => m.failed)),
      bytes,
      wallS: run.wallS,
      passS: Math.max(0, ...mailboxes.map((m) => m.durationS)),
      itemsPerS: items / run.wallS,
      mbPerS: bytes / 1024 ** 2 / run.wallS,
      ferryCpuS,
      cpuSPer1000Items: ferryCpuS === undefined || items === 0 ? undefined : (ferryCpuS / items) * 1000,
      ferryPeakRssMb: run.usage === undefined ? undefined : run.usage.maxRssBytes / 1024 ** 2,
      postgresCpuS: run.usage?.childrenCpuS,
      postgresPeakPssMb: run.postgresPeakPssBytes / 1024 ** 2,
      emulatorCpuS: (cpu.user + cpu.system) / 1e6,
      requests,
      throttled429,
      share429: requests === 0 ? 0 : throttled429 / requests,
      meanCeilingFraction:
        mailboxes.length === 0 ? 0 : sum(mailboxes.map((m) => m.ceiling.max)) / mailboxes.length,
      zimbraServed,
      graphServed,
      stderrTail: run.stderr.split('\n').slice(-20).join('\n').trim(),
    };
  } finally {
    await emulators.close();
    if (options.keepDataDir !== true) await rm(work, { recursive: true, force: true });
  }
}

function plan(corpus: Corpus, emulators: EmulatorPair, spec: ScenarioSpec): object {
  return {
    name: 'bench',
    source: {
      type: 'zimbra',
      url: emulators.zimbra.url,
      adminUrl: emulators.zimbra.adminUrl,
      username: corpus.admin.name,
      password: corpus.admin.password,
    },
    destination: {
      type: 'm365',
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: emulators.clientSecret,
      authorityUrl: emulators.m365.authorityUrl,
      graphUrl: emulators.m365.graphUrl,
    },
    users: corpus.accounts.map((a) => ({
      source: a.email,
      destination: `${a.email.split('@')[0] ?? a.email}@${DESTINATION_DOMAIN}`,
    })),
    options: {
      maxConcurrentMigrations: spec.maxConcurrentMigrations ?? corpus.accounts.length,
      itemTypes: ['mail'],
    },
  };
}

/** The emulated Graph's per-mailbox counters once a second while Ferry runs. */
function sampleTimeline(emulators: EmulatorPair): { stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  let sampling: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    sampling = emulators
      .stats()
      .then((mailboxes) => void samples.push({ atMs: Date.now(), mailboxes }))
      .catch(() => undefined);
  }, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      return samples;
    },
  };
}

function parseReports(stdout: string): MailboxReport[] {
  const start = stdout.indexOf('{');
  if (start < 0) return [];
  try {
    return (JSON.parse(stdout.slice(start)) as { mailboxes: MailboxReport[] }).mailboxes;
  } catch {
    return [];
  }
}

function mergeTallies(a: ServerTally, b: ServerTally): ServerTally {
  const byKind = { ...a.byKind };
  for (const [kind, n] of Object.entries(b.byKind)) byKind[kind] = (byKind[kind] ?? 0) + n;
  return {
    requests: a.requests + b.requests,
    errors5xx: a.errors5xx + b.errors5xx,
    busyS: a.busyS + b.busyS,
    byKind,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
