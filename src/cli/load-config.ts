import { type Config, ConfigError, loadConfig } from '../config/config.ts';

/** The configuration, or exit 2 with one line per problem (the documented behaviour for bad config). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`ferry: ${problem}\n`);
    process.exit(2);
  }
}
