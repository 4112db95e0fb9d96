import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** Builds the web console afresh, so the server under test serves this checkout's console, not an older build. */
export function buildWebConsole(): void {
  const result = spawnSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'src/web/vite.config.ts',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  if (result.status !== 0) {
    throw new Error(`Building the web console failed:\n${result.stdout}\n${result.stderr}`);
  }
}
