/**
 * `npm run bench`: migrates a generated corpus emulator to emulator with the real `ferry migrate`, once
 * per scenario (limits off, Microsoft's limits with windows compressed by F, Zimbra's default DoSFilter), side by side in one
 * run; prints a table and writes bench/results/<timestamp>.json. Speed is compared, never asserted.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { parseLatency } from '../src/emulators/m365/latency.ts';
import { checkFreeDisk, prepareCorpus } from './corpus.ts';
import { formatMailboxes, formatTable } from './report.ts';
import { runScenario, scenarioSpec, type ScenarioResult } from './scenario.ts';

const USAGE = `usage: node bench/run.ts [--accounts 5] [--messages 5000] [--compress 5] [--at-once 2] [--seed 1]
       [--quick] [--scenarios off,ceiling,dos] [--graph-latency off] [--timeout-min 60] [--cpu-prof] [--keep]
  --quick       2 mailboxes × 300 messages (smoke run)
  --compress F  limits of the ceiling scenario: Microsoft's budgets and windows divided by F (same rates)
  --at-once N   mailboxes the ceiling scenario migrates at a time (each must reach 0.5 MB/s)
  --scenarios   off = no limits; ceiling = emulator and Ferry at compressed:F; dos = Zimbra DoSFilter at 30/s
  --graph-latency  service time of the emulated Exchange: off, default or a spec (src/emulators/m365/latency.ts)
  --cpu-prof    write a V8 CPU profile of Ferry per scenario into the results directory
  --keep        keep each scenario's Ferry data dir and plan (printed)`;

const { values } = parseArgs({
  options: {
    accounts: { type: 'string' },
    messages: { type: 'string' },
    compress: { type: 'string', default: '5' },
    'at-once': { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
    scenarios: { type: 'string', default: 'off,ceiling,dos' },
    'graph-latency': { type: 'string', default: 'off' },
    'timeout-min': { type: 'string', default: '60' },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const accounts = positive('accounts', values.accounts ?? (values.quick ? '2' : '5'));
const messages = positive('messages', values.messages ?? (values.quick ? '300' : '5000'));
const compress = positive('compress', values.compress);
const seed = positive('seed', values.seed, 0);
const timeoutMs = positive('timeout-min', values['timeout-min']) * 60_000;
const kinds = values.scenarios.split(',').filter((k) => k !== '');
const atOnce = positive('at-once', values['at-once']);
const specs = kinds.map((k) => scenarioSpec(k, { compression: compress, mailboxesAtOnce: atOnce }));
const graphLatency = parseLatency(values['graph-latency']);

const resultsDir = path.resolve(import.meta.dirname, 'results');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
await mkdir(resultsDir, { recursive: true });
await checkFreeDisk({ accounts, messages, seed }, tmpdir());

const log = (line: string): void => void process.stderr.write(`${line}\n`);
log(`bench: corpus ${accounts} × ${messages} (seed ${seed})…`);
const corpus = await prepareCorpus({ accounts, messages, seed });
log(
  corpus.cached
    ? `bench: corpus cached at ${corpus.dataDir}`
    : `bench: corpus generated in ${corpus.generatedInS.toFixed(1)} s at ${corpus.dataDir}`,
);
log(`bench: ${corpus.messages} messages, ${(corpus.bytes / 1024 ** 2).toFixed(1)} MB`);

const results: ScenarioResult[] = [];
for (const spec of specs) {
  log(`bench: scenario "${spec.name}"…`);
  const cpuProfileDir = values['cpu-prof'] ? path.join(resultsDir, `${stamp}-cpu-prof`) : undefined;
  const result = await runScenario(spec, {
    corpus,
    timeoutMs,
    cpuProfileDir,
    keepDataDir: values.keep,
    graphLatency,
  });
  results.push(result);
  log(
    `bench: "${spec.name}" exit ${result.exitCode}, ${result.items} items in ${result.wallS.toFixed(1)} s\n${formatMailboxes(result)}`,
  );
  if (result.exitCode !== 0 && result.stderrTail !== '')
    log(`bench: ferry stderr (tail):\n${result.stderrTail}`);
}

process.stdout.write(
  `\nFerry migrate, ${accounts} mailboxes × ${messages} messages, ${(corpus.bytes / 1024 ** 2).toFixed(0)} MB, ${cpus().length} CPUs, Node ${process.version}\n\n${formatTable(results)}\n\n` +
    'items/s and MB/s over wall time (Ferry start to exit); CPU-s/1k and RSS are the Ferry process alone;\n' +
    'PG = its embedded PostgreSQL (CPU of reaped children, summed Pss); emu = both emulators in the bench process;\n' +
    'ceiling = what a mailbox sent ÷ the most its windows allowed in its duration, B × (1 + T / W), the binding of\n' +
    'requests and bytes (mean and worst mailbox); sustained = its rate after the first window ÷ B / W (worst mailbox).\n',
);
const file = path.join(resultsDir, `${stamp}.json`);
await writeFile(
  file,
  `${JSON.stringify(
    {
      startedAt: new Date().toISOString(),
      options: {
        accounts,
        messages,
        compress,
        atOnce,
        seed,
        scenarios: kinds,
        graphLatency: values['graph-latency'],
      },
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryBytes: totalmem(),
        node: process.version,
      },
      commit: gitCommit(),
      corpus: { messages: corpus.messages, bytes: corpus.bytes, accounts: corpus.accounts },
      scenarios: results,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`\nwrote ${path.relative(process.cwd(), file)}\n`);
process.exitCode = results.some((r) => r.exitCode !== 0) ? 1 : 0;

function positive(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    process.stderr.write(`--${name} must be a number of at least ${min}, not "${value}"\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

function gitCommit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    });
    return dirty.trim() === '' ? head : `${head} (+ local changes)`;
  } catch {
    return undefined;
  }
}
