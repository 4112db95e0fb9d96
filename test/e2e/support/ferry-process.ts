import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { LOOPBACK_ENV } from '../../support/loopback-outbound.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const LISTENING = /Ferry is listening on (http:\/\/\S+)/;
const SETUP_LINK = /(http:\/\/\S+\/setup\?token=\S+)/;

export interface FerryProcess {
  readonly baseUrl: string;
  readonly setupLink: string;
  /** Everything the process wrote so far, for failure messages. */
  output(): string;
  /** Stops Ferry with SIGINT, as Ctrl+C would, waits for it to exit and deletes its data directory. */
  stop(): Promise<void>;
}

/** Runs `ferry start` on a free port with a fresh data directory and waits for its setup link. */
export async function startFerry(timeoutMs: number): Promise<FerryProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-e2e-'));
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'ferry.js'), 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      FERRY_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      // The emulators listen on loopback, which Ferry refuses unless allowed.
      ...LOOPBACK_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const output = () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const announced = new Promise<{ baseUrl: string; setupLink: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Ferry did not print its setup link within ${timeoutMs} ms.\n${output()}`)),
      timeoutMs,
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const baseUrl = LISTENING.exec(stdout)?.[1];
      const setupLink = SETUP_LINK.exec(stdout)?.[1];
      if (baseUrl !== undefined && setupLink !== undefined) {
        clearTimeout(timer);
        resolve({ baseUrl, setupLink });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Ferry exited with code ${code} before printing its setup link.\n${output()}`));
    });
  });

  const stop = async () => {
    await stopChild(child, exited);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    return { ...(await announced), output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
    throw new Error('Ferry did not stop within 30 s of SIGINT.');
  }
}
