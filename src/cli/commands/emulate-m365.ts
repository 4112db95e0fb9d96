import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { defaultConfig, parseM365Config, type ResolvedConfig } from '../../emulators/m365/config.ts';
import { startM365Emulator } from '../../emulators/m365/server.ts';
import { parseLatency, type LatencyPlan } from '../../emulators/m365/latency.ts';
import type { Limits } from '../../emulators/m365/throttle.ts';

function parseLimits(value: string): Limits {
  if (value === 'microsoft' || value === 'off') return value;
  const match = /^(scaled|compressed):(\d+(?:\.\d+)?)$/.exec(value);
  const factor = Number(match?.[2]);
  if (match === null || !(factor > 0)) {
    throw new InvalidArgumentError('expected microsoft, off, scaled:F or compressed:F (F > 0)');
  }
  return match[1] === 'scaled' ? { scaled: factor } : { compressed: factor };
}

function parseLatencyOption(value: string): LatencyPlan | undefined {
  try {
    return parseLatency(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `0`, a number of seconds or `forever`, in milliseconds. */
function parseWindow(value: string): number {
  if (value === 'forever') return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError('expected 0, a whole number of seconds or forever');
  return Number(value) * 1000;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('expected a port number (0 picks a free one)');
  }
  return port;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new InvalidArgumentError('expected a whole number of seconds (at least 1)');
  }
  return seconds;
}

/** Tells the operator (on stderr) how to sign in to the default tenant. */
function describeDefaultTenant(config: ResolvedConfig): void {
  for (const tenant of config.tenants) {
    process.stderr.write(`tenant ${tenant.id} (${tenant.domains.join(', ')}), region ${tenant.region}\n`);
    for (const app of tenant.apps) {
      process.stderr.write(
        `  app ${app.clientId} secret ${app.secret ?? '(none: certificate)'}\n  permissions ${app.permissions.join(' ')}\n`,
      );
    }
    if (tenant.autoCreateUsers) {
      process.stderr.write(
        `  users are created on first use of a UPN in ${tenant.domains.join(' or ')} (password ${tenant.autoCreatePassword ?? '(none)'})\n`,
      );
    }
  }
}

export function emulateM365Command(): Command {
  return new Command('m365')
    .description(
      'Run the emulated Microsoft 365 (identity platform + Microsoft Graph) for tests, benchmarks and demos',
    )
    .option('--config <file>', 'tenants, apps and users (JSON)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option(
      '--limits <limits>',
      'throttling: microsoft, off, scaled:F (windows ÷ F) or compressed:F (budgets and windows ÷ F)',
      parseLimits,
      'microsoft' as Limits,
    )
    .option('--faults <spec>', 'fault injection, e.g. seed=7,503=0.02,reset=@10/100,commit-504=@5~/events$')
    .option(
      '--latency <spec>',
      "service time per request: off, default (Exchange Online's, assumed) or rules like message=400+300,jitter=0.1",
      parseLatencyOption,
    )
    .option(
      '--transaction-id-window <seconds>',
      'how long a repeated event transactionId returns the first event: 0, seconds or forever (Microsoft documents none)',
      parseWindow,
    )
    .option('--token-lifetime <seconds>', 'access token lifetime (expires_in)', parseSeconds)
    .action(
      async (opts: {
        config?: string;
        host: string;
        port: number;
        limits: Limits;
        faults?: string;
        latency?: LatencyPlan;
        transactionIdWindow?: number;
        tokenLifetime?: number;
      }) => {
        const config =
          opts.config === undefined ? defaultConfig() : parseM365Config(await readFile(opts.config, 'utf8'));
        if (opts.config === undefined) describeDefaultTenant(config);
        const emulator = await startM365Emulator({
          config,
          host: opts.host,
          port: opts.port,
          limits: opts.limits,
          ...(opts.faults === undefined ? {} : { faults: opts.faults }),
          latency: opts.latency,
          ...(opts.transactionIdWindow === undefined
            ? {}
            : { transactionIdWindowMs: opts.transactionIdWindow }),
          ...(opts.tokenLifetime === undefined ? {} : { tokenLifetimeSec: opts.tokenLifetime }),
        });
        process.stdout.write(
          `${JSON.stringify({ authorityUrl: emulator.authorityUrl, graphUrl: emulator.graphUrl })}\n`,
        );
        const stop = (): void => {
          emulator.close().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );
}
