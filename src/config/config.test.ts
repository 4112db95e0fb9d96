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
      databaseOwnerUrl: undefined,
      masterKey: undefined,
      smtpUrl: undefined,
      publicUrl: undefined,
      mailFrom: 'Ferry <ferry@localhost>',
      allowedPrivateNetworks: [],
      connectionsPerHost: 64,
      dnsServers: [],
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
      DATABASE_OWNER_URL: 'postgres://ferry_owner:0wner-s3cret@db:5432/ferry',
      FERRY_MASTER_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    });
    const text = JSON.stringify(describeConfig(config));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain(Buffer.alloc(32, 7).toString('base64'));
    expect(text).toContain('postgres://ferry:redacted@db:5432/ferry');
    expect(text).not.toContain('0wner-s3cret');
    expect(text).toContain('postgres://ferry_owner:redacted@db:5432/ferry');
  });

  it('refuses an owner role without the app role it would grant to', () => {
    expect(() => loadConfig({ DATABASE_OWNER_URL: 'postgres://owner:pw@db/ferry' })).toThrow(
      /DATABASE_OWNER_URL needs DATABASE_URL/,
    );
    expect(
      loadConfig({
        DATABASE_URL: 'postgres://app:pw@db/ferry',
        DATABASE_OWNER_URL: 'postgres://owner:pw@db/ferry',
      }).databaseOwnerUrl,
    ).toBe('postgres://owner:pw@db/ferry');
  });

  it('reads the allowed private networks, refusing an entry that is not a CIDR by name', () => {
    expect(
      loadConfig({ FERRY_ALLOWED_PRIVATE_NETWORKS: '10.0.0.0/24, fd12::/64' }).allowedPrivateNetworks.map(
        (n) => n.text,
      ),
    ).toEqual(['10.0.0.0/24', 'fd12::/64']);
    expect(loadConfig({}).allowedPrivateNetworks).toEqual([]);
    let error: unknown;
    try {
      loadConfig({ FERRY_ALLOWED_PRIVATE_NETWORKS: '10.0.0.0/24,10.0.0.0/33,mail.local' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(
        /^FERRY_ALLOWED_PRIVATE_NETWORKS must be a comma-separated list of CIDRs .*not a CIDR: "10\.0\.0\.0\/33", "mail\.local"/,
      ),
    ]);
  });

  it('reads proxies in either spelling and hides their passwords', () => {
    const config = loadConfig({ https_proxy: 'http://user:pw1@proxy:3128', NO_PROXY: '.corp' });
    expect(config.httpsProxy).toBe('http://user:pw1@proxy:3128');
    expect(config.noProxy).toBe('.corp');
    expect(JSON.stringify(describeConfig(config))).not.toContain('pw1');
  });

  it('reads the DNS resolvers of the cutover assistant, each with an optional port', () => {
    expect(
      loadConfig({ FERRY_DNS_SERVERS: '1.1.1.1, 127.0.0.1:5353,[::1]:53,2606:4700::1111' }).dnsServers,
    ).toEqual(['1.1.1.1', '127.0.0.1:5353', '[::1]:53', '2606:4700::1111']);
    expect(() => loadConfig({ FERRY_DNS_SERVERS: '1.1.1.1,dns.google,10.0.0.1:99999' })).toThrow(
      /FERRY_DNS_SERVERS must be a comma-separated list of IP addresses.*"dns.google", "10.0.0.1:99999"/,
    );
  });
});
