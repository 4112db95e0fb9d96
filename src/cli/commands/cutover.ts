import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { ApiClient } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printTable } from '../output.ts';
import { resolveMailboxes } from './mailboxes.ts';
import { resolveProject } from './projects.ts';

interface DnsReport {
  resolvers: string[];
  domains: {
    domain: string;
    roles: string[];
    state: string;
    checks: {
      kind: string;
      name: string;
      type: string;
      expected: string;
      state: string;
      answers: { resolver: string; records: string[]; error?: string }[];
    }[];
  }[];
}

interface Estimate {
  durationMs: number;
  slots: number;
  unknownMailboxes: number;
  mailboxes: {
    source: string;
    known: boolean;
    messages: number;
    messageBytes: number;
    requests: number;
    durationMs: number;
    binding: string;
  }[];
}

const STATE_WORDS: Record<string, string> = {
  done: 'done',
  propagating: 'propagating (not every resolver has it)',
  not_yet: 'not yet',
  unknown: 'unknown (no resolver answered)',
};

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function cutoverCommand() {
  const cutover = apiCommand(
    'cutover',
    'Plan and cut over: duration estimate, MX/Autodiscover/SPF checks, coexistence commands, final comparison',
  );

  cutover
    .command('estimate <project> [mailboxes...]')
    .description(
      "Duration of a Full pass at Microsoft's per-mailbox ceiling, per mailbox and for the project",
    )
    .option('--workers <n>', 'worker processes', parsePositiveInt, 1)
    .option('--worker-mailboxes <n>', 'mailboxes each worker runs at once', parsePositiveInt, 100)
    .option('--ask-zimbra', 'size the mailboxes no pass has listed yet from Zimbra’s folder list')
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        mailboxRefs: string[],
        options: { workers: number; workerMailboxes: number; askZimbra?: boolean; json?: boolean },
      ) => {
        const client = await ApiClient.fromLogin();
        const projectId = await resolveProject(client, ref);
        const mailboxIds =
          mailboxRefs.length === 0
            ? undefined
            : await resolveMailboxes(client, projectId, mailboxRefs, false);
        const estimate = await client.json<Estimate>('POST', `/api/projects/${projectId}/estimate`, {
          ...(mailboxIds === undefined ? {} : { mailboxIds }),
          workers: options.workers,
          mailboxesPerWorker: options.workerMailboxes,
          askZimbra: options.askZimbra === true,
        });
        if (options.json === true) return printJson(estimate);
        printTable(estimate.mailboxes, [
          { header: 'SOURCE', value: (m) => m.source },
          { header: 'MESSAGES', value: (m) => (m.known ? m.messages : 'unknown') },
          { header: 'MB', value: (m) => (m.known ? (m.messageBytes / 1048576).toFixed(1) : '') },
          { header: 'REQUESTS', value: (m) => (m.known ? m.requests : '') },
          { header: 'DURATION', value: (m) => (m.known ? formatDuration(m.durationMs) : '') },
          { header: 'BOUND BY', value: (m) => (m.known ? m.binding : '') },
        ]);
        process.stdout.write(
          `Project: ${formatDuration(estimate.durationMs)} with ${estimate.slots} mailbox(es) at a time` +
            (estimate.unknownMailboxes > 0
              ? `; ${estimate.unknownMailboxes} mailbox(es) left out: no pass has listed their folders yet (--ask-zimbra sizes them)\n`
              : '\n'),
        );
      },
    );

  cutover
    .command('dns <project>')
    .description(
      'MX, Autodiscover and SPF of each domain, asked of every configured resolver (FERRY_DNS_SERVERS)',
    )
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const projectId = await resolveProject(client, ref);
      const report = await client.json<DnsReport>('GET', `/api/projects/${projectId}/cutover/dns`);
      if (options.json === true) return printJson(report);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(`Resolvers asked: ${report.resolvers.join(', ')}`);
      for (const domain of report.domains) {
        out(`\n${domain.domain} (${domain.roles.join(', ')}): ${STATE_WORDS[domain.state] ?? domain.state}`);
        for (const check of domain.checks) {
          out(`  ${check.type} ${check.name}: ${STATE_WORDS[check.state] ?? check.state}`);
          out(`    needed: ${check.expected}`);
          for (const answer of check.answers)
            out(
              `    ${answer.resolver}: ${answer.error ?? (answer.records.length === 0 ? '(none)' : answer.records.join(' | '))}`,
            );
        }
      }
      const done = report.domains.every((d) => d.state === 'done');
      process.exitCode = done ? 0 : 1;
    });

  cutover
    .command('commands <project> <mailboxes...>')
    .description(
      'Coexistence commands for a batch of migrated mailboxes: Zimbra forwarding and Exchange Online routing',
    )
    .requiredOption(
      '--forwarding-domain <domain>',
      'the tenant’s <tenant>.onmicrosoft.com or a routing domain',
    )
    .requiredOption('--zimbra-host <host>', 'the Zimbra MTA Exchange Online relays to')
    .option('--batch <name>', 'name of the batch, in the scripts’ comments', 'this batch')
    .option('--keep-local-copy', 'also deliver to the Zimbra mailbox')
    .option('--out <dir>', 'write the two scripts into this directory instead of printing them')
    .action(
      async (
        ref: string,
        mailboxRefs: string[],
        options: {
          forwardingDomain: string;
          zimbraHost: string;
          batch: string;
          keepLocalCopy?: boolean;
          out?: string;
        },
      ) => {
        const client = await ApiClient.fromLogin();
        const projectId = await resolveProject(client, ref);
        const mailboxIds = await resolveMailboxes(client, projectId, mailboxRefs, false);
        const result = await client.json<{
          zimbra: { filename: string; script: string };
          exchange: { filename: string; script: string };
        }>('POST', `/api/projects/${projectId}/cutover/commands`, {
          mailboxIds,
          batchName: options.batch,
          forwardingDomain: options.forwardingDomain,
          zimbraSmartHost: options.zimbraHost,
          keepLocalCopy: options.keepLocalCopy === true,
        });
        if (options.out === undefined) {
          process.stdout.write(`${result.zimbra.script}\n${result.exchange.script}`);
          return;
        }
        for (const file of [result.zimbra, result.exchange]) {
          const target = path.join(options.out, file.filename);
          await writeFile(target, file.script, { mode: 0o644 });
          process.stdout.write(`wrote ${target}\n`);
        }
      },
    );

  cutover
    .command('compare <project>')
    .description('Final comparison: items in Zimbra against items in Microsoft 365, per mailbox')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const projectId = await resolveProject(client, ref);
      const result = await client.json<{
        mailboxes: {
          source: string;
          destination: string;
          sourceItems: number;
          destinationItems: number;
          failedItems: number;
          verdict: string;
        }[];
      }>('GET', `/api/projects/${projectId}/cutover/comparison`);
      if (options.json === true) return printJson(result);
      printTable(result.mailboxes, [
        { header: 'SOURCE', value: (m) => m.source },
        { header: 'DESTINATION', value: (m) => m.destination },
        { header: 'IN ZIMBRA', value: (m) => m.sourceItems },
        { header: 'IN M365', value: (m) => m.destinationItems },
        { header: 'FAILED', value: (m) => m.failedItems },
        { header: 'VERDICT', value: (m) => m.verdict },
      ]);
    });

  return cutover;
}
