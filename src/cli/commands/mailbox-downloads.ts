import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

import { type Command, Option } from 'commander';

import { UserError } from '../../domain/errors.ts';
import { ApiClient } from '../api-client.ts';
import { resolveMailboxes } from './mailboxes.ts';
import { resolveProject } from './projects.ts';

const DOWNLOADS = {
  failures:
    'Every failed item of the mailbox over all passes (code, message, folder, item id, size; subject when the project logs subjects)',
  log: "The mailbox's log: each pass with start, end, status, counts, throttled time and error, and the folders it planned",
} as const;

/** `ferry mailboxes failures|log <project> <mailbox>`: the downloads of the console's mailbox page. */
export function addMailboxDownloads(mailboxes: Command): Command {
  for (const [what, description] of Object.entries(DOWNLOADS)) {
    mailboxes
      .command(`${what} <project> <mailbox>`)
      .description(`${description}, as CSV or JSON Lines`)
      .addOption(
        new Option('--format <format>', 'csv (opens in a spreadsheet) or jsonl')
          .choices(['csv', 'jsonl'])
          .default('csv'),
      )
      .option('--out <file>', 'write it to this file instead of standard output')
      .action(async (ref: string, mailboxRef: string, options: { format: string; out?: string }) => {
        const client = await ApiClient.fromLogin();
        const projectId = await resolveProject(client, ref);
        const [id] = await resolveMailboxes(client, projectId, [mailboxRef], false);
        const response = await client.raw(
          'GET',
          `/api/projects/${projectId}/mailboxes/${id}/${what}?format=${options.format}`,
        );
        if (response.body === null) return;
        const target: Writable =
          options.out === undefined ? process.stdout : createWriteStream(options.out, { flags: 'w' });
        await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), target, {
          end: options.out !== undefined,
        }).catch((error: unknown) => {
          throw new UserError(
            'DOWNLOAD_UNWRITABLE',
            `The ${what} could not be written to ${options.out ?? 'standard output'}: ${(error as Error).message}`,
          );
        });
        if (options.out !== undefined) process.stderr.write(`Wrote ${options.out}.\n`);
      });
  }
  return mailboxes;
}
