import { Command, InvalidArgumentError } from 'commander';
import { generateSeed, type SeedSummary } from '../../emulators/seed/generate-seed.ts';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

function describe(summary: SeedSummary, elapsedMs: number): string {
  const lines = [
    `Wrote ${summary.outDir} (domain ${summary.domain}, seed ${summary.seed}) in ${(elapsedMs / 1000).toFixed(1)} s`,
    `admin: ${summary.admin.name} / ${summary.admin.password}`,
  ];
  for (const a of summary.accounts) {
    const notes = [a.status !== 'active' ? a.status : '', a.twoFactor ? 'two-factor' : '']
      .filter((n) => n !== '')
      .join(', ');
    lines.push(
      `  ${a.email} / ${a.password}${notes === '' ? '' : ` (${notes})`}: ${a.mail.messages} messages (${megabytes(a.mail.bytes)}, ` +
        `${a.mail.largeAttachments} > 3 MB${a.mail.hugeAttachments > 0 ? `, ${a.mail.hugeAttachments} > 35 MB` : ''}), ` +
        `${a.contacts.contacts} contacts + ${a.contacts.groups} groups, ${a.calendar.events} events, ${a.tasks.tasks} tasks`,
    );
  }
  const t = summary.totals;
  lines.push(
    `total: ${t.messages} messages (${megabytes(t.bytes)}), ${t.contacts} contacts, ${t.events} events, ${t.tasks} tasks`,
  );
  return `${lines.join('\n')}\n`;
}

/** `seed`: writes a realistic Zimbra data directory for the emulator, tests and benchmarks. */
export function emulateSeedCommand(): Command {
  return new Command('seed')
    .description(
      'Write a generated Zimbra data directory: N ordinary accounts (plus twofactor.user@ and locked.user@) with mail, ' +
        'contacts, calendars, tasks, tags, filters and prefs. Same seed and counts give byte-identical output.',
    )
    .requiredOption('--out <dir>', 'directory to create (must be new or empty)')
    .requiredOption('--accounts <n>', 'number of ordinary (migratable) accounts', integer)
    .requiredOption('--messages <m>', 'messages per ordinary account', integer)
    .option('--seed <s>', 'random seed', integer, 1)
    .option('--domain <domain>', 'mail domain of the accounts', 'zimbra.example.com')
    .option('--no-special-accounts', 'leave out the two-factor and the locked account')
    .option('--huge', 'add one message with an attachment above 35 MB (default when --messages >= 200)')
    .option('--no-huge', 'never add the message above 35 MB')
    .option('--json', 'print the summary as JSON')
    .action(
      async (opts: {
        out: string;
        accounts: number;
        messages: number;
        seed: number;
        domain: string;
        specialAccounts: boolean;
        huge?: boolean;
        json?: boolean;
      }) => {
        const started = performance.now();
        const summary = await generateSeed({
          outDir: opts.out,
          accounts: opts.accounts,
          messages: opts.messages,
          seed: opts.seed,
          domain: opts.domain,
          specialAccounts: opts.specialAccounts,
          ...(opts.huge === undefined ? {} : { huge: opts.huge }),
        });
        process.stdout.write(
          opts.json === true
            ? `${JSON.stringify(summary, null, 2)}\n`
            : describe(summary, performance.now() - started),
        );
      },
    );
}
