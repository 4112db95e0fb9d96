/**
 * Runs the Ferry CLI (`bin/ferry.js` arguments) inside this process and, when it exits, writes to
 * BENCH_USAGE_FILE the CPU time and peak RSS of this process alone, plus the CPU time of its reaped
 * children (the embedded PostgreSQL and its initdb). A wrapper is used because Node cannot read a
 * child's rusage, and sampling /proc would miss the last moments before exit.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface FerryUsage {
  readonly userCpuS: number;
  readonly systemCpuS: number;
  readonly maxRssBytes: number;
  /** CPU of children this process has waited for, from /proc/self/stat (cutime + cstime). */
  readonly childrenCpuS: number | undefined;
  readonly exitCode: number;
}

/** Linux clock ticks per second; 100 on every mainstream kernel configuration. */
const CLOCK_TICKS = 100;

function reapedChildrenCpuS(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the parenthesised command name start at field 3 (state); cutime is field 16.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const usageFile = process.env.BENCH_USAGE_FILE;
if (usageFile !== undefined) {
  process.on('exit', (code) => {
    const usage = process.resourceUsage();
    const report: FerryUsage = {
      userCpuS: usage.userCPUTime / 1e6,
      systemCpuS: usage.systemCPUTime / 1e6,
      maxRssBytes: usage.maxRSS * 1024,
      childrenCpuS: reapedChildrenCpuS(),
      exitCode: code,
    };
    writeFileSync(usageFile, JSON.stringify(report));
  });
}

if (import.meta.main) {
  process.argv = [process.argv[0] ?? process.execPath, 'ferry', ...process.argv.slice(2)];
  await import('../src/cli/main.ts');
}
