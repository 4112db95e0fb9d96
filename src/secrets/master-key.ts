import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { KEY_BYTES, type MasterKey } from './secret-box.ts';

export const MASTER_KEY_FILE = 'master.key';

/** Parses FERRY_MASTER_KEY's "id:base64[,id:base64…]" form; the first key is the current one. */
export function parseKeyRing(text: string): MasterKey[] {
  return text
    .trim()
    .split(/[,\n]/)
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const [id = '', encoded = ''] = part.trim().split(':');
      return { id, key: Buffer.from(encoded, 'base64') };
    });
}

/**
 * The configured key ring, or the one kept in `<dataDir>/master.key`, created on first use with
 * mode 0600. Losing that file makes stored credentials unreadable, so it is never rewritten.
 */
export async function loadKeyRing(configured: string | undefined, dataDir: string): Promise<MasterKey[]> {
  if (configured !== undefined) return parseKeyRing(configured);
  const file = path.join(dataDir, MASTER_KEY_FILE);
  try {
    return parseKeyRing(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const generated = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}:${randomBytes(KEY_BYTES).toString('base64')}\n`;
  try {
    await writeFile(file, generated, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return parseKeyRing(await readFile(file, 'utf8'));
}
