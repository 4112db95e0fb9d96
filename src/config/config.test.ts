import { describe, expect, it } from 'vitest';

import { ConfigError, describeConfig, loadConfig } from './config.ts';

describe('configuration', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({}, '/srv/ferry');
    expect(config).toEqual({
      dataDir: '/srv/ferry/data',
      host: '127.0.0.1',
      port: 8080,
      databaseUrl: undefined,
      masterKey: undefined,
      smtpUrl: undefined,
      publicUrl: undefined,
      mailFrom: 'Ferry <ferry@localhost>',
      logLevel: 'info',
      workerMailboxes: 100,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every invalid key on its own line without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://u:hunter2@h/db',
        SMTP_URL: 'x',
        FERRY_WORKER_MAILBOXES: '0',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('FERRY_WORKER_MAILBOXES'))).toContain('got "0"');
    expect(problems.find((p) => p.startsWith('PORT'))).toContain('got "abc"');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL'))).toContain('got "loud"');
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('hides passwords and keys when describing the configuration', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://ferry:s3cret@db:5432/ferry',
      FERRY_MASTER_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    });
    const text = JSON.stringify(describeConfig(config));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain(Buffer.alloc(32, 7).toString('base64'));
    expect(text).toContain('postgres://ferry:redacted@db:5432/ferry');
  });
});
