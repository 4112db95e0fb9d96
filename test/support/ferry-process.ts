import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { LOOPBACK_ENV } from './loopback-outbound.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/ferry.js');

export interface FerryProcess {
  readonly child: ChildProcess;
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout match of the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnFerry(args: string[], env: Record<string, string>): FerryProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'warn',
      // Tests point Ferry at emulators on loopback, which it refuses unless allowed.
      ...LOOPBACK_ENV,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
          const match = pattern.exec(out);
          if (match) return resolve(match);
          if (child.exitCode !== null)
            return reject(new Error(`ferry ${args.join(' ')} exited (${child.exitCode}):\n${err}`));
          if (Date.now() - started > timeoutMs)
            return reject(new Error(`timed out waiting for ${pattern}:\n${out}\n${err}`));
          setTimeout(poll, 50);
        };
        poll();
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Pids of running PostgreSQL servers whose command line names a path inside `dir`. */
export async function postgresProcessesUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (cmdline[0]?.endsWith('postgres') && cmdline.some((arg) => arg.startsWith(dir)))
        pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

export async function waitForHealth(url: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const started = Date.now();
  for (;;) {
    try {
      const response = await fetch(`${url}/api/health`);
      const body = (await response.json()) as Record<string, unknown>;
      if (body.status === 'ok') return body;
    } catch {
      // Not listening yet.
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} did not become healthy in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
