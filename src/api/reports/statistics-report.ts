import type { MailboxStatistics, ProjectStatistics } from '../../db/project-statistics.ts';
import { toCsv } from '../../domain/csv.ts';
import { ITEM_TYPES } from '../../domain/migration.ts';
import { pieChartPng, type Rgb } from './png.ts';

/** Colours of the chart and its legend, by item type. */
const TYPE_COLORS: Record<(typeof ITEM_TYPES)[number], Rgb> = {
  mail: [37, 99, 235],
  contacts: [22, 163, 74],
  calendar: [234, 179, 8],
  tasks: [147, 51, 234],
  rules: [14, 165, 233],
  outOfOffice: [249, 115, 22],
  forwarding: [100, 116, 139],
  signatures: [236, 72, 153],
};
const FAILED_COLOR: Rgb = [220, 38, 38];

export const CHART_CID = 'statistics-chart@ferry';

const esc = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const hex = ([r, g, b]: Rgb) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

export function statisticsCsv(mailboxes: readonly MailboxStatistics[]): string {
  const header = [
    'source',
    'destination',
    'status',
    'last pass',
    ...ITEM_TYPES.flatMap((t) => [`${t} migrated`, `${t} failed`]),
    'bytes migrated',
    'duration seconds',
    'last error',
  ];
  return toCsv(
    header,
    mailboxes.map((m) => [
      m.source,
      m.destination,
      m.status,
      m.lastPass ?? '',
      ...ITEM_TYPES.flatMap((t) => [m.migrated[t].migrated, m.lastPassItems[t].failed]),
      ITEM_TYPES.reduce((sum, t) => sum + m.migrated[t].bytes, 0),
      Math.round(m.durationMs / 1000),
      m.lastError ?? '',
    ]),
  );
}

/** The Request Statistics email: an HTML report with the chart (inline image), a text version and the CSV. */
export function statisticsReport(
  projectName: string,
  summary: ProjectStatistics,
  mailboxes: readonly MailboxStatistics[],
) {
  const slices = [
    ...ITEM_TYPES.map((t) => ({
      label: `${t} migrated`,
      value: summary.migrated[t].migrated,
      color: TYPE_COLORS[t],
    })),
    { label: 'failed', value: summary.failedItems, color: FAILED_COLOR },
  ];
  const chart = pieChartPng(slices);
  const legend = slices
    .map(
      (s) =>
        `<li><span style="display:inline-block;width:12px;height:12px;background:${hex(s.color)}"></span> ${esc(s.label)}: ${s.value}</li>`,
    )
    .join('');
  const statusLine = Object.entries(summary.byStatus)
    .map(([status, n]) => `${status.replaceAll('_', ' ')}: ${n}`)
    .join(', ');
  const rows = mailboxes
    .map(
      (m) =>
        `<tr><td>${esc(m.source)}</td><td>${esc(m.destination)}</td><td>${esc(m.status.replaceAll('_', ' '))}</td>` +
        ITEM_TYPES.map((t) => `<td>${m.migrated[t].migrated}</td>`).join('') +
        `<td>${ITEM_TYPES.reduce((s, t) => s + m.lastPassItems[t].failed, 0)}</td><td>${mb(ITEM_TYPES.reduce((s, t) => s + m.migrated[t].bytes, 0))}</td><td>${esc(m.lastError ?? '')}</td></tr>`,
    )
    .join('');
  const totalMigrated = ITEM_TYPES.reduce((s, t) => s + summary.migrated[t].migrated, 0);
  const totalBytes = ITEM_TYPES.reduce((s, t) => s + summary.migrated[t].bytes, 0);
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<h1>Statistics of ${esc(projectName)}</h1>
<p>${summary.mailboxes} mailbox(es) — ${esc(statusLine)}</p>
<p>${totalMigrated} items migrated (${mb(totalBytes)}), ${summary.failedItems} failed in the last passes.</p>
<img src="cid:${CHART_CID}" alt="Items migrated by type" width="240" height="240">
<ul style="list-style:none;padding:0">${legend}</ul>
<table border="1" cellspacing="0" cellpadding="4">
<tr><th>Source</th><th>Destination</th><th>Status</th>${ITEM_TYPES.map((t) => `<th>${t}</th>`).join('')}<th>Failed</th><th>Size</th><th>Last error</th></tr>
${rows}
</table>
<p>The attached CSV has one line per mailbox.</p>
</body></html>`;
  const text = [
    `Statistics of ${projectName}`,
    `${summary.mailboxes} mailbox(es) — ${statusLine}`,
    `${totalMigrated} items migrated (${mb(totalBytes)}), ${summary.failedItems} failed in the last passes.`,
    ...ITEM_TYPES.map((t) => `  ${t}: ${summary.migrated[t].migrated}`),
    '',
    'The attached CSV has one line per mailbox.',
  ].join('\n');
  return { html, text, chart, csv: statisticsCsv(mailboxes) };
}
