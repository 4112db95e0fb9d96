/** The benchmark corpus: a generated Zimbra data directory, cached under bench/.cache between runs. */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { generateSeed } from '../src/emulators/seed/generate-seed.ts';

export interface CorpusOptions {
  readonly accounts: number;
  readonly messages: number;
  readonly seed: number;
}

export interface Corpus {
  /** The Zimbra data directory (server.json, accounts/…). */
  readonly dataDir: string;
  readonly admin: { readonly name: string; readonly password: string };
  readonly accounts: readonly { readonly email: string; readonly messages: number; readonly bytes: number }[];
  readonly messages: number;
  readonly bytes: number;
  readonly generatedInS: number;
  readonly cached: boolean;
}

/** What the seed generator writes per message on average (measured: about 65 KB plus file overhead). */
const BYTES_PER_MESSAGE_ESTIMATE = 80 * 1024;
/** Room for each scenario's embedded PostgreSQL and for the machine to stay usable. */
const HEADROOM_BYTES = 2 * 1024 ** 3;

const CACHE_ROOT = path.resolve(import.meta.dirname, '.cache');

export function corpusDir(options: CorpusOptions): string {
  return path.join(CACHE_ROOT, `${options.accounts}x${options.messages}-seed${options.seed}`);
}

/** Refuses to start when the disk cannot hold the corpus (if not cached yet) and the databases. */
export async function checkFreeDisk(options: CorpusOptions, tempDir: string): Promise<void> {
  const needed =
    (existsSync(summaryFile(options))
      ? 0
      : options.accounts * options.messages * BYTES_PER_MESSAGE_ESTIMATE) + HEADROOM_BYTES;
  for (const dir of new Set([CACHE_ROOT, tempDir])) {
    await mkdir(dir, { recursive: true });
    const fs = await statfs(dir);
    const free = fs.bavail * fs.bsize;
    if (free < needed) {
      throw new Error(
        `not enough free disk under ${dir}: ${gb(free)} GB free, about ${gb(needed)} GB needed (corpus + databases)`,
      );
    }
  }
}

/** Returns the cached corpus, generating it first when absent or left incomplete by an earlier run. */
export async function prepareCorpus(options: CorpusOptions): Promise<Corpus> {
  const summary = summaryFile(options);
  const root = corpusDir(options);
  const dataDir = path.join(root, 'data');
  if (existsSync(summary)) {
    const cached = JSON.parse(await readFile(summary, 'utf8')) as Corpus;
    return { ...cached, dataDir, cached: true };
  }
  await rm(root, { recursive: true, force: true });
  const started = performance.now();
  const seeded = await generateSeed({
    outDir: dataDir,
    accounts: options.accounts,
    messages: options.messages,
    seed: options.seed,
    specialAccounts: false,
    huge: false,
  });
  const corpus: Corpus = {
    dataDir,
    admin: seeded.admin,
    accounts: seeded.accounts.map((a) => ({
      email: a.email,
      messages: a.mail.messages,
      bytes: a.mail.bytes,
    })),
    messages: seeded.totals.messages,
    bytes: seeded.totals.bytes,
    generatedInS: (performance.now() - started) / 1000,
    cached: false,
  };
  // Written last: its presence marks the directory as complete.
  await writeFile(summary, `${JSON.stringify(corpus, null, 2)}\n`);
  return corpus;
}

function summaryFile(options: CorpusOptions): string {
  return path.join(corpusDir(options), 'corpus.json');
}

function gb(bytes: number): string {
  return (bytes / 1024 ** 3).toFixed(1);
}
