import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { generateApiClientFiles, REPO_ROOT } from '../../scripts/gen-api-client.ts';

describe('the web console API client', () => {
  it('matches the API (after changing a route, run: node scripts/gen-api-client.ts)', async () => {
    for (const file of await generateApiClientFiles()) {
      const checkedIn = await readFile(path.join(REPO_ROOT, file.path), 'utf8');
      expect(checkedIn, `${file.path} is stale`).toBe(file.content);
    }
  });
});
