import { Command, type CommanderError, InvalidArgumentError } from 'commander';

/**
 * A command of the API client family: mistakes in its arguments exit 2 like any other bad input
 * (commander alone would exit 1). Subcommands made with `.command()` inherit this.
 */
export function apiCommand(name: string, description: string): Command {
  return new Command(name).description(description).exitOverride((error: CommanderError) => {
    process.exit(error.exitCode === 0 ? 0 : 2);
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | boolean | null | undefined | Date;
}

/** A plain aligned table for people; scripts use --json. */
export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
  const cells = rows.map((row) => columns.map((c) => show(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.header))}\n`);
  for (const row of cells) process.stdout.write(`${line(row)}\n`);
}

export function printPageFooter(page: { page: number; pageSize: number; total: number }): void {
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  process.stdout.write(`(page ${page.page} of ${pages}, ${page.total} in all)\n`);
}

function show(value: string | number | boolean | null | undefined | Date): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  return String(value).replace(/\s+/g, ' ');
}

export function parsePositiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('must be a whole number of 1 or more.');
  return number;
}
