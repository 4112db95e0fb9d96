import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../../bin/ferry.js');

function ferry(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
  });
}

describe('ferry config', () => {
  it('prints the effective configuration with secrets hidden', () => {
    const result = ferry(['config', '--json'], {
      DATABASE_URL: 'postgres://ferry:pg-secret@db.internal:5432/ferry',
      FERRY_MASTER_KEY: `k1:${Buffer.alloc(32, 9).toString('base64')}`,
      SMTP_URL: 'smtp://mailer:smtp-secret@smtp.internal:25',
      PORT: '9090',
    });
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, string>;
    expect(printed.PORT).toBe('9090');
    expect(printed.FERRY_MASTER_KEY).toBe('[redacted]');
    expect(result.stdout).not.toContain('pg-secret');
    expect(result.stdout).not.toContain('smtp-secret');
    expect(result.stdout).not.toContain(Buffer.alloc(32, 9).toString('base64'));
  });

  it('exits 2 with one line per problem on invalid configuration', () => {
    const result = ferry(['start'], { PORT: '70000', LOG_LEVEL: 'chatty', FERRY_MASTER_KEY: 'short' });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => line.startsWith('ferry: '))).toBe(true);
    expect(result.stderr).not.toContain('short');
  });
});
