/**
 * Runs `ferry migrate` as a child process (through measured-ferry.ts) so that its CPU time and memory
 * are Ferry's alone, and samples the embedded PostgreSQL it starts (its descendants) from outside.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import { LOOPBACK_ENV } from '../test/support/loopback-outbound.ts';
import type { FerryUsage } from './measured-ferry.ts';

const WRAPPER = path.resolve(import.meta.dirname, 'measured-ferry.ts');
const SAMPLE_EVERY_MS = 1000;

export interface FerryRun {
  readonly exitCode: number | null;
  readonly wallS: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly usage: FerryUsage | undefined;
  /** Peak of the summed proportional set size of the PostgreSQL processes (shared buffers counted once). */
  readonly postgresPeakPssBytes: number;
}

export interface FerryRunOptions {
  readonly args: readonly string[];
  readonly usageFile: string;
  readonly timeoutMs: number;
  /** Directory for a V8 CPU profile of Ferry (node --cpu-prof), when wanted. */
  readonly cpuProfileDir?: string | undefined;
}

export async function runFerry(options: FerryRunOptions): Promise<FerryRun> {
  await rm(options.usageFile, { force: true });
  const nodeFlags =
    options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, WRAPPER, ...options.args], {
    env: {
      ...process.env,
      // The emulators listen on loopback, which Ferry refuses unless allowed.
      ...LOOPBACK_ENV,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      BENCH_USAGE_FILE: options.usageFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (process.env.BENCH_VERBOSE !== undefined) process.stderr.write(chunk);
  });
  let peakPss = 0;
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling || child.pid === undefined) return;
    sampling = true;
    void descendantsPss(child.pid)
      .then((pss) => (peakPss = Math.max(peakPss, pss)))
      .finally(() => (sampling = false));
  }, SAMPLE_EVERY_MS);
  const timer = setTimeout(() => child.kill('SIGINT'), options.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const wallS = (performance.now() - started) / 1000;
  clearInterval(sampler);
  clearTimeout(timer);
  const usage = await readFile(options.usageFile, 'utf8').then(
    (text) => JSON.parse(text) as FerryUsage,
    () => undefined,
  );
  return { exitCode, wallS, stdout, stderr, usage, postgresPeakPssBytes: peakPss };
}

/** Sum of Pss over every descendant of `root` (not `root` itself). */
async function descendantsPss(root: number): Promise<number> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) parents.set(Number(entry), ppid);
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const pid of parents.keys()) {
    if (!isDescendant(pid)) continue;
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  }
  return total;
}
