import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';

import { createLogger } from '../../config/logger.ts';
import { createMigrationStore } from '../../db/migration-store.ts';
import { createPassRun, interruptUnfinishedRuns, passReport } from '../../db/pass-runs.ts';
import { settingsScriptsOf } from '../../db/settings-scripts.ts';
import { renderScript } from '../../convert/powershell-script.ts';
import { Secret } from '../../domain/secret.ts';
import {
  DEFAULT_PRESTAGE_DAYS,
  PASS_KINDS,
  type MailboxReport,
  type PassKind,
  type PassOptions,
} from '../../domain/migration.ts';
import { type BudgetLimits, MICROSOFT_LIMITS, parseBudgetLimits } from '../../graph/mailbox-budget.ts';
import { startMigrationWorkers } from '../../worker/migration-workers.ts';
import { type PassProgress, runPassToCompletion } from '../../worker/run-pass.ts';
import { loadConfigOrExit } from '../load-config.ts';
import { outboundFor } from '../outbound.ts';
import { loadPlan, type Plan } from '../plan-file.ts';
import { openRuntime } from '../runtime.ts';

interface MigrateOptions {
  plan: string;
  pass: PassKind;
  prestageDays: number;
  dataDir?: string;
  json?: boolean;
  settingsScript?: string;
  graphLimits?: BudgetLimits;
}

export function migrateCommand(): Command {
  return new Command('migrate')
    .description(
      'Run one pass of a migration plan to completion on the embedded database (state kept in the data dir)',
    )
    .requiredOption('--plan <file>', 'plan file (JSON or YAML)')
    .addOption(new Option('--pass <pass>', 'which pass').choices(PASS_KINDS).makeOptionMandatory())
    .option(
      '--prestage-days <n>',
      'Pre-Stage: migrate mail older than this many days',
      (v) => parsePositiveInt(v, '--prestage-days'),
      DEFAULT_PRESTAGE_DAYS,
    )
    .option('--data-dir <dir>', 'data directory (default: FERRY_DATA_DIR or ./data)')
    .option('--json', 'print the summary as JSON')
    .option(
      '--settings-script <file>',
      "write the Exchange Online PowerShell script for the settings Graph cannot write (signatures, forwarding) of the plan's mailboxes",
    )
    .addOption(
      new Option(
        '--graph-limits <limits>',
        'client-side Graph budgets: microsoft, scaled:F or compressed:F (for emulators)',
      )
        .argParser(toLimits)
        .hideHelp(),
    )
    .action(async (options: MigrateOptions) => {
      const env =
        options.dataDir === undefined ? process.env : { ...process.env, FERRY_DATA_DIR: options.dataDir };
      const config = loadConfigOrExit(env);
      const logger = createLogger(env.LOG_LEVEL ?? 'warn');
      const plan = await loadPlan(options.plan);
      const limits = options.graphLimits ?? MICROSOFT_LIMITS;
      const outbound = outboundFor(config);
      const runtime = await openRuntime(config, logger);
      const workers = await startMigrationWorkers({
        db: runtime.database.db,
        sealer: runtime.sealer,
        logger,
        limits,
        outbound,
        maxMailboxes: config.workerMailboxes,
      });
      let reports: MailboxReport[];
      try {
        await interruptUnfinishedRuns(runtime.database.db);
        const { runId, mailboxIds } = await createPassRun(runtime.database.db, {
          name: plan.name,
          options: passOptions(plan, options),
          endpointsSealed: runtime.sealer.seal(new Secret(JSON.stringify(plan.endpoints))),
          mailboxes: plan.users,
          maxConcurrent: plan.maxConcurrentMigrations,
        });
        await runPassToCompletion({
          db: runtime.database.db,
          runId,
          onProgress:
            options.json !== true && process.stderr.isTTY ? progressBar(mailboxIds.length) : undefined,
        });
        reports = await passReport(runtime.database.db, runId, createMigrationStore(runtime.database.db));
        if (options.settingsScript !== undefined) {
          const scripts = await settingsScriptsOf(runtime.database.db, plan.users);
          await writeFile(options.settingsScript, renderScript(scripts, new Date().toISOString()), 'utf8');
        }
      } finally {
        await workers.stop();
        await runtime.close();
        await outbound.close();
      }
      if (options.json === true)
        process.stdout.write(`${JSON.stringify({ pass: options.pass, mailboxes: reports }, null, 2)}\n`);
      else printSummary(options.pass, reports);
      process.exitCode = reports.some((r) => r.status === 'failed')
        ? 2
        : reports.some((r) => r.status === 'completed_with_errors')
          ? 1
          : 0;
    });
}

function passOptions(plan: Plan, options: MigrateOptions): PassOptions {
  return {
    pass: options.pass,
    // Pre-Stage moves mail only (MigrationWiz): contacts, calendars and tasks wait for the Full pass.
    itemTypes: options.pass === 'prestage' ? plan.itemTypes.filter((t) => t === 'mail') : plan.itemTypes,
    receivedBeforeMs:
      options.pass === 'prestage' ? Date.now() - options.prestageDays * 24 * 60 * 60 * 1000 : undefined,
    receivedAfterMs: plan.receivedAfterMs,
    folderFilter: plan.folderFilter,
    folderMappings: plan.support.folderMappings,
    recipientMappings: plan.support.recipientMappings,
    maxMessageBytes: plan.maxMessageBytes,
    logSubjects: plan.logSubjects,
    useImportMime: plan.support.useImportMime,
    expandCalendarInstances: plan.support.calendarExpandInstances,
    migrateOutOfOffice: plan.support.migrateOutOfOffice,
  };
}

/** A terminal progress bar of items and megabytes; stops itself when the pass ends. */
function progressBar(mailboxCount: number): (progress: PassProgress) => void {
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {value}/{total} items | {mailboxes} mailboxes left | {mb} MB', clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0, { mailboxes: mailboxCount, mb: '0.0' });
  return (progress) => {
    bar.setTotal(Math.max(progress.planned, progress.items));
    bar.update(progress.items, {
      mailboxes: progress.mailboxesLeft,
      mb: (progress.bytes / 1048576).toFixed(1),
    });
    if (progress.mailboxesLeft === 0) bar.stop();
  };
}

function printSummary(pass: PassKind, reports: readonly MailboxReport[]): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${pass} pass: ${reports.length} mailbox(es)`);
  for (const r of reports) {
    const mail = r.items.mail;
    out(
      `  ${r.source} -> ${r.destination}: ${r.status}; mail ${mail.migrated} migrated, ${mail.skipped} skipped, ${mail.failed} failed, ${(mail.bytes / 1048576).toFixed(1)} MB in ${(r.durationMs / 1000).toFixed(1)} s`,
    );
    if (r.error !== undefined) out(`    ${r.error}`);
    for (const e of r.errors.slice(0, 10)) out(`    ${e.folder} #${e.sourceId}: ${e.code} ${e.message}`);
    if (r.errors.length > 10) out(`    … and ${r.errors.length - 10} more (use --json for all)`);
  }
}

function toLimits(value: string): BudgetLimits {
  try {
    return parseBudgetLimits(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function parsePositiveInt(value: string, name: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new Error(`${name} must be a positive whole number, not "${value}"`);
  return Number(value);
}
