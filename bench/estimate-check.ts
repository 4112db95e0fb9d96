/**
 * `node bench/estimate-check.ts bench/results/<run>.json`: the duration estimate
 * (src/domain/duration-estimate.ts) of each mailbox of a bench run's ceiling scenarios, computed
 * from the corpus alone (message files, their sizes, mail folders), next to the duration the run
 * measured. The estimate gets the scenario's limits (`compressed:F`) and, when the emulated
 * Exchange had a service time (`--graph-latency default`), the same assumed service time.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import {
  ASSUMED_EXCHANGE_SERVICE_TIME,
  estimateMailbox,
  LARGE_MESSAGE_MIME_BYTES,
  type MailboxWork,
} from '../src/domain/duration-estimate.ts';
import { parseBudgetLimits } from '../src/graph/mailbox-budget.ts';
import { corpusDir } from './corpus.ts';

interface Results {
  options: { accounts: number; messages: number; seed: number; graphLatency: string };
  scenarios: {
    spec: { name: string; ferryLimits: string; graphLimits: unknown };
    mailboxes: { source: string; durationS: number; ceiling: { max: number } }[];
  }[];
}

async function mailWork(accountDir: string, mailbox: string): Promise<MailboxWork> {
  let messages = 0;
  let messageBytes = 0;
  let folders = 0;
  const large: number[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        folders += 1;
        await walk(full);
      } else if (entry.name.endsWith('.eml')) {
        const { size } = await stat(full);
        messages += 1;
        messageBytes += size;
        if (size > LARGE_MESSAGE_MIME_BYTES) large.push(size);
      }
    }
  };
  await walk(path.join(accountDir, 'mail'));
  return {
    mailbox,
    messages,
    messageBytes,
    largeMessageBytes: large,
    contacts: 0,
    events: 0,
    tasks: 0,
    folders,
  };
}

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: node bench/estimate-check.ts bench/results/<run>.json\n');
  process.exit(2);
}
const results = JSON.parse(await readFile(file, 'utf8')) as Results;
const accounts = path.join(corpusDir(results.options), 'data', 'accounts');
const serviceTime = results.options.graphLatency === 'off' ? null : ASSUMED_EXCHANGE_SERVICE_TIME;
for (const scenario of results.scenarios.filter((s) => s.spec.ferryLimits.startsWith('compressed:'))) {
  const limits = parseBudgetLimits(scenario.spec.ferryLimits);
  process.stdout.write(`${scenario.spec.name} (graph latency ${results.options.graphLatency})\n`);
  for (const measured of scenario.mailboxes) {
    const work = await mailWork(path.join(accounts, measured.source), measured.source);
    const estimate = estimateMailbox(work, limits, serviceTime);
    const estimatedS = estimate.durationMs / 1000;
    process.stdout.write(
      `  ${measured.source}: estimated ${estimatedS.toFixed(1)} s (${estimate.binding}), measured ${measured.durationS.toFixed(1)} s, ` +
        `measured/estimated ${(measured.durationS / estimatedS).toFixed(2)}, ceiling fraction reached ${measured.ceiling.max.toFixed(2)}\n`,
    );
  }
}
