import { writeFile } from 'node:fs/promises';

import { ApiClient, query } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printPageFooter, printTable } from '../output.ts';
import type { Page } from './customers.ts';

interface AuditEntry {
  at: string;
  action: string;
  agentEmail: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

interface FilterOptions {
  from?: string;
  to?: string;
  action?: string;
}

const filterQuery = (o: FilterOptions) => ({ from: o.from, to: o.to, action: o.action });

export function auditCommand() {
  const audit = apiCommand('audit', "The workgroup's append-only audit log (Manager or higher)");
  const withFilters = (command: ReturnType<typeof audit.command>) =>
    command
      .option('--from <instant>', 'entries at or after this date/time (ISO 8601)')
      .option('--to <instant>', 'entries before this date/time (ISO 8601)')
      .option('--action <action>', 'one action (licence.purchased) or a prefix ending in a dot (licence.)');

  withFilters(audit.command('list').description('Audit entries, newest first'))
    .option('--page <n>', 'page', parsePositiveInt, 1)
    .option('--json', 'print JSON')
    .action(async (options: FilterOptions & { page: number; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const page = await client.json<Page<AuditEntry>>(
        'GET',
        `/api/audit${query({ ...filterQuery(options), page: options.page })}`,
      );
      if (options.json === true) return printJson(page);
      printTable(page.items, [
        { header: 'AT', value: (e) => e.at },
        { header: 'ACTION', value: (e) => e.action },
        { header: 'AGENT', value: (e) => e.agentEmail },
        { header: 'TARGET', value: (e) => e.target },
      ]);
      printPageFooter(page);
    });

  withFilters(audit.command('export').description('The audit log as CSV, to a file or standard output'))
    .option('--out <file>', 'write the CSV here instead of standard output')
    .action(async (options: FilterOptions & { out?: string }) => {
      const client = await ApiClient.fromLogin();
      const csv = await client.text('GET', `/api/audit.csv${query(filterQuery(options))}`);
      if (options.out === undefined) process.stdout.write(csv);
      else {
        await writeFile(options.out, csv);
        process.stderr.write(`Wrote ${options.out}.\n`);
      }
    });

  return audit;
}
