/** Reading the optional JSON files of a data dir, with errors that name the file. */
import { existsSync, readFileSync } from 'node:fs';

import type { z } from 'zod';

export class DataDirError extends Error {}

export function readJsonFile<T>(file: string, schema: z.ZodType<T>): T | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DataDirError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new DataDirError(`${file} does not have the expected shape: ${result.error.message}`);
  }
  return result.data;
}
