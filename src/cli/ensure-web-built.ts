import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from '../config/logger.ts';
import { PACKAGE_ROOT, WEB_DIST_DIR } from './package-info.ts';

/** Builds the web console with Vite when no built copy exists (first `npm start` of a checkout). */
export async function ensureWebBuilt(logger: Logger): Promise<string> {
  if (existsSync(path.join(WEB_DIST_DIR, 'index.html'))) return WEB_DIST_DIR;
  const configFile = new URL('src/web/vite.config.ts', PACKAGE_ROOT).pathname;
  if (!existsSync(configFile)) return WEB_DIST_DIR;
  logger.info('building the web console (first start)…');
  const started = performance.now();
  const { build } = await import('vite');
  // Build beside the target and rename, so two processes starting at once never serve half a build.
  const staging = `${WEB_DIST_DIR.replace(/\/$/, '')}.${process.pid}.tmp`;
  await build({ configFile, logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
  if (existsSync(path.join(WEB_DIST_DIR, 'index.html'))) await rm(staging, { recursive: true, force: true });
  else {
    await rm(WEB_DIST_DIR, { recursive: true, force: true });
    await rename(staging, WEB_DIST_DIR);
  }
  logger.info({ ms: Math.round(performance.now() - started) }, 'web console built');
  return WEB_DIST_DIR;
}
