import { readFileSync } from 'node:fs';

/** The package root: two levels above this file, from src/cli/ in a checkout and from dist/cli/ when built. */
export const PACKAGE_ROOT = new URL('../../', import.meta.url);

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version: string }
).version;

export const WEB_DIST_DIR = new URL('dist/web/', PACKAGE_ROOT).pathname;
