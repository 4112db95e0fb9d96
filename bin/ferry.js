#!/usr/bin/env node
// Entry point: in a git checkout, runs the TypeScript sources directly through Node's type stripping;
// an installed package (no src/, or under node_modules where Node refuses to strip types) runs dist/.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`Ferry needs Node.js 22.12 or later; this is ${process.version}.`);
  process.exit(2);
}

const compiled = new URL('../dist/cli/main.js', import.meta.url);
const source = new URL('../src/cli/main.ts', import.meta.url);

const runSource = existsSync(source) && !source.pathname.includes('/node_modules/');

if (!runSource) {
  await import(compiled.href);
} else if (process.features.typescript) {
  await import(source.href);
} else {
  // Node 22.12–22.17 strips types only behind a flag.
  const child = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', source.pathname, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
}
