import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  type CoexistenceBatch,
  exchangeRoutingScript,
  powerShellQuote,
  shellQuote,
  zimbraForwardingScript,
} from './coexistence-commands.ts';
import { UserError } from './errors.ts';

const batch: CoexistenceBatch = {
  name: 'Batch 1\n$(touch /tmp/pwned)',
  users: [
    { source: 'alice@zimbra.example.com', destination: 'alice@contoso.com' },
    { source: "o'brien@zimbra.example.com", destination: "o'brien@contoso.com" },
  ],
  forwardingDomain: 'contoso.onmicrosoft.com',
  keepLocalCopy: false,
  sharedDomains: ['contoso.com'],
  zimbraSmartHost: 'mail.zimbra.example.com',
  generatedAt: new Date('2026-12-08T00:00:00Z'),
};

const dir = mkdtempSync(path.join(tmpdir(), 'ferry-zmprov-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the script with `zmprov` replaced by a stand-in that keeps attributes in a file and logs
 * each call's arguments, one per line, as the real command would receive them.
 */
function runWithFakeZmprov(script: string): { calls: string[][] } {
  const store = path.join(dir, 'store.json');
  const log = path.join(dir, 'calls.log');
  writeFileSync(log, '');
  const fake = path.join(dir, 'zmprov');
  writeFileSync(
    fake,
    `#!/usr/bin/env node
const fs = require('node:fs');
const [op, account, attr, value] = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');
const store = fs.existsSync(${JSON.stringify(store)}) ? JSON.parse(fs.readFileSync(${JSON.stringify(store)}, 'utf8')) : {};
const key = account + ' ' + attr;
if (op === 'ga') { if (store[key] !== undefined) console.log('# name ' + account + '\\n' + attr + ': ' + store[key]); }
else if (op === 'ma') { store[key] = value; fs.writeFileSync(${JSON.stringify(store)}, JSON.stringify(store)); }
`,
    { mode: 0o755 },
  );
  const file = path.join(dir, 'forward.sh');
  writeFileSync(file, script);
  execFileSync('bash', [file], { env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` } });
  return {
    calls: readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]),
  };
}

describe('zimbraForwardingScript', () => {
  const script = zimbraForwardingScript(batch);

  it('sets forwarding and local delivery for each user, with every value arriving intact', () => {
    const { calls } = runWithFakeZmprov(script);
    expect(calls.filter((c) => c[0] === 'ma')).toEqual([
      ['ma', 'alice@zimbra.example.com', 'zimbraMailForwardingAddress', 'alice@contoso.onmicrosoft.com'],
      ['ma', 'alice@zimbra.example.com', 'zimbraPrefMailLocalDeliveryDisabled', 'TRUE'],
      ['ma', "o'brien@zimbra.example.com", 'zimbraMailForwardingAddress', "o'brien@contoso.onmicrosoft.com"],
      ['ma', "o'brien@zimbra.example.com", 'zimbraPrefMailLocalDeliveryDisabled', 'TRUE'],
    ]);
  });

  it('changes nothing the second time (each write is guarded by a read)', () => {
    const { calls } = runWithFakeZmprov(script);
    expect(calls.filter((c) => c[0] === 'ma')).toEqual([]);
    expect(calls.filter((c) => c[0] === 'ga')).toHaveLength(4);
  });

  it('keeps a batch name that holds a line break and a command substitution inside one comment', () => {
    expect(script).toContain('# Ferry: Zimbra mail forwarding for Batch 1 $(touch /tmp/pwned) (2 users)');
    for (const line of script.split('\n').filter((l) => l.includes('pwned')))
      expect(line.startsWith('#')).toBe(true);
  });

  it('writes every zmprov change inside the guard, and every account through the quoting function', () => {
    const lines = script.split('\n');
    const writes = lines.filter((line) => !line.startsWith('#') && /\bzmprov ma\b/.test(line));
    expect(writes).toEqual(['    zmprov ma "$1" "$2" "$3"']);
    const calls = lines.filter((line) => line.startsWith('ferry_set '));
    expect(calls).toHaveLength(4);
    for (const line of calls) expect(line.split(' ')[1]).toMatch(/^'.*'$/);
  });

  it('keeps a copy in Zimbra when asked', () => {
    expect(zimbraForwardingScript({ ...batch, keepLocalCopy: true })).toContain(
      "ferry_set 'alice@zimbra.example.com' zimbraPrefMailLocalDeliveryDisabled FALSE",
    );
  });
});

describe('exchangeRoutingScript', () => {
  const script = exchangeRoutingScript(batch);

  it('guards every change by a lookup of the current state', () => {
    const lines = script.split('\n');
    const changes = lines
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => /^\s*(Set|New)-/.test(line));
    expect(changes.length).toBe(5);
    for (const { index } of changes) {
      const before = lines.slice(Math.max(0, index - 4), index).join('\n');
      expect(before).toMatch(/\b(if|elseif|else)\b/);
    }
    expect(script).toContain('Set-AcceptedDomain -Identity $domain.Identity -DomainType InternalRelay');
    expect(script).toContain(
      "-ConnectorType OnPremises -UseMXRecord $false -SmartHosts 'mail.zimbra.example.com'",
    );
  });

  it('quotes names with a quote in them by doubling it', () => {
    expect(script).toContain(
      "Set-Mailbox -Identity 'o''brien@contoso.com' -EmailAddresses @{Add='o''brien@contoso.onmicrosoft.com'}",
    );
  });

  it('is commented at the top and for each step', () => {
    expect(script.split('\n')[0]).toMatch(/^# Ferry: Exchange Online mail routing/);
    expect(script.match(/^# \d\. /gm)).toHaveLength(3);
  });
});

describe('quoting', () => {
  it('shell: nothing inside single quotes expands; an embedded quote is closed, escaped and reopened', () => {
    const value = `a'b $(x) \`y\` "z" \\`;
    expect(execFileSync('bash', ['-c', `printf %s ${shellQuote(value)}`]).toString()).toBe(value);
  });

  it('PowerShell: quotes, including typographic ones, are doubled', () => {
    expect(powerShellQuote("o'brien ‘x’ $env:PATH")).toBe("'o''brien ‘‘x’’ $env:PATH'");
  });
});

describe('input', () => {
  it('refuses hosts and domains that are not names, and addresses that could break out of a command', () => {
    const refuse = (change: Partial<CoexistenceBatch>) => () =>
      zimbraForwardingScript({ ...batch, ...change });
    expect(refuse({ zimbraSmartHost: 'mail.example.com; rm -rf /' })).toThrow(UserError);
    expect(refuse({ forwardingDomain: 'contoso' })).toThrow(/forwarding domain/);
    expect(refuse({ users: [{ source: 'a$(id)@x.com', destination: 'a@contoso.com' }] })).toThrow(UserError);
    expect(refuse({ users: [] })).toThrow(/at least one/);
  });
});
