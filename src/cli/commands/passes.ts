import { readFile } from 'node:fs/promises';

import cliProgress from 'cli-progress';
import { Option } from 'commander';

import { PASS_KINDS } from '../../domain/migration.ts';
import { ApiClient } from '../api-client.ts';
import { apiCommand, printJson, printTable } from '../output.ts';
import { allMailboxes, printMailboxes, resolveMailboxes } from './mailboxes.ts';
import { parseDaysAgo, resolveProject } from './projects.ts';

const UNFINISHED = new Set(['queued', 'running']);

/** Waits for the mailboxes to finish, with a progress bar on a terminal; returns their final state. */
async function waitForMailboxes(client: ApiClient, projectId: string, ids: readonly string[], bar: boolean) {
  const wanted = new Set(ids);
  const progress = bar
    ? new cliProgress.SingleBar(
        { format: ' {bar} {done}/{total} mailboxes | {items} items | {mb} MB', clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  progress?.start(ids.length, 0, { done: 0, items: 0, mb: '0.0' });
  for (;;) {
    const mailboxes = (await allMailboxes(client, projectId)).filter((m) => wanted.has(m.id));
    const done = mailboxes.filter((m) => !UNFINISHED.has(m.status)).length;
    const items = mailboxes.reduce((sum, m) => sum + (m.progress?.itemsDone ?? 0), 0);
    const bytes = mailboxes.reduce((sum, m) => sum + (m.progress?.bytesDone ?? 0), 0);
    progress?.update(done, { done, items, mb: (bytes / 1048576).toFixed(1) });
    if (done === mailboxes.length) {
      progress?.stop();
      return mailboxes;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

interface StartOptions {
  all?: boolean;
  prestageDays?: number;
  prestageBefore?: string;
  at?: string;
  wait?: boolean;
  json?: boolean;
}

export function passesCommand() {
  const passes = apiCommand(
    'passes',
    'Start and stop passes (Verify Credentials, Trial, Pre-Stage, Full, Retry Errors), their history, Notify Users',
  );

  passes
    .command('start <project> <pass> [mailboxes...]')
    .description(`Start a pass (${PASS_KINDS.join(', ')}) for mailboxes (ids or source addresses) or --all`)
    .option('--all', 'every mailbox of the project')
    .addOption(
      new Option('--prestage-days <days>', 'Pre-Stage Migration Scheduling: 30, 60 or 90 days ago').argParser(
        parseDaysAgo,
      ),
    )
    .option('--prestage-before <date>', 'Pre-Stage: mail received before YYYY-MM-DD')
    .option('--at <datetime>', 'scheduled start, ISO 8601 with a time zone (2026-12-01T20:00:00+01:00)')
    .option('--wait', 'wait until every mailbox has finished, with a progress bar')
    .option('--json', 'print JSON')
    .action(async (ref: string, pass: string, refs: string[], options: StartOptions) => {
      const client = await ApiClient.fromLogin();
      const projectId = await resolveProject(client, ref);
      const mailboxIds = await resolveMailboxes(client, projectId, refs, options.all === true);
      const started = await client.json<{
        runId: string;
        mailboxes: number;
        scheduledAt: string | null;
        skipped: { source: string; reason: string }[];
      }>('POST', `/api/projects/${projectId}/passes`, {
        pass,
        mailboxIds,
        ...(options.prestageDays !== undefined ? { prestage: { daysAgo: options.prestageDays } } : {}),
        ...(options.prestageBefore !== undefined ? { prestage: { before: options.prestageBefore } } : {}),
        ...(options.at !== undefined ? { scheduledAt: options.at } : {}),
      });
      if (options.wait !== true) {
        if (options.json === true) return printJson(started);
        process.stdout.write(
          `Started ${pass} for ${started.mailboxes} mailbox(es)${started.scheduledAt === null ? '' : `, scheduled at ${started.scheduledAt}`} (run ${started.runId}).\n`,
        );
        for (const s of started.skipped) process.stdout.write(`  not retried: ${s.source} ${s.reason}\n`);
        return;
      }
      const final = await waitForMailboxes(
        client,
        projectId,
        mailboxIds,
        options.json !== true && process.stderr.isTTY,
      );
      if (options.json === true) printJson({ ...started, mailboxes: final });
      else printMailboxes(final);
      process.exitCode = final.some((m) => m.status === 'failed' || m.status === 'stopped')
        ? 2
        : final.some((m) => m.status === 'completed_with_errors')
          ? 1
          : 0;
    });

  passes
    .command('stop <project> [mailboxes...]')
    .description('Stop mailboxes: waiting ones never start, running ones stop at their next page')
    .option('--all', 'every mailbox of the project')
    .action(async (ref: string, refs: string[], options: { all?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const projectId = await resolveProject(client, ref);
      const mailboxIds = await resolveMailboxes(client, projectId, refs, options.all === true);
      const { stopped } = await client.json<{ stopped: number }>(
        'POST',
        `/api/projects/${projectId}/passes/stop`,
        { mailboxIds },
      );
      process.stdout.write(`Stopped ${stopped} mailbox(es).\n`);
    });

  passes
    .command('history <project>')
    .description('Passes of the project, newest first')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const { passes: history } = await client.json<{
        passes: {
          runId: string;
          passLabel: string;
          createdAt: string;
          scheduledAt: string | null;
          mailboxes: Record<string, number>;
        }[];
      }>('GET', `/api/projects/${await resolveProject(client, ref)}/passes`);
      if (options.json === true) return printJson(history);
      printTable(history, [
        { header: 'PASS', value: (p) => p.passLabel },
        { header: 'STARTED', value: (p) => p.createdAt },
        { header: 'SCHEDULED', value: (p) => p.scheduledAt },
        {
          header: 'MAILBOXES',
          value: (p) =>
            Object.entries(p.mailboxes)
              .map(([s, n]) => `${s} ${n}`)
              .join(', '),
        },
        { header: 'RUN', value: (p) => p.runId },
      ]);
    });

  passes
    .command('notify <project> [mailboxes...]')
    .description('Notify Users: email each user the date and time of their migration')
    .requiredOption('--at <datetime>', 'when the migration happens, ISO 8601 with a time zone')
    .option('--time-zone <tz>', 'time zone the users read the time in', 'UTC')
    .option('--all', 'every mailbox of the project')
    .option('--subject <text>', 'subject (default: the project template)')
    .option(
      '--template-file <file>',
      'body with {{firstName}}, {{email}}, {{date}}, {{time}} (default: the project template)',
    )
    .option('--to-destination', 'send to the destination address instead of the source')
    .action(
      async (
        ref: string,
        refs: string[],
        options: {
          at: string;
          timeZone: string;
          all?: boolean;
          subject?: string;
          templateFile?: string;
          toDestination?: boolean;
        },
      ) => {
        const client = await ApiClient.fromLogin();
        const projectId = await resolveProject(client, ref);
        const mailboxIds = await resolveMailboxes(client, projectId, refs, options.all === true);
        const { sent } = await client.json<{ sent: number }>('POST', `/api/projects/${projectId}/notify`, {
          mailboxIds,
          migrationAt: options.at,
          timeZone: options.timeZone,
          sendTo: options.toDestination === true ? 'destination' : 'source',
          ...(options.subject === undefined ? {} : { subject: options.subject }),
          ...(options.templateFile === undefined
            ? {}
            : { template: await readFile(options.templateFile, 'utf8') }),
        });
        process.stdout.write(`Notified ${sent} user(s).\n`);
      },
    );

  return passes;
}
