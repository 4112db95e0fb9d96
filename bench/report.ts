/** The printed table of a benchmark run. */
import type { ScenarioResult } from './scenario.ts';

const COLUMNS = [
  'scenario',
  'mbx',
  'items',
  'failed',
  'MB',
  'wall s',
  'pass s',
  'items/s',
  'MB/s',
  'CPU-s/1k',
  'RSS MB',
  'PG CPU-s',
  'PG MB',
  'emu CPU-s',
  'requests',
  '429 share',
  'ceiling mean',
  'ceiling min',
  'sustained min',
] as const;

export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.spec.name,
    String(r.mailboxes.length),
    String(r.items),
    String(r.failed),
    fixed(r.bytes / 1024 ** 2, 1),
    fixed(r.wallS, 1),
    fixed(r.passS, 1),
    fixed(r.itemsPerS, 1),
    fixed(r.mbPerS, 2),
    fixed(r.cpuSPer1000Items, 2),
    fixed(r.ferryPeakRssMb, 0),
    fixed(r.postgresCpuS, 1),
    fixed(r.postgresPeakPssMb, 0),
    fixed(r.emulatorCpuS, 1),
    String(r.requests),
    `${fixed(r.share429 * 100, 2)}%`,
    fixed(r.meanCeilingFraction, 3),
    fixed(Math.min(...r.mailboxes.map((m) => m.ceiling.max)), 3),
    fixed(Math.min(...r.mailboxes.map((m) => m.sustained.max)), 3),
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Per-mailbox detail: where a scenario's ceiling fraction comes from. */
export function formatMailboxes(result: ScenarioResult): string {
  const served = (name: string, t: ScenarioResult['zimbraServed']): string =>
    `  ${name}: ${t.requests} requests (${t.errors5xx} × 5xx), mean ${fixed((t.busyS / Math.max(1, t.requests)) * 1000, 1)} ms in the emulator; ` +
    Object.entries(t.byKind)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 6)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
  const lines = result.mailboxes.map(
    (m) =>
      `  ${m.destination}: ${m.status}, ${m.migrated} items in ${fixed(m.durationS, 1)} s (client waited ${fixed(m.throttledS, 1)} s), ` +
      `${m.requests} requests, ${m.throttled429} × 429${reasons(m.throttledBy)}, ${fixed(m.bytesUploaded / 1024 ** 2, 1)} MB uploaded, ` +
      `ceiling: requests ${fixed(m.ceiling.requests, 3)}, bytes ${fixed(m.ceiling.bytes, 3)}; ` +
      `sustained: requests ${fixed(m.sustained.requests, 3)}, bytes ${fixed(m.sustained.bytes, 3)}`,
  );
  return [...lines, served('zimbra', result.zimbraServed), served('graph', result.graphServed)].join('\n');
}

function reasons(by: Record<string, number> | undefined): string {
  const parts = Object.entries(by ?? {})
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}
