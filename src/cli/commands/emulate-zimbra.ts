/** `ferry emulate zimbra`: starts the emulated Zimbra server and prints its URLs as one JSON line. */
import { Command, Option } from 'commander';

import { startZimbraEmulator, type ZimbraEmulatorOptions } from '../../emulators/zimbra/server.ts';

interface CliOptions {
  data: string;
  host: string;
  port: string;
  adminPort: string;
  version?: string;
  faults?: string;
  adminTokenLifetimeMs?: string;
  delegatedTokenLifetimeMs?: string;
  userTokenLifetimeMs?: string;
  dosMaxRequestsPerSec?: string;
  dosStatus?: string;
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, got "${value}"`);
  return Number(value);
}

export function emulateZimbraCommand(): Command {
  return new Command('zimbra')
    .description('Run an emulated Zimbra server (JSON SOAP, REST) over a data directory')
    .requiredOption(
      '--data <dir>',
      'data directory (accounts/<email>/mail|contacts|calendar|tasks, server.json)',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'user port (0 = any free port)', '0')
    .option('--admin-port <port>', 'admin port (0 = any free port)', '0')
    .option('--version <version>', 'Zimbra version to emulate (default: server.json version, else 8.8.15)')
    .option('--faults <spec>', 'fault injection, e.g. seed=7,503=0.02,reset=@10/100,slow=0.1:1500')
    .addOption(new Option('--admin-token-lifetime-ms <ms>', 'admin token lifetime').hideHelp())
    .addOption(new Option('--delegated-token-lifetime-ms <ms>', 'DelegateAuth token lifetime').hideHelp())
    .addOption(new Option('--user-token-lifetime-ms <ms>', 'user token lifetime').hideHelp())
    .addOption(
      new Option('--dos-max-requests-per-sec <n>', 'DoSFilter limit per account (0 = off)').hideHelp(),
    )
    .addOption(
      new Option('--dos-status <code>', 'status of a DoSFilter refusal (newer Jetty: 429)')
        .choices(['503', '429'])
        .hideHelp(),
    )
    .action(async (opts: CliOptions) => {
      const options: ZimbraEmulatorOptions = {
        dataDir: opts.data,
        host: opts.host,
        port: integer(opts.port, '--port') ?? 0,
        adminPort: integer(opts.adminPort, '--admin-port') ?? 0,
      };
      if (opts.version !== undefined) options.version = opts.version;
      if (opts.faults !== undefined) options.faults = opts.faults;
      const admin = integer(opts.adminTokenLifetimeMs, '--admin-token-lifetime-ms');
      if (admin !== undefined) options.adminTokenLifetimeMs = admin;
      const delegated = integer(opts.delegatedTokenLifetimeMs, '--delegated-token-lifetime-ms');
      if (delegated !== undefined) options.delegatedTokenLifetimeMs = delegated;
      const user = integer(opts.userTokenLifetimeMs, '--user-token-lifetime-ms');
      if (user !== undefined) options.userTokenLifetimeMs = user;
      const dos = integer(opts.dosMaxRequestsPerSec, '--dos-max-requests-per-sec');
      if (dos !== undefined) options.dosFilterMaxRequestsPerSec = dos;
      if (opts.dosStatus !== undefined) options.dosFilterStatus = opts.dosStatus === '429' ? 429 : 503;
      const emulator = await startZimbraEmulator(options);
      process.stdout.write(`${JSON.stringify({ url: emulator.url, adminUrl: emulator.adminUrl })}\n`);
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void emulator.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
